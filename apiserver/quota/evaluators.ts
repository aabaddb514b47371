// One evaluator per kind of object quota can charge (kube's pkg/quota/v1 Evaluator): which quota names it answers
// for, what one object uses, which scopes it falls under. Pods, Services and PersistentVolumeClaims have their own;
// every other namespaced resource is an object count (`count/<resource>[.<group>]`, plus the legacy bare names of
// configmaps, secrets, resourcequotas and replicationcontrollers). Shared by the ResourceQuota admission plugin,
// which charges one object, and the resource-quota controller, which adds up a namespace.
import { claimClass } from '../api/storage-class.ts';
import type { KubeObject, PersistentVolumeClaim, Pod, ResourceQuota, Service } from '../api/types.ts';
import { parseQuantity, roundUpQuantity } from '../api/quantity.ts';
import { podConstraints, podMatchesScope, podMatchingResources, podUsage, isTerminating, type ScopeRequirement } from './pod-usage.ts';
import { add, mask, one, zero, type ResourceList } from './resource-list.ts';

export type QuotaOperation = 'CREATE' | 'UPDATE';

export interface QuotaEvaluator {
  group: string;
  plural: string;
  /** Whether this write can change what the object is charged (kube's Handles). */
  handles(operation: QuotaOperation, obj: KubeObject, old?: KubeObject): boolean;
  /** The quota names, of those given, that this kind is charged under (sorted). */
  matchingResources(names: readonly string[]): string[];
  /** Whether the object falls under one scope requirement; kinds without scopes fall under none. */
  matchesScope(req: ScopeRequirement, obj: KubeObject): boolean;
  usage(obj: KubeObject, nowMs: number): ResourceList;
  /** A reason the object cannot be charged against a quota limiting `required`, or undefined. */
  constraints(required: readonly string[], obj: KubeObject): string | undefined;
}

/** `count/pods`, `count/deployments.apps`: the object-count quota name of a resource. */
export function objectCountName(group: string, plural: string): string {
  return group ? `count/${plural}.${group}` : `count/${plural}`;
}

const noScopes = (): boolean => false;
const noConstraints = (): undefined => undefined;
const intersect = (names: readonly string[], known: ReadonlySet<string>): string[] =>
  [...new Set(names.filter((n) => known.has(n)))].sort();

const podEvaluator: QuotaEvaluator = {
  group: '', plural: 'pods',
  // An update matters only when it moves the pod between the Terminating and NotTerminating scopes.
  handles: (op, obj, old) => op === 'CREATE' || (old !== undefined && isTerminating(old as Pod) !== isTerminating(obj as Pod)),
  matchingResources: podMatchingResources,
  matchesScope: (req, obj) => podMatchesScope(req, obj as Pod),
  usage: (obj, now) => podUsage(obj as Pod, now),
  constraints: (required, obj) => podConstraints(required, obj as Pod),
};

const serviceNames = new Set([objectCountName('', 'services'), 'services', 'services.nodeports', 'services.loadbalancers']);

/** A NodePort Service takes a node port per port; a LoadBalancer also takes a load balancer. */
function serviceUsage(svc: Service): ResourceList {
  const ports = svc.spec?.ports?.length ?? 0;
  const usage: ResourceList = new Map([
    [objectCountName('', 'services'), one], ['services', one], ['services.nodeports', zero], ['services.loadbalancers', zero],
  ]);
  const type = svc.spec?.type;
  if (type === 'NodePort' || type === 'LoadBalancer') {
    // A LoadBalancer that opts out of node ports is charged only for the ports that name one.
    const counted = type === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts === false
      ? (svc.spec.ports ?? []).filter((p) => p.nodePort).length : ports;
    usage.set('services.nodeports', parseQuantity(counted));
  }
  if (type === 'LoadBalancer') usage.set('services.loadbalancers', one);
  return usage;
}

const serviceEvaluator: QuotaEvaluator = {
  group: '', plural: 'services',
  // A Service's type can change, and with it its node ports.
  handles: () => true,
  matchingResources: (names) => intersect(names, serviceNames),
  matchesScope: noScopes,
  usage: (obj) => serviceUsage(obj as Service),
  constraints: noConstraints,
};

const claimNames = ['persistentvolumeclaims', 'requests.storage'];
const storageClassSuffix = '.storageclass.storage.k8s.io/';

/** A claim counts once, and for its requested storage rounded up to whole bytes, in total and for its class. */
function claimUsage(pvc: PersistentVolumeClaim): ResourceList {
  const usage: ResourceList = new Map([['persistentvolumeclaims', one], [objectCountName('', 'persistentvolumeclaims'), one]]);
  const cls = claimClass(pvc);
  if (cls) usage.set(`${cls}${storageClassSuffix}persistentvolumeclaims`, one);
  const raw = pvc.spec?.resources?.requests?.storage;
  if (raw !== undefined) {
    let storage;
    try {
      storage = roundUpQuantity(parseQuantity(raw), 0);
    } catch {
      return usage;
    }
    usage.set('requests.storage', storage);
    if (cls) usage.set(`${cls}${storageClassSuffix}requests.storage`, storage);
  }
  return usage;
}

const claimEvaluator: QuotaEvaluator = {
  group: '', plural: 'persistentvolumeclaims',
  // A claim can be resized.
  handles: () => true,
  matchingResources: (names) => [...new Set(names.filter((n) => n === objectCountName('', 'persistentvolumeclaims')
    || claimNames.includes(n) || claimNames.some((c) => n.endsWith(`${storageClassSuffix}${c}`))))].sort(),
  matchesScope: noScopes,
  usage: (obj) => claimUsage(obj as PersistentVolumeClaim),
  constraints: noConstraints,
};

/** The bare names older quotas use for some object counts. */
const legacyCountNames: Readonly<Record<string, string>> = {
  configmaps: 'configmaps', secrets: 'secrets', resourcequotas: 'resourcequotas', replicationcontrollers: 'replicationcontrollers',
};

function objectCountEvaluator(group: string, plural: string): QuotaEvaluator {
  const names = [objectCountName(group, plural)];
  const alias = group === '' ? legacyCountNames[plural] : undefined;
  if (alias) names.push(alias);
  const known = new Set(names);
  return {
    group, plural,
    handles: (op) => op === 'CREATE',
    matchingResources: (input) => intersect(input, known),
    matchesScope: noScopes,
    usage: () => new Map(names.map((n) => [n, one])),
    constraints: noConstraints,
  };
}

const special = new Map([podEvaluator, serviceEvaluator, claimEvaluator].map((e) => [`${e.group}/${e.plural}`, e]));
const counters = new Map<string, QuotaEvaluator>();

export function evaluatorFor(group: string, plural: string): QuotaEvaluator {
  const key = `${group}/${plural}`;
  const found = special.get(key) ?? counters.get(key);
  if (found) return found;
  const made = objectCountEvaluator(group, plural);
  counters.set(key, made);
  return made;
}

/** The kinds every quota can be about, besides the `count/<resource>` names it spells out. */
const builtIn = [podEvaluator, serviceEvaluator, claimEvaluator, ...Object.keys(legacyCountNames).map((p) => evaluatorFor('', p))];

/** The evaluators that measure some of these quota names (each once). */
export function evaluatorsForNames(names: readonly string[]): QuotaEvaluator[] {
  const all = new Set(builtIn);
  for (const name of names) {
    const r = resourceOfCountName(name);
    if (r) all.add(evaluatorFor(r.group, r.plural));
  }
  return [...all].filter((e) => e.matchingResources(names).length > 0);
}

/** The resource an object-count name counts: `count/deployments.apps` -> apps/deployments, `count/pods` -> pods. */
export function resourceOfCountName(name: string): { group: string; plural: string } | undefined {
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
}

/** spec.scopes (as Exists requirements) followed by spec.scopeSelector's expressions. */
export function scopeRequirementsOf(quota: ResourceQuota): ScopeRequirement[] {
  return [
    ...(quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: 'Exists' })),
    ...(quota.spec?.scopeSelector?.matchExpressions ?? []),
  ];
}

/**
 * Whether a quota applies to an object: it limits something the object's kind is charged under (by its
 * status.hard, so a quota the controller has not seen yet applies to nothing) and the object is in every scope.
 */
export function quotaMatches(quota: ResourceQuota, evaluator: QuotaEvaluator, obj: KubeObject): boolean {
  if (evaluator.matchingResources(Object.keys(quota.status?.hard ?? {})).length === 0) return false;
  return inQuotaScopes(quota, evaluator, obj);
}

/** Whether an object falls under every one of a quota's scopes (the second half of quotaMatches). */
export function inQuotaScopes(quota: ResourceQuota, evaluator: QuotaEvaluator, obj: KubeObject): boolean {
  return scopeRequirementsOf(quota).every((req) => evaluator.matchesScope(req, obj));
}

/**
 * What a namespace's objects of one kind use of `names` (all of them zero when nothing is there), counting only
 * objects in every one of the quota's scopes: the controller's per-kind share of a quota's status.used.
 */
export function usageOf(evaluator: QuotaEvaluator, names: readonly string[], scopes: readonly ScopeRequirement[],
  objects: readonly KubeObject[], nowMs: number): ResourceList {
  let used: ResourceList = new Map(names.map((n) => [n, zero]));
  for (const obj of objects) {
    if (!scopes.every((req) => evaluator.matchesScope(req, obj))) continue;
    used = add(used, evaluator.usage(obj, nowMs));
  }
  return mask(used, names);
}
