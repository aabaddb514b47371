// The pods behind a name, as kubectl's logs, exec and attach find them: a pod is itself; a Deployment, ReplicaSet,
// StatefulSet, DaemonSet, Job, ReplicationController or Service stands for the pods its selector picks, the most
// active first (kubectl's reversed ActivePods order); and the container, the named one or the default one.
import { selectorFromLabelSelector, selectorFromMap, selectorToString } from '../apiserver/api/labels.ts';
import type { LabelSelector, Pod } from '../apiserver/api/types.ts';
import type { ApiObject } from '../apiserver/client/object.ts';
import type { DiscoveredResource } from './discovery.ts';
import { usageError } from './errors.ts';
import type { Info } from './infos.ts';
import type { Session } from './session.ts';
import { streamEvents } from './commands/get-watch.ts';

const podsResource: DiscoveredResource = {
  plural: 'pods', singular: 'pod', kind: 'Pod', group: '', version: 'v1', namespaced: true,
  shortNames: ['po'], categories: [], verbs: [], preferred: true,
};

export { podsResource };

/** The label selector of a workload or service, as a string for a list request. */
export function selectorFor(info: Info): string {
  const obj = info.object as ApiObject & { spec?: { selector?: LabelSelector | Record<string, string> } };
  const kind = info.resource.kind;
  if (kind === 'Service' || kind === 'ReplicationController') {
    const sel = obj.spec?.selector as Record<string, string> | undefined;
    if (!sel || Object.keys(sel).length === 0) throw usageError(`invalid service '${info.name}': Service is defined without a selector`);
    return selectorToString(selectorFromMap(sel));
  }
  if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'].includes(kind)) {
    const sel = selectorFromLabelSelector(obj.spec?.selector as LabelSelector | undefined);
    if (sel === 'nothing') throw usageError(`${kind.toLowerCase()} ${info.name} has no selector`);
    return selectorToString(sel);
  }
  throw usageError(`selector for ${kind} not implemented`);
}

function phaseRank(p: Pod): number {
  return { Running: 2, Unknown: 1, Pending: 0 }[p.status?.phase ?? 'Pending'] ?? 0;
}

function ready(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function restarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/** The reverse of kubectl's ActivePods: assigned, running, ready, fewer restarts, older first. */
export function byActivity(a: Pod, b: Pod): number {
  const assigned = Number(Boolean(b.spec?.nodeName)) - Number(Boolean(a.spec?.nodeName));
  if (assigned) return assigned;
  const phase = phaseRank(b) - phaseRank(a);
  if (phase) return phase;
  const r = Number(ready(b)) - Number(ready(a));
  if (r) return r;
  const rs = restarts(a) - restarts(b);
  if (rs) return rs;
  return (Date.parse(a.metadata?.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata?.creationTimestamp ?? '') || 0);
}

/** All pods behind `info`, most active first (a pod: itself). */
export async function podsFor(session: Session, info: Info): Promise<Pod[]> {
  if (info.resource.kind === 'Pod' && info.resource.group === '') return [info.object as Pod];
  const list = await session.client().list<Pod>(podsResource, info.namespace, { labelSelector: selectorFor(info) });
  return list.items.filter((p) => !p.metadata?.deletionTimestamp).sort(byActivity);
}

/** The first pod behind `info`, waiting up to `timeoutMs` for one to appear. */
export async function firstPod(session: Session, info: Info, timeoutMs: number): Promise<Pod> {
  const pods = await podsFor(session, info);
  if (pods.length > 0) return pods[0];
  const selector = selectorFor(info);
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  let found: Pod | undefined;
  try {
    await streamEvents(session, podsResource, info.namespace, { labelSelector: selector }, '0', stop.signal, (ev) => {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
        found = ev.object as Pod;
        stop.abort();
      }
    });
  } finally {
    clearTimeout(timer);
  }
  if (!found) throw usageError('timed out waiting for the condition');
  return found;
}

export function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec?.containers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => `${c.name} (ephem)`),
    ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/**
 * kubectl's FindOrDefaultContainerByName: the named container, else the default-container annotation's, else the
 * first, saying so on stderr when there was a choice.
 */
export function containerFor(session: Session, pod: Pod, requested: string | undefined, quiet = false, trustRequested = false): string {
  // exec leaves a named container to the server to judge, as kubectl 1.32 does.
  if (requested && trustRequested) return requested;
  const name = requested || pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const containers = pod.spec?.containers ?? [];
  if (containers.length === 0) throw usageError(`pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} does not have any containers`);
  if (name) {
    const all = [...containers, ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
    if (!all.some((c) => c.name === name)) {
      throw usageError(`container ${name} is not valid for pod ${pod.metadata?.name ?? ''} out of: ${allContainerNames(pod)}`);
    }
    return name;
  }
  const first = containers[0].name;
  if (!quiet && (containers.length > 1 || (pod.spec?.initContainers?.length ?? 0) > 0 || (pod.spec?.ephemeralContainers?.length ?? 0) > 0)) {
    session.err(`Defaulted container "${first}" out of: ${allContainerNames(pod)}\n`);
  }
  return first;
}
