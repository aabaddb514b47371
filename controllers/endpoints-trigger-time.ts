// The endpoints.kubernetes.io/last-change-trigger-time annotation that the Endpoints and EndpointSlice controllers
// write (kube's TriggerTimeTracker): when the change this write reflects happened, so that the latency from a pod
// turning Ready to the proxies knowing can be measured end to end.
import type { Pod, Service } from '../apiserver/api/types.ts';
import { podCondition } from './workload-pods.ts';

export const lastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

/** Go's RFC3339Nano in UTC: fractional seconds only when there are any, trailing zeros dropped. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, (_m, frac: string) => {
    const trimmed = frac.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}

const timeOf = (t: string | undefined): number | undefined => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * kube's TriggerTimeTracker: the time of the earliest change since the previous sync of a Service that this sync
 * reflects (a pod's Ready transition, or the Service's creation). A Service seen for the first time reports its
 * creation time. Each controller keeps its own: each measures from what its own last sync saw.
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, { pods: Map<string, number>; service: number | undefined }>();

  compute(key: string, svc: Service, selected: Pod[]): number | undefined {
    const previous = this.states.get(key);
    let earliest: number | undefined;
    const pods = new Map<string, number>();
    for (const pod of selected) {
      const t = timeOf(podCondition(pod, 'Ready')?.lastTransitionTime);
      if (t === undefined) continue;
      const name = pod.metadata?.name ?? '';
      pods.set(name, t);
      const before = previous?.pods.get(name);
      if (before === undefined || t > before) earliest = Math.min(earliest ?? t, t);
    }
    const created = timeOf(svc.metadata?.creationTimestamp);
    if (created !== undefined && (previous?.service === undefined || created > previous.service)) {
      earliest = Math.min(earliest ?? created, created);
    }
    this.states.set(key, { pods, service: created });
    return previous ? earliest : created;
  }

  forget(key: string): void {
    this.states.delete(key);
  }
}
