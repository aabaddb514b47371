// The table of every resource Skiff serves. One generic handler, discovery, OpenAPI and the clients all read
// this table; a kind's behaviour (validation, defaulting, status handling) lives in its strategy, not here.

export type Subresource =
  | 'status' | 'scale' | 'binding' | 'log' | 'exec' | 'attach' | 'portforward' | 'eviction' | 'proxy' | 'token';

export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** URL segment, lower-case plural: `pods`. */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** `all` puts the kind in `kubectl get all`. */
  categories: string[];
  subresources: Subresource[];
  /** Kinds whose objects are created only through another path (none yet) would drop verbs here. */
  verbs: string[];
  /** Set on a version served by conversion (convertedVersions): the version its objects are stored at. */
  storageVersion?: string;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function r(
  group: string, version: string, kind: string, plural: string,
  opts: { namespaced?: boolean; short?: string[]; all?: boolean; sub?: Subresource[]; verbs?: string[] } = {},
): ResourceInfo {
  return {
    group, version, kind, plural,
    singular: kind.toLowerCase(),
    namespaced: opts.namespaced ?? true,
    shortNames: opts.short ?? [],
    categories: opts.all ? ['all'] : [],
    subresources: opts.sub ?? [],
    verbs: opts.verbs ?? allVerbs,
  };
}

export const resources: readonly ResourceInfo[] = [
  // core/v1
  r('', 'v1', 'Namespace', 'namespaces', { namespaced: false, short: ['ns'], sub: ['status'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Pod', 'pods', { short: ['po'], all: true, sub: ['status', 'binding', 'log', 'exec', 'attach', 'portforward', 'eviction'] }),
  r('', 'v1', 'Node', 'nodes', { namespaced: false, short: ['no'], sub: ['status'] }),
  r('', 'v1', 'Service', 'services', { short: ['svc'], all: true, sub: ['status'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  r('', 'v1', 'Endpoints', 'endpoints', { short: ['ep'] }),
  r('', 'v1', 'ConfigMap', 'configmaps', { short: ['cm'] }),
  r('', 'v1', 'Secret', 'secrets'),
  r('', 'v1', 'Event', 'events', { short: ['ev'] }),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', { short: ['sa'], sub: ['token'] }),
  r('', 'v1', 'PersistentVolume', 'persistentvolumes', { namespaced: false, short: ['pv'], sub: ['status'] }),
  r('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', { short: ['pvc'], sub: ['status'] }),
  r('', 'v1', 'ReplicationController', 'replicationcontrollers', { short: ['rc'], all: true, sub: ['status', 'scale'] }),
  r('', 'v1', 'ResourceQuota', 'resourcequotas', { short: ['quota'], sub: ['status'] }),
  r('', 'v1', 'LimitRange', 'limitranges', { short: ['limits'] }),
  // apps/v1
  r('apps', 'v1', 'Deployment', 'deployments', { short: ['deploy'], all: true, sub: ['status', 'scale'] }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', { short: ['rs'], all: true, sub: ['status', 'scale'] }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', { short: ['ds'], all: true, sub: ['status'] }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', { short: ['sts'], all: true, sub: ['status', 'scale'] }),
  r('apps', 'v1', 'ControllerRevision', 'controllerrevisions'),
  // batch/v1
  r('batch', 'v1', 'Job', 'jobs', { all: true, sub: ['status'] }),
  r('batch', 'v1', 'CronJob', 'cronjobs', { short: ['cj'], all: true, sub: ['status'] }),
  // coordination.k8s.io/v1
  r('coordination.k8s.io', 'v1', 'Lease', 'leases'),
  // discovery.k8s.io/v1 (kube gives EndpointSlices no short name)
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  // autoscaling/v2
  r('autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', { short: ['hpa'], all: true, sub: ['status'] }),
  // storage.k8s.io/v1
  r('storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', { namespaced: false, short: ['sc'] }),
  // rbac.authorization.k8s.io/v1 (kube gives these no short names)
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', { namespaced: false }),
  r('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', { namespaced: false }),
  r('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  r('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
];

/**
 * Further versions of kinds in `resources` (their storage versions), served by converting each request's objects
 * (api/conversion/). After the storage versions, so discovery lists them after and prefers the storage version.
 */
export const convertedVersions: readonly ResourceInfo[] = [
  { ...r('autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', { short: ['hpa'], all: true, sub: ['status'] }), storageVersion: 'v2' },
];

/** Every version of every kind served: what requests, discovery and OpenAPI address. `resources` has one per kind. */
export const servedResources: readonly ResourceInfo[] = [...resources, ...convertedVersions];

/** The kinds subresources answer with, where they differ from the parent kind (discovery lists them). */
export const subresourceKinds: Partial<Record<Subresource, { group: string; version: string; kind: string; verbs: string[] }>> = {
  status: { group: '', version: '', kind: '', verbs: ['get', 'patch', 'update'] },
  scale: { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
  binding: { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
  eviction: { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  log: { group: '', version: 'v1', kind: 'Pod', verbs: ['get'] },
  exec: { group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  attach: { group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  portforward: { group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  proxy: { group: '', version: 'v1', kind: '', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  token: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] },
};

export function groupVersion(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

const byPath = new Map(servedResources.map((ri) => [`${groupVersion(ri)}/${ri.plural}`, ri]));
const byKind = new Map(servedResources.map((ri) => [`${groupVersion(ri)}/${ri.kind}`, ri]));

/** Looks a resource up by its URL parts: `('apps', 'v1', 'deployments')`. */
export function resourceFor(group: string, version: string, plural: string): ResourceInfo | undefined {
  return byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);
}

/** Looks a resource up by apiVersion and kind, as found in a manifest: `('apps/v1', 'Deployment')`. */
export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Looks a kind up by group alone, as kube's REST mapper does for a scaleTargetRef or a described object: the
 * kind's stored version (`resources` has one per kind). */
export function resourceForGroupKind(group: string, kind: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.kind === kind);
}

/** The resource whose objects `ri` serves: itself, or for a converted version the kind's storage version. */
export function storageResourceFor(ri: ResourceInfo): ResourceInfo {
  return ri.storageVersion ? resourceFor(ri.group, ri.storageVersion, ri.plural) ?? ri : ri;
}

/** The group-versions served, in discovery order (core first). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const ri of servedResources) seen.set(groupVersion(ri), { group: ri.group, version: ri.version });
  return [...seen.values()];
}
