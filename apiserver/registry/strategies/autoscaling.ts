// Strategy of autoscaling/v2 HorizontalPodAutoscalers, with a status subresource the HPA controller writes.
import { defaultHorizontalPodAutoscaler } from '../../api/defaults/autoscaling.ts';
import type { HorizontalPodAutoscaler } from '../../api/types.ts';
import {
  validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerStatusUpdate, validateHorizontalPodAutoscalerUpdate,
} from '../../api/validation/horizontalpodautoscaler.ts';
import type { Strategy } from '../strategy.ts';
import { kindStrategy, statusSplit } from './kind-strategy.ts';

export const horizontalPodAutoscalerStrategy: Strategy = kindStrategy<HorizontalPodAutoscaler>({
  ...statusSplit({ resetStatus: (hpa) => { hpa.status = { desiredReplicas: 0 }; } }),
  default: defaultHorizontalPodAutoscaler,
  validate: validateHorizontalPodAutoscaler,
  validateUpdate: validateHorizontalPodAutoscalerUpdate,
  validateStatusUpdate: validateHorizontalPodAutoscalerStatusUpdate,
});
