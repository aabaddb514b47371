// What a LimitRange does to a pod or a claim (kube's plugin/pkg/admission/limitranger), pure: fill in the
// default requests and limits a container leaves out (and say so in the kubernetes.io/limit-ranger annotation),
// then check min, max and maxLimitRequestRatio per Container, per Pod (summed as the pod runs) and, for claims,
// the storage they request. Messages are kube's, word for word.
import { formatQuantity, milliValueBig, type Quantity } from '../api/quantity.ts';
import type { Container, LimitRange, PersistentVolumeClaim, Pod } from '../api/types.ts';
import { podResourceTotals } from '../quota/pod-usage.ts';
import { parseResourceList, type ResourceList } from '../quota/resource-list.ts';

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

type Item = NonNullable<NonNullable<LimitRange['spec']>['limits']>[number];

function itemsOf(lr: LimitRange): readonly Item[] {
  return lr.spec?.limits ?? [];
}

/** The defaults a LimitRange's Container items give: limits from `default`, requests from `defaultRequest`. */
function containerDefaults(lr: LimitRange): { requests: Record<string, string>; limits: Record<string, string> } {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  for (const item of itemsOf(lr)) {
    if (item.type !== 'Container') continue;
    Object.assign(requests, item.defaultRequest);
    Object.assign(limits, item.default);
  }
  return { requests, limits };
}

/** Fills in what one container lacks; returns the annotation parts (`cpu, memory request for container app`). */
function defaultContainer(c: Container, defaults: ReturnType<typeof containerDefaults>, what: string): string[] {
  const fill = (which: 'requests' | 'limits'): string[] => {
    const have = c.resources?.[which] ?? {};
    const set = Object.keys(defaults[which]).filter((name) => !(name in have)).sort();
    if (set.length === 0) return set;
    const filled = { ...have };
    for (const name of set) filled[name] = defaults[which][name];
    c.resources = { ...c.resources, [which]: filled };
    return set;
  };
  const limits = fill('limits');
  const requests = fill('requests');
  const parts: string[] = [];
  if (requests.length > 0) parts.push(`${requests.join(', ')} request for ${what} ${c.name}`);
  if (limits.length > 0) parts.push(`${limits.join(', ')} limit for ${what} ${c.name}`);
  return parts;
}

/**
 * Applies one LimitRange's container defaults to the pod (app containers, then init containers). Returns whether
 * anything was set; the annotation then lists what, replacing one an earlier LimitRange wrote, as in kube.
 */
export function applyLimitRangeDefaults(lr: LimitRange, pod: Pod): boolean {
  const defaults = containerDefaults(lr);
  const parts: string[] = [];
  for (const c of pod.spec?.containers ?? []) parts.push(...defaultContainer(c, defaults, 'container'));
  for (const c of pod.spec?.initContainers ?? []) parts.push(...defaultContainer(c, defaults, 'init container'));
  if (parts.length === 0) return false;
  pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${parts.join('; ')}` } };
  return true;
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const min = formatQuantity(enforced);
  if (!req) return `minimum ${name} usage per ${type} is ${min}.  No request is specified`;
  if (milliValueBig(req) < milliValueBig(enforced)) return `minimum ${name} usage per ${type} is ${min}, but request is ${formatQuantity(req)}`;
  if (lim && milliValueBig(lim) < milliValueBig(enforced)) return `minimum ${name} usage per ${type} is ${min}, but limit is ${formatQuantity(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const max = formatQuantity(enforced);
  if (!lim) return `maximum ${name} usage per ${type} is ${max}.  No limit is specified`;
  if (milliValueBig(lim) > milliValueBig(enforced)) return `maximum ${name} usage per ${type} is ${max}, but limit is ${formatQuantity(lim)}`;
  if (req && milliValueBig(req) > milliValueBig(enforced)) return `maximum ${name} usage per ${type} is ${max}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** Claims have no limits: their max applies to what they request. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList): string | undefined {
  const req = requests.get(name);
  const max = formatQuantity(enforced);
  if (!req) return `maximum ${name} usage per ${type} is ${max}.  No request is specified`;
  if (milliValueBig(req) > milliValueBig(enforced)) return `maximum ${name} usage per ${type} is ${max}, but request is ${formatQuantity(req)}`;
  return undefined;
}

/** Go's %f: six decimals. */
function goFloat(n: number): string {
  return n.toFixed(6);
}

function ratioConstraint(type: string, name: string, enforced: Quantity, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const ratio = formatQuantity(enforced);
  if (!req || milliValueBig(req) === 0n) return `${name} max limit to request ratio per ${type} is ${ratio}, but no request is specified or request is 0`;
  if (!lim || milliValueBig(lim) === 0n) return `${name} max limit to request ratio per ${type} is ${ratio}, but no limit is specified or limit is 0`;
  const observed = Number(milliValueBig(lim)) / Number(milliValueBig(req));
  if (observed * 1000 > Number(milliValueBig(enforced))) {
    return `${name} max limit to request ratio per ${type} is ${ratio}, but provided ratio is ${goFloat(observed)}`;
  }
  return undefined;
}

function checkItem(item: Item, type: string, requests: ResourceList, limits: ResourceList): string[] {
  const out: (string | undefined)[] = [];
  for (const [name, q] of parseResourceList(item.min)) out.push(minConstraint(type, name, q, requests, limits));
  for (const [name, q] of parseResourceList(item.max)) out.push(maxConstraint(type, name, q, requests, limits));
  for (const [name, q] of parseResourceList(item.maxLimitRequestRatio)) out.push(ratioConstraint(type, name, q, requests, limits));
  return out.filter((m): m is string => m !== undefined);
}

/** Every way the pod breaks one LimitRange's Container and Pod items (empty when it fits). */
export function podLimitViolations(lr: LimitRange, pod: Pod): string[] {
  const out: string[] = [];
  for (const item of itemsOf(lr)) {
    if (item.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        out.push(...checkItem(item, 'Container', parseResourceList(c.resources?.requests), parseResourceList(c.resources?.limits)));
      }
    } else if (item.type === 'Pod') {
      out.push(...checkItem(item, 'Pod', podResourceTotals(pod, 'requests', false), podResourceTotals(pod, 'limits', false)));
    }
  }
  return out;
}

/** Every way the claim's requested storage breaks one LimitRange's PersistentVolumeClaim items. */
export function claimLimitViolations(lr: LimitRange, pvc: PersistentVolumeClaim): string[] {
  const requests = parseResourceList(pvc.spec?.resources?.requests);
  const out: (string | undefined)[] = [];
  for (const item of itemsOf(lr)) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [name, q] of parseResourceList(item.min)) out.push(minConstraint('PersistentVolumeClaim', name, q, requests, new Map()));
    for (const [name, q] of parseResourceList(item.max)) out.push(maxRequestConstraint('PersistentVolumeClaim', name, q, requests));
  }
  return out.filter((m): m is string => m !== undefined);
}
