// The TARGETS cell of a HorizontalPodAutoscaler: `current/target` per metric, the first two shown.
import type { HorizontalPodAutoscaler } from '../../api/types.ts';

type MetricSpec = NonNullable<NonNullable<HorizontalPodAutoscaler['spec']>['metrics']>[number];
type MetricStatus = NonNullable<NonNullable<HorizontalPodAutoscaler['status']>['currentMetrics']>[number];

const shownMetrics = 2;

export function formatHPAMetrics(specs: readonly MetricSpec[] | undefined, statuses: readonly MetricStatus[] | undefined): string {
  if (!specs || specs.length === 0) return '<none>';
  // Status entries are matched to spec entries by position, as the controller writes them in spec order.
  const texts = specs.map((spec, i) => metricText(spec, statuses?.[i]));
  const shown = texts.slice(0, shownMetrics).join(', ');
  return texts.length > shownMetrics ? `${shown} + ${texts.length - shownMetrics} more...` : shown;
}

function metricText(spec: MetricSpec, status: MetricStatus | undefined): string {
  switch (spec.type) {
    case 'External': {
      const target = spec.external?.target;
      if (target?.averageValue !== undefined) {
        const current = status?.external?.current?.averageValue ?? unknown;
        return `${current}/${target.averageValue} (avg)`;
      }
      const current = status?.external ? quantityText(status.external.current?.value) : unknown;
      return `${current}/${quantityText(target?.value)}`;
    }
    case 'Pods': {
      const current = status?.pods ? quantityText(status.pods.current?.averageValue) : unknown;
      return `${current}/${quantityText(spec.pods?.target?.averageValue)}`;
    }
    case 'Object': {
      const target = spec.object?.target;
      if (target?.averageValue !== undefined) {
        const current = status?.object?.current?.averageValue ?? unknown;
        return `${current}/${target.averageValue} (avg)`;
      }
      const current = status?.object ? quantityText(status.object.current?.value) : unknown;
      return `${current}/${quantityText(target?.value)}`;
    }
    case 'Resource':
      return resourceText(spec.resource?.name ?? '', spec.resource?.target, status?.resource);
    case 'ContainerResource':
      return resourceText(spec.containerResource?.name ?? '', spec.containerResource?.target, status?.containerResource);
    default:
      return '<unknown type>';
  }
}

const unknown = '<unknown>';

interface Target { averageValue?: string; averageUtilization?: number }
interface Observed { current?: { averageValue?: string; averageUtilization?: number } }

/** `cpu: 40%/80%` for utilization targets, `memory: 100Mi/200Mi` for value targets. */
function resourceText(name: string, target: Target | undefined, observed: Observed | undefined): string {
  if (target?.averageValue !== undefined) {
    const now = observed ? quantityText(observed.current?.averageValue) : unknown;
    return `${name}: ${now}/${target.averageValue}`;
  }
  const utilization = observed?.current?.averageUtilization;
  const now = utilization !== undefined ? `${utilization}%` : unknown;
  const goal = target?.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
  return `${name}: ${now}/${goal}`;
}

/** A Go *Quantity prints `<nil>` when unset; the printer dereferences some without checking. */
function quantityText(quantity: string | undefined): string {
  return quantity ?? '<nil>';
}
