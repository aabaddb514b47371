// Discovery documents, built from the resource table: the legacy per-group-version lists that every client
// understands, and aggregated discovery (apidiscovery.k8s.io), which lets a fresh kubectl learn everything
// from two requests instead of one per group-version.
import { groupVersion, groupVersions, servedResources, subresourceKinds, type ResourceInfo, type Subresource } from '../api/resources.ts';
import type { APIResource, APIResourceList } from '../api/types.ts';
import { metricsDiscovery } from '../metrics/discovery.ts';
import { reviewDiscovery } from './access-review-discovery.ts';

/**
 * A group served by handlers of its own rather than from the resource table (the access reviews, the metrics
 * API): one version, one set of verbs for all its resources, no subresources. Listed after the built-in groups.
 */
export interface ExtraGroup {
  group: string;
  version: string;
  verbs: string[];
  resources: readonly { plural: string; singular: string; kind: string; namespaced: boolean }[];
}

function extraGroups(): readonly ExtraGroup[] {
  return [reviewDiscovery, metricsDiscovery];
}

/** The group as listed in /apis (APIGroup without kind and apiVersion). */
function extraAPIGroup(g: ExtraGroup): Record<string, unknown> {
  const version = { groupVersion: `${g.group}/${g.version}`, version: g.version };
  return { name: g.group, versions: [version], preferredVersion: version };
}

export function extraResourceList(g: ExtraGroup): APIResourceList {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${g.group}/${g.version}`,
    resources: g.resources.map((r): APIResource => ({
      name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: g.verbs,
    })),
  };
}

/** The group's entry in an apidiscovery.k8s.io APIGroupDiscoveryList. */
export function extraGroupDiscovery(g: ExtraGroup): Record<string, unknown> {
  return {
    metadata: { name: g.group },
    versions: [{
      version: g.version,
      freshness: 'Current',
      resources: g.resources.map((r) => ({
        resource: r.plural,
        responseKind: { group: g.group, version: g.version, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singular,
        verbs: g.verbs,
      })),
    }],
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function apiGroup(name: string): Record<string, unknown> {
  const versions = groupVersions().filter((gv) => gv.group === name)
    .map((gv) => ({ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): Record<string, unknown> {
  const names = [...new Set(groupVersions().map((gv) => gv.group).filter((g) => g !== ''))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...names.map((name) => {
      const { kind: _k, apiVersion: _a, ...group } = apiGroup(name);
      return group;
    }), ...extraGroups().map(extraAPIGroup)],
  };
}

export function apiGroupDocument(group: string): Record<string, unknown> | undefined {
  const extra = extraGroups().find((g) => g.group === group);
  if (extra) return { kind: 'APIGroup', apiVersion: 'v1', ...extraAPIGroup(extra) };
  return groupVersions().some((gv) => gv.group === group) ? apiGroup(group) : undefined;
}

/** The kind a subresource answers with: its own (Scale, Binding...) or, for status and proxy, the parent's. */
function subresourceKind(ri: ResourceInfo, sub: Subresource): { group: string; version: string; kind: string; verbs: string[]; own: boolean } {
  const info = subresourceKinds[sub];
  if (!info || info.kind === '') return { group: ri.group, version: ri.version, kind: ri.kind, verbs: info?.verbs ?? ['get'], own: false };
  return { ...info, own: true };
}

function subresourceEntry(ri: ResourceInfo, sub: Subresource): APIResource {
  const k = subresourceKind(ri, sub);
  const entry: APIResource = {
    name: `${ri.plural}/${sub}`, singularName: '', namespaced: ri.namespaced, kind: k.kind, verbs: k.verbs,
  };
  if (k.own) {
    entry.group = k.group;
    entry.version = k.version;
  }
  return entry;
}

export function apiResourceList(group: string, version: string): APIResourceList | undefined {
  const extra = extraGroups().find((g) => g.group === group && g.version === version);
  if (extra) return extraResourceList(extra);
  const served = servedResources.filter((ri) => ri.group === group && ri.version === version);
  if (served.length === 0) return undefined;
  const list: APIResource[] = [];
  for (const ri of served) {
    const entry: APIResource = {
      name: ri.plural, singularName: ri.singular, namespaced: ri.namespaced, kind: ri.kind, verbs: ri.verbs,
    };
    if (ri.shortNames.length > 0) entry.shortNames = ri.shortNames;
    if (ri.categories.length > 0) entry.categories = ri.categories;
    list.push(entry);
    for (const sub of ri.subresources) list.push(subresourceEntry(ri, sub));
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: list };
}

/** apidiscovery.k8s.io APIGroupDiscoveryList for `/api` (core) or `/apis` (named groups). */
export function aggregatedDiscovery(core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
  const gvs = groupVersions().filter((gv) => (gv.group === '') === core);
  const groups = [...new Set(gvs.map((gv) => gv.group))];
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups.map((group) => ({
      metadata: { name: group },
      versions: gvs.filter((gv) => gv.group === group).map((gv) => ({
        version: gv.version,
        freshness: 'Current',
        resources: servedResources.filter((ri) => ri.group === group && ri.version === gv.version).map((ri) => ({
          resource: ri.plural,
          responseKind: { group: ri.group, version: ri.version, kind: ri.kind },
          scope: ri.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: ri.singular,
          verbs: ri.verbs,
          ...(ri.shortNames.length > 0 ? { shortNames: ri.shortNames } : {}),
          ...(ri.categories.length > 0 ? { categories: ri.categories } : {}),
          subresources: ri.subresources.map((sub) => {
            const k = subresourceKind(ri, sub);
            return { subresource: sub, responseKind: { group: k.group, version: k.version, kind: k.kind }, verbs: k.verbs };
          }),
        })),
      })),
    })), ...(core ? [] : extraGroups().map(extraGroupDiscovery))],
  };
}

/** The aggregated-discovery version the client asked for in its Accept header, if any. */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    if (/v=v2beta1/.test(part)) return 'v2beta1';
    if (/v=v2(\s*;|\s*$)/.test(part)) return 'v2';
  }
  return undefined;
}
