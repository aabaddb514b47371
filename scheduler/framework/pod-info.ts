// Everything the scheduler reads from a pod, computed once per pod object: informer caches hand out the same
// object until the pod changes, so the cache is keyed by identity and costs nothing to keep valid.
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../apiserver/api/pod-types.ts';
import type { Pod } from '../../apiserver/api/types.ts';
import { parseAffinityTerm, parseWeightedAffinityTerm } from './affinity-terms.ts';
import { anyAddress } from './host-ports.ts';
import { compileRequiredNodeAffinity } from './node-affinity-match.ts';
import { nonZeroRequests, podRequests } from './resources.ts';
import type { AffinityTerm, HostPort, PodInfo, WeightedAffinityTerm } from './types.ts';

const cache = new WeakMap<Pod, PodInfo>();

export function podKey(pod: Pod): string {
  const uid = pod.metadata?.uid;
  return uid ? uid : `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
}

/** Host ports of the app containers and of sidecars (they run as long as the pod), as kube's GetHostPorts. */
function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const collect = (ports: readonly { hostPort?: number; hostIP?: string; protocol?: string }[] | undefined) => {
    for (const p of ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || anyAddress, protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  };
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') collect(c.ports);
  for (const c of pod.spec?.containers ?? []) collect(c.ports);
  return out;
}

interface ParsedAffinity {
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  affinityParseError: string | undefined;
}

function parseAffinity(pod: Pod, namespace: string): ParsedAffinity {
  const errors: string[] = [];
  const required = (terms: readonly PodAffinityTerm[] | undefined): AffinityTerm[] => {
    const out: AffinityTerm[] = [];
    for (const t of terms ?? []) {
      try {
        out.push(parseAffinityTerm(namespace, t));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    return out;
  };
  const preferred = (terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] => {
    const out: WeightedAffinityTerm[] = [];
    for (const t of terms ?? []) {
      try {
        out.push(parseWeightedAffinityTerm(namespace, t));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    return out;
  };
  const affinity = pod.spec?.affinity;
  return {
    requiredAffinityTerms: required(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    requiredAntiAffinityTerms: required(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    preferredAffinityTerms: preferred(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinityTerms: preferred(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    affinityParseError: errors.length > 0 ? errors.join('; ') : undefined,
  };
}

function computePodInfo(pod: Pod): PodInfo {
  const namespace = pod.metadata?.namespace ?? 'default';
  const controller = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  return {
    key: podKey(pod),
    pod,
    namespace,
    labels: pod.metadata?.labels ?? {},
    requests: podRequests(pod),
    nonZeroRequests: nonZeroRequests(pod),
    hostPorts: hostPortsOf(pod),
    ...parseAffinity(pod, namespace),
    requiredNodeAffinity: compileRequiredNodeAffinity(pod),
    controllerUid: controller?.uid,
    terminating: pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null,
  };
}

export function podInfoOf(pod: Pod): PodInfo {
  let info = cache.get(pod);
  if (!info) {
    info = computePodInfo(pod);
    cache.set(pod, info);
  }
  return info;
}

/** Succeeded and Failed pods hold no resources: kube's cache drops them. */
export function isTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function hasPodAffinity(info: PodInfo): boolean {
  return info.requiredAffinityTerms.length > 0 || info.requiredAntiAffinityTerms.length > 0
    || info.preferredAffinityTerms.length > 0 || info.preferredAntiAffinityTerms.length > 0;
}
