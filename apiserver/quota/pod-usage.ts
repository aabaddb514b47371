// What a pod costs against a ResourceQuota (kube's pkg/quota/v1/evaluator/core/pods.go): its object count always,
// and while it can still run, one `pods` slot plus its requests and limits (cpu and memory also under their bare
// names, which mean requests). Also the quota scopes a pod falls under and the old rule that a quota on cpu or
// memory makes every container state them.
import { podQOSClass } from '../api/defaults/pod-qos.ts';
import { matchesSelector, type Operator } from '../api/labels.ts';
import type { Container, Pod } from '../api/types.ts';
import { isNativeResource } from '../api/validation/resources.ts';
import { add, mask, one, parseResourceList, type ResourceList } from './resource-list.ts';

export interface ScopeRequirement {
  scopeName: string;
  operator?: string;
  values?: readonly string[];
}

const podCountName = 'count/pods';

/** The quota names a pod can be charged under, besides the hugepages and extended-resource families below. */
const podResourceNames = new Set([
  podCountName, 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
]);

/**
 * The names a quota on which makes every container state its value: kube calls this "a mistake" it keeps for
 * compatibility and adds nothing to it.
 */
const mustBeSpecified = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

/** A resource outside kubernetes.io's names (`nvidia.com/gpu`): only its requests can be quota'd. */
function isExtendedResourceName(name: string): boolean {
  return !isNativeResource(name) && !name.startsWith('requests.');
}

/** `requests.nvidia.com/gpu`: how a quota names an extended resource. */
function isExtendedQuotaName(name: string): boolean {
  return name.startsWith('requests.') && !isNativeResource(name);
}

export function podMatchingResources(names: readonly string[]): string[] {
  return [...new Set(names.filter((n) => podResourceNames.has(n) || n.startsWith('hugepages-')
    || n.startsWith('requests.hugepages-') || isExtendedQuotaName(n)))].sort();
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function maxInto(target: ResourceList, source: ResourceList): void {
  for (const [name, q] of source) {
    const have = target.get(name);
    if (!have || q.nano > have.nano) target.set(name, q);
  }
}

/**
 * The pod's requests or limits as component-helpers' PodRequests/PodLimits add them up: app containers and
 * sidecars together, plus the largest any ordinary init container needs while it runs (with the sidecars started
 * before it), plus the pod's overhead — to every request, and to limits the pod sets. LimitRanger leaves the
 * overhead out (`withOverhead: false`), as its own copy of this sum does.
 */
export function podResourceTotals(pod: Pod, which: 'requests' | 'limits', withOverhead = true): ResourceList {
  let total: ResourceList = new Map();
  for (const c of pod.spec?.containers ?? []) total = add(total, parseResourceList(c.resources?.[which]));
  let sidecars: ResourceList = new Map();
  const initPeak: ResourceList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = parseResourceList(c.resources?.[which]);
    if (isSidecar(c)) {
      total = add(total, own);
      sidecars = add(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      maxInto(initPeak, add(own, sidecars));
    }
  }
  maxInto(total, initPeak);
  if (!withOverhead) return total;
  const overhead = parseResourceList(pod.spec?.overhead);
  if (which === 'requests') return add(total, overhead);
  return add(total, mask(overhead, total.keys()));
}

/** Requests and limits as the quota names them (podComputeUsageHelper). */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', one]]);
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const request = requests.get(name);
    if (request) {
      out.set(name, request);
      out.set(`requests.${name}`, request);
    }
    const limit = limits.get(name);
    if (limit) out.set(`limits.${name}`, limit);
  }
  for (const [name, request] of requests) {
    if (name.startsWith('hugepages-')) {
      out.set(name, request);
      out.set(`requests.${name}`, request);
    } else if (isExtendedResourceName(name)) {
      out.set(`requests.${name}`, request);
    }
  }
  return out;
}

/**
 * Whether a pod still uses what it asked for: not once it has finished, nor once it has been terminating for a
 * whole grace period past its deletion time (a pod stuck on a lost node must not block its replacement).
 */
function podCountsForQuota(pod: Pod, nowMs: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && grace !== null) {
    if (nowMs > Date.parse(deletion) + grace * 1000) return false;
  }
  return true;
}

export function podUsage(pod: Pod, nowMs: number): ResourceList {
  const usage: ResourceList = new Map([[podCountName, one]]);
  if (!podCountsForQuota(pod, nowMs)) return usage;
  return add(usage, computeUsage(podResourceTotals(pod, 'requests'), podResourceTotals(pod, 'limits')));
}

export function isTerminating(pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  return deadline !== undefined && deadline !== null && deadline >= 0;
}

function isBestEffort(pod: Pod): boolean {
  return podQOSClass(pod.spec ?? { containers: [] }) === 'BestEffort';
}

/** Pod affinity terms that look at other namespaces (a namespaces list or a namespace selector). */
function usesCrossNamespacePodAffinity(pod: Pod): boolean {
  const affinity = pod.spec?.affinity;
  type Term = { namespaces?: readonly string[]; namespaceSelector?: unknown };
  const crosses = (t: Term | undefined): boolean => (t?.namespaces?.length ?? 0) > 0 || (t?.namespaceSelector !== undefined && t.namespaceSelector !== null);
  for (const a of [affinity?.podAffinity, affinity?.podAntiAffinity]) {
    if (a?.requiredDuringSchedulingIgnoredDuringExecution?.some(crosses)) return true;
    if (a?.preferredDuringSchedulingIgnoredDuringExecution?.some((w) => crosses(w.podAffinityTerm))) return true;
  }
  return false;
}

const scopeSelectorOperators: ReadonlySet<string> = new Set<Operator>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** A PriorityClass scope selector, read as a label selector over {PriorityClass: <the pod's class>} (kube's podMatchesSelector). */
function priorityClassMatches(pod: Pod, req: ScopeRequirement): boolean {
  const operator = req.operator ?? 'Exists';
  if (!scopeSelectorOperators.has(operator)) return false;
  const name = pod.spec?.priorityClassName ?? '';
  const selector = { requirements: [{ key: 'PriorityClass', operator: operator as Operator, values: [...(req.values ?? [])] }] };
  return matchesSelector(selector, name === '' ? {} : { PriorityClass: name });
}

export function podMatchesScope(req: ScopeRequirement, pod: Pod): boolean {
  switch (req.scopeName) {
    case 'Terminating': return isTerminating(pod);
    case 'NotTerminating': return !isTerminating(pod);
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'PriorityClass': return priorityClassMatches(pod, req);
    case 'CrossNamespacePodAffinity': return usesCrossNamespacePodAffinity(pod);
    default: return false;
  }
}

/**
 * When a quota limits cpu or memory (requests or limits), every container must state it:
 * `must specify limits.cpu for: app; requests.memory for: app,sidecar`. Undefined when nothing is missing.
 */
export function podConstraints(required: readonly string[], pod: Pod): string | undefined {
  const needed = required.filter((n) => mustBeSpecified.has(n));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const stated = computeUsage(parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits));
    for (const name of needed) {
      if (stated.has(name)) continue;
      if (!missing.has(name)) missing.set(name, new Set());
      missing.get(name)!.add(c.name);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...missing.get(name)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
