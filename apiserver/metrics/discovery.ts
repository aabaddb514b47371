// How the resource metrics API appears in discovery. It is served by handlers of its own (routes.ts), not by the
// generic registry, so it is not in the resource table; discovery adds it after the built-in groups, where an
// aggregated metrics-server's group appears in kube-apiserver's lists. Resources and verbs are metrics-server's:
// nodes and pods, get and list, no singular name.
import type { APIResource, APIResourceList } from '../api/types.ts';
import { metricsGroup, metricsGroupVersion, metricsVersion } from '../api/metrics-types.ts';

export { metricsGroup, metricsVersion };

const verbs = ['get', 'list'];

export const metricsResources: readonly { plural: 'nodes' | 'pods'; kind: string; namespaced: boolean }[] = [
  { plural: 'nodes', kind: 'NodeMetrics', namespaced: false },
  { plural: 'pods', kind: 'PodMetrics', namespaced: true },
];

/** The group as listed in /apis (APIGroup without kind and apiVersion). */
export function metricsAPIGroup(): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } } {
  const version = { groupVersion: metricsGroupVersion, version: metricsVersion };
  return { name: metricsGroup, versions: [version], preferredVersion: version };
}

export function metricsAPIResourceList(): APIResourceList {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: metricsGroupVersion,
    resources: metricsResources.map((r): APIResource => ({ name: r.plural, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs })),
  };
}

/** The group's entry in an apidiscovery.k8s.io APIGroupDiscoveryList. */
export function metricsGroupDiscovery(): Record<string, unknown> {
  return {
    metadata: { name: metricsGroup },
    versions: [{
      version: metricsVersion,
      freshness: 'Current',
      resources: metricsResources.map((r) => ({
        resource: r.plural,
        responseKind: { group: metricsGroup, version: metricsVersion, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: '',
        verbs,
      })),
    }],
  };
}
