// describe horizontalpodautoscaler: kubectl's autoscaling/v2 HorizontalPodAutoscaler describer: the target, each
// metric as `current / target` (current from status.currentMetrics at the same index), replica bounds, scaling
// behavior, the target's replica counts, conditions and events.
import { goQuote } from '../../apiserver/api/go-format.ts';
import type { HorizontalPodAutoscaler } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, quantityString, rfc1123z } from './format.ts';
import { LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter } from './prefix-writer.ts';

type Spec = HorizontalPodAutoscaler['spec'];
type Metric = NonNullable<NonNullable<Spec>['metrics']>[number];
type MetricStatus = NonNullable<NonNullable<HorizontalPodAutoscaler['status']>['currentMetrics']>[number];
type ScalingRules = NonNullable<NonNullable<NonNullable<Spec>['behavior']>['scaleUp']>;

/** Quantity.String() through a pointer: Go prints a nil one as `<nil>`. */
const q = (value: string | number | undefined): string => (value === undefined ? '<nil>' : quantityString(value));

/** `current% (value)` when the status reports a utilization, else `<unknown>`; the target `N%` or `<auto>`. */
function utilization(current: { averageUtilization?: number; averageValue?: string | number } | undefined, target: number | undefined): string {
  const now = current?.averageUtilization !== undefined ? `${current.averageUtilization}% (${q(current.averageValue)})` : '<unknown>';
  return `${now} / ${target !== undefined ? `${target}%` : '<auto>'}`;
}

function describeMetric(w: PrefixWriter, metric: Metric, current: MetricStatus | undefined): void {
  switch (metric.type) {
    case 'External': {
      const m = metric.external;
      const now = current?.external?.current;
      if (m?.target.averageValue !== undefined) {
        w.write(LEVEL_1, `${goQuote(m.metric.name)} (target average value):\t${now?.averageValue !== undefined ? q(now.averageValue) : '<unknown>'} / ${q(m.target.averageValue)}\n`);
      } else {
        w.write(LEVEL_1, `${goQuote(m?.metric.name ?? '')} (target value):\t${current?.external ? q(now?.value) : '<unknown>'} / ${q(m?.target.value)}\n`);
      }
      return;
    }
    case 'Pods': {
      const m = metric.pods;
      w.write(LEVEL_1, `${goQuote(m?.metric.name ?? '')} on pods:\t${current?.pods ? q(current.pods.current.averageValue) : '<unknown>'} / ${q(m?.target.averageValue)}\n`);
      return;
    }
    case 'Object': {
      const m = metric.object;
      w.write(LEVEL_1, `"${m?.metric.name ?? ''}" on ${m?.describedObject.kind ?? ''}/${m?.describedObject.name ?? ''} `);
      const now = current?.object ? current.object.current : undefined;
      if (m?.target.type === 'AverageValue') w.write(LEVEL_0, `(target average value):\t${current?.object ? q(now?.averageValue) : '<unknown>'} / ${q(m.target.averageValue)}\n`);
      else w.write(LEVEL_0, `(target value):\t${current?.object ? q(now?.value) : '<unknown>'} / ${q(m?.target.value)}\n`);
      return;
    }
    case 'Resource': {
      const m = metric.resource;
      w.write(LEVEL_1, `resource ${m?.name ?? ''} on pods`);
      if (m?.target.averageValue !== undefined) {
        w.write(LEVEL_0, `:\t${current?.resource ? q(current.resource.current.averageValue) : '<unknown>'} / ${q(m.target.averageValue)}\n`);
      } else {
        // kubectl writes this part at level 1 too, so two spaces separate it from "on pods".
        w.write(LEVEL_1, `(as a percentage of request):\t${utilization(current?.resource?.current, m?.target.averageUtilization)}\n`);
      }
      return;
    }
    case 'ContainerResource': {
      const m = metric.containerResource;
      w.write(LEVEL_1, `resource ${m?.name ?? ''} of container "${m?.container ?? ''}" on pods`);
      if (m?.target.averageValue !== undefined) {
        w.write(LEVEL_0, `:\t${current?.containerResource ? q(current.containerResource.current.averageValue) : '<unknown>'} / ${q(m.target.averageValue)}\n`);
      } else {
        w.write(LEVEL_1, `(as a percentage of request):\t${utilization(current?.containerResource?.current, m?.target.averageUtilization)}\n`);
      }
      return;
    }
    default:
      w.write(LEVEL_1, `<unknown metric type ${goQuote(metric.type)}>\n`);
  }
}

function describeDirection(w: PrefixWriter, direction: string, rules: ScalingRules | undefined): void {
  if (!rules) return;
  w.write(LEVEL_1, `${direction}:\n`);
  if (rules.stabilizationWindowSeconds !== undefined) w.write(LEVEL_2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds\n`);
  const policies = rules.policies ?? [];
  if (policies.length === 0) return;
  w.write(LEVEL_2, `Select Policy: ${rules.selectPolicy ?? 'Max'}\n`);
  w.write(LEVEL_2, 'Policies:\n');
  for (const p of policies) w.write(LEVEL_3, `- Type: ${p.type}\tValue: ${p.value}\tPeriod: ${p.periodSeconds} seconds\n`);
}

export async function describeHorizontalPodAutoscaler(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  return renderHorizontalPodAutoscaler(obj as HorizontalPodAutoscaler, await eventsFor(ctx, obj, 'HorizontalPodAutoscaler'), ctx.now);
}

export function renderHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = hpa.spec;
  const status = hpa.status;
  w.write(LEVEL_0, `Name:\t${hpa.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${hpa.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', hpa.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', hpa.metadata?.annotations);
  w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(hpa.metadata?.creationTimestamp)}\n`);
  w.write(LEVEL_0, `Reference:\t${spec?.scaleTargetRef.kind ?? ''}/${spec?.scaleTargetRef.name ?? ''}\n`);
  w.write(LEVEL_0, 'Metrics:\t( current / target )\n');
  (spec?.metrics ?? []).forEach((metric, i) => describeMetric(w, metric, status?.currentMetrics?.[i]));
  w.write(LEVEL_0, `Min replicas:\t${spec?.minReplicas ?? '<unset>'}\n`);
  w.write(LEVEL_0, `Max replicas:\t${spec?.maxReplicas ?? 0}\n`);
  if (spec?.behavior) {
    w.write(LEVEL_0, 'Behavior:\n');
    describeDirection(w, 'Scale Up', spec.behavior.scaleUp);
    describeDirection(w, 'Scale Down', spec.behavior.scaleDown);
  }
  w.write(LEVEL_0, `${spec?.scaleTargetRef.kind ?? ''} pods:\t`);
  w.write(LEVEL_0, `${status?.currentReplicas ?? 0} current / ${status?.desiredReplicas ?? 0} desired\n`);
  const conditions = status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n');
    w.write(LEVEL_1, 'Type\tStatus\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t------\t-------\n');
    for (const c of conditions) w.write(LEVEL_1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
