// How the resource metrics API appears in discovery. It is served by handlers of its own (routes.ts), not by the
// generic registry, so it is not in the resource table; discovery adds it after the built-in groups, where an
// aggregated metrics-server's group appears in kube-apiserver's lists. Resources and verbs are metrics-server's:
// nodes and pods, get and list, no singular name.
import type { APIResourceList } from '../api/types.ts';
import { metricsGroup, metricsVersion } from '../api/metrics-types.ts';
import { extraGroupDiscovery, extraResourceList, type ExtraGroup } from '../server/discovery.ts';

export const metricsDiscovery: ExtraGroup = {
  group: metricsGroup,
  version: metricsVersion,
  verbs: ['get', 'list'],
  resources: [
    { plural: 'nodes', singular: '', kind: 'NodeMetrics', namespaced: false },
    { plural: 'pods', singular: '', kind: 'PodMetrics', namespaced: true },
  ],
};

export function metricsAPIResourceList(): APIResourceList {
  return extraResourceList(metricsDiscovery);
}

/** The group's entry in an apidiscovery.k8s.io APIGroupDiscoveryList. */
export function metricsGroupDiscovery(): Record<string, unknown> {
  return extraGroupDiscovery(metricsDiscovery);
}
