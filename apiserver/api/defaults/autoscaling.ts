// Defaults for HorizontalPodAutoscalers (autoscaling/v2), as Kubernetes' SetDefaults_HorizontalPodAutoscaler.
import type { HPAScalingRules } from 'kubernetes-types/autoscaling/v2.d.ts';
import type { HorizontalPodAutoscaler } from '../types.ts';

/** Without metrics an HPA targets 80% average CPU utilization, the autoscaler's historical default. */
const defaultCPUUtilization = 80;

/** Scale up by at most 4 pods or 100% per 15 s, whichever is more, with no stabilization window. */
function scaleUpDefaults(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
  };
}

/** Scale down by up to 100% per 15 s; the window is left unset so the controller's flag decides it. */
function scaleDownDefaults(): HPAScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = hpa.spec;
  if (!spec) return;
  spec.minReplicas ??= 1;
  if (!spec.metrics || spec.metrics.length === 0) {
    spec.metrics = [{
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: defaultCPUUtilization } },
    }];
  }
  // A behavior block is completed field by field: what the user set wins, the rest comes from the defaults.
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpDefaults());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownDefaults());
  }
}

function fillRules(given: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!given) return defaults;
  return {
    ...defaults,
    ...(given.selectPolicy !== undefined ? { selectPolicy: given.selectPolicy } : {}),
    ...(given.stabilizationWindowSeconds !== undefined ? { stabilizationWindowSeconds: given.stabilizationWindowSeconds } : {}),
    ...(given.policies !== undefined ? { policies: given.policies } : {}),
  };
}
