// Defaults for the smaller core/v1 kinds, as Kubernetes' SetDefaults_* and v1 conversion do: Secrets,
// Namespaces, Endpoints, LimitRanges, ResourceQuotas and Nodes. ConfigMaps, Events and ServiceAccounts have none.
// Quantities in resource lists are canonicalized like a pod's (SetDefaults_ResourceList).
import type { LimitRangeItem } from 'kubernetes-types/core/v1.d.ts';
import type { Endpoints, LimitRange, Namespace, Node, ResourceQuota, Secret } from '../types.ts';
import { defaultResourceList } from './resource-list.ts';

/** Set on every namespace so namespace selectors can pick namespaces by name. */
export const namespaceNameLabel = 'kubernetes.io/metadata.name';

/**
 * `stringData` is a write-only convenience: its values are merged into `data` (base64, winning over `data`) and
 * the field is dropped, as the v1 conversion does.
 */
export function defaultSecret(secret: Secret): void {
  secret.type ||= 'Opaque';
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete secret.stringData;
  }
}

export function defaultNamespace(ns: Namespace): void {
  // A generateName namespace has no name yet; the label is set once it does (the strategy re-applies it).
  const name = ns.metadata?.name;
  if (name) {
    ns.metadata ??= {};
    ns.metadata.labels = { ...ns.metadata.labels, [namespaceNameLabel]: name };
  }
  ns.status ??= {};
  ns.status.phase ||= 'Active';
}

export function defaultEndpoints(endpoints: Endpoints): void {
  for (const subset of endpoints.subsets ?? []) {
    for (const port of subset.ports ?? []) port.protocol ||= 'TCP';
  }
}

/** Container limits fill in from each other: default <- max, defaultRequest <- default, defaultRequest <- min. */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) defaultLimitRangeItem(item);
}

function defaultLimitRangeItem(item: LimitRangeItem): void {
  for (const list of [item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio]) defaultResourceList(list);
  if (item.type !== 'Container') return;
  const limits = { ...item.default };
  const requests = { ...item.defaultRequest };
  for (const [name, value] of Object.entries(item.max ?? {})) if (!(name in limits)) limits[name] = value;
  for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
  for (const [name, value] of Object.entries(item.min ?? {})) if (!(name in requests)) requests[name] = value;
  // Empty maps are left out, as Kubernetes omits them when it serializes.
  if (Object.keys(limits).length > 0) item.default = limits;
  if (Object.keys(requests).length > 0) item.defaultRequest = requests;
}

/**
 * podCIDR is the single-stack spelling of podCIDRs[0]; the two are kept in step. When they disagree podCIDR
 * wins, as in Kubernetes' v1 conversion, since only an older client would send just that one. Allocatable
 * defaults to capacity when a kubelet reports only the latter.
 */
export function defaultNode(node: Node): void {
  const spec = node.spec;
  if (spec) {
    if (spec.podCIDR && spec.podCIDRs?.[0] !== spec.podCIDR) spec.podCIDRs = [spec.podCIDR];
    else if (!spec.podCIDR && spec.podCIDRs && spec.podCIDRs.length > 0) spec.podCIDR = spec.podCIDRs[0];
  }
  const status = node.status;
  defaultResourceList(status?.capacity);
  defaultResourceList(status?.allocatable);
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

export function defaultResourceQuota(quota: ResourceQuota): void {
  defaultResourceList(quota.spec?.hard);
  defaultResourceList(quota.status?.hard);
  defaultResourceList(quota.status?.used);
}
