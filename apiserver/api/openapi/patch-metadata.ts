// Strategic-merge and list metadata of the types Skiff serves. kubernetes-types drops Go's struct tags
// (`patchStrategy`, `patchMergeKey`) and `+listType`/`+mapType` markers, so these were read off Kubernetes' own
// OpenAPI document (api/openapi-spec) for every definition the served kinds reach. Strategic merge patch, server-side
// apply and `kubectl apply` (which computes patches from our /openapi/v3) all depend on them.
// Entries for fields newer than the kubernetes-types version in use are left out; the generator fails on an entry
// whose definition or property does not exist, so this table cannot silently drift from the types.
import type { Schema } from './schema.ts';

export type PatchMetadata = Pick<Schema,
  | 'x-kubernetes-patch-merge-key' | 'x-kubernetes-patch-strategy' | 'x-kubernetes-list-type'
  | 'x-kubernetes-list-map-keys' | 'x-kubernetes-map-type'>;

/** A list merged element by element on `key` (`containers` on `name`); `mapKeys` identify an element for apply. */
function mergeOn(key: string, mapKeys: string[] = [key], strategy = 'merge'): PatchMetadata {
  return {
    'x-kubernetes-patch-merge-key': key, 'x-kubernetes-patch-strategy': strategy,
    'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': mapKeys,
  };
}
const atomicList: PatchMetadata = { 'x-kubernetes-list-type': 'atomic' };
const setList: PatchMetadata = { 'x-kubernetes-list-type': 'set' };
const atomicMap: PatchMetadata = { 'x-kubernetes-map-type': 'atomic' };
const conditions = mergeOn('type');

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const batch = 'io.k8s.api.batch.v1.';
const autoscaling = 'io.k8s.api.autoscaling.v2.';
const storage = 'io.k8s.api.storage.v1.';
const discovery = 'io.k8s.api.discovery.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const containerLists: Record<string, PatchMetadata> = {
  args: atomicList,
  command: atomicList,
  env: mergeOn('name'),
  envFrom: atomicList,
  ports: mergeOn('containerPort', ['containerPort', 'protocol']),
  resizePolicy: atomicList,
  volumeDevices: mergeOn('devicePath'),
  volumeMounts: mergeOn('mountPath'),
};

/** Metadata on properties: definition name -> property name -> extensions. */
export const propertyPatchMetadata: Record<string, Record<string, PatchMetadata>> = {
  [`${apps}DaemonSetStatus`]: { conditions },
  [`${apps}DeploymentSpec`]: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  [`${apps}DeploymentStatus`]: { conditions },
  [`${apps}ReplicaSetStatus`]: { conditions },
  [`${apps}StatefulSetSpec`]: { volumeClaimTemplates: atomicList },
  [`${apps}StatefulSetStatus`]: { conditions },
  [`${autoscaling}HPAScalingRules`]: { policies: atomicList },
  [`${autoscaling}HorizontalPodAutoscalerSpec`]: { metrics: atomicList },
  [`${autoscaling}HorizontalPodAutoscalerStatus`]: { conditions, currentMetrics: atomicList },
  [`${batch}CronJobStatus`]: { active: atomicList },
  [`${batch}JobStatus`]: {
    conditions: { 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'atomic' },
  },
  [`${batch}PodFailurePolicy`]: { rules: atomicList },
  [`${batch}PodFailurePolicyOnExitCodesRequirement`]: { values: setList },
  [`${batch}PodFailurePolicyRule`]: { onPodConditions: atomicList },
  [`${batch}SuccessPolicy`]: { rules: atomicList },
  [`${batch}UncountedTerminatedPods`]: { failed: setList, succeeded: setList },
  [`${core}Capabilities`]: { add: atomicList, drop: atomicList },
  [`${core}CephFSPersistentVolumeSource`]: { monitors: atomicList },
  [`${core}CephFSVolumeSource`]: { monitors: atomicList },
  [`${core}ConfigMapProjection`]: { items: atomicList },
  [`${core}ConfigMapVolumeSource`]: { items: atomicList },
  [`${core}Container`]: containerLists,
  [`${core}ContainerImage`]: { names: atomicList },
  [`${core}ContainerStatus`]: { volumeMounts: mergeOn('mountPath') },
  [`${core}DownwardAPIProjection`]: { items: atomicList },
  [`${core}DownwardAPIVolumeSource`]: { items: atomicList },
  [`${core}EndpointSubset`]: { addresses: atomicList, notReadyAddresses: atomicList, ports: atomicList },
  [`${core}Endpoints`]: { subsets: atomicList },
  [`${core}EphemeralContainer`]: containerLists,
  [`${core}ExecAction`]: { command: atomicList },
  [`${core}FCVolumeSource`]: { targetWWNs: atomicList, wwids: atomicList },
  [`${core}HTTPGetAction`]: { httpHeaders: atomicList },
  [`${core}HostAlias`]: { hostnames: atomicList },
  [`${core}ISCSIPersistentVolumeSource`]: { portals: atomicList },
  [`${core}ISCSIVolumeSource`]: { portals: atomicList },
  [`${core}LimitRangeSpec`]: { limits: atomicList },
  [`${core}LoadBalancerIngress`]: { ports: atomicList },
  [`${core}LoadBalancerStatus`]: { ingress: atomicList },
  [`${core}NamespaceSpec`]: { finalizers: atomicList },
  [`${core}NamespaceStatus`]: { conditions },
  [`${core}NodeAffinity`]: { preferredDuringSchedulingIgnoredDuringExecution: atomicList },
  [`${core}NodeSelector`]: { nodeSelectorTerms: atomicList },
  [`${core}NodeSelectorRequirement`]: { values: atomicList },
  [`${core}NodeSelectorTerm`]: { matchExpressions: atomicList, matchFields: atomicList },
  [`${core}NodeSpec`]: {
    podCIDRs: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    taints: atomicList,
  },
  [`${core}NodeStatus`]: {
    addresses: mergeOn('type'), conditions, images: atomicList, runtimeHandlers: atomicList,
    volumesAttached: atomicList, volumesInUse: atomicList,
  },
  [`${core}PersistentVolumeClaimSpec`]: { accessModes: atomicList },
  [`${core}PersistentVolumeClaimStatus`]: {
    accessModes: atomicList, allocatedResourceStatuses: { 'x-kubernetes-map-type': 'granular' }, conditions,
  },
  [`${core}PersistentVolumeSpec`]: {
    accessModes: atomicList, claimRef: { 'x-kubernetes-map-type': 'granular' }, mountOptions: atomicList,
  },
  [`${core}PodAffinity`]: {
    preferredDuringSchedulingIgnoredDuringExecution: atomicList, requiredDuringSchedulingIgnoredDuringExecution: atomicList,
  },
  [`${core}PodAffinityTerm`]: { matchLabelKeys: atomicList, mismatchLabelKeys: atomicList, namespaces: atomicList },
  [`${core}PodAntiAffinity`]: {
    preferredDuringSchedulingIgnoredDuringExecution: atomicList, requiredDuringSchedulingIgnoredDuringExecution: atomicList,
  },
  [`${core}PodDNSConfig`]: { nameservers: atomicList, options: atomicList, searches: atomicList },
  [`${core}PodSecurityContext`]: { supplementalGroups: atomicList, sysctls: atomicList },
  [`${core}PodSpec`]: {
    containers: mergeOn('name'),
    ephemeralContainers: mergeOn('name'),
    hostAliases: mergeOn('ip'),
    imagePullSecrets: mergeOn('name'),
    initContainers: mergeOn('name'),
    nodeSelector: atomicMap,
    readinessGates: atomicList,
    resourceClaims: mergeOn('name', ['name'], 'merge,retainKeys'),
    schedulingGates: mergeOn('name'),
    tolerations: atomicList,
    topologySpreadConstraints: mergeOn('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: mergeOn('name', ['name'], 'merge,retainKeys'),
  },
  [`${core}PodStatus`]: {
    conditions,
    containerStatuses: atomicList,
    ephemeralContainerStatuses: atomicList,
    hostIPs: { 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'atomic' },
    initContainerStatuses: atomicList,
    podIPs: mergeOn('ip'),
    resourceClaimStatuses: mergeOn('name', ['name'], 'merge,retainKeys'),
  },
  [`${core}ProjectedVolumeSource`]: { sources: atomicList },
  [`${core}RBDPersistentVolumeSource`]: { monitors: atomicList },
  [`${core}RBDVolumeSource`]: { monitors: atomicList },
  [`${core}ReplicationControllerSpec`]: { selector: atomicMap },
  [`${core}ReplicationControllerStatus`]: { conditions },
  [`${core}ResourceQuotaSpec`]: { scopes: atomicList },
  [`${core}ResourceRequirements`]: { claims: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] } },
  [`${core}ScopeSelector`]: { matchExpressions: atomicList },
  [`${core}ScopedResourceSelectorRequirement`]: { values: atomicList },
  [`${core}SecretProjection`]: { items: atomicList },
  [`${core}SecretVolumeSource`]: { items: atomicList },
  [`${core}ServiceAccount`]: { imagePullSecrets: atomicList, secrets: mergeOn('name') },
  [`${core}ServiceSpec`]: {
    clusterIPs: atomicList, externalIPs: atomicList, ipFamilies: atomicList, loadBalancerSourceRanges: atomicList,
    ports: mergeOn('port', ['port', 'protocol']), selector: atomicMap,
  },
  [`${core}ServiceStatus`]: { conditions },
  [`${core}TopologySelectorLabelRequirement`]: { values: atomicList },
  [`${core}TopologySelectorTerm`]: { matchLabelExpressions: atomicList },
  [`${core}TopologySpreadConstraint`]: { matchLabelKeys: atomicList },
  [`${discovery}Endpoint`]: { addresses: setList },
  [`${discovery}EndpointHints`]: { forZones: atomicList },
  [`${discovery}EndpointSlice`]: { endpoints: atomicList, ports: atomicList },
  [`${meta}APIGroup`]: { serverAddressByClientCIDRs: atomicList, versions: atomicList },
  [`${meta}APIGroupList`]: { groups: atomicList },
  [`${meta}APIResource`]: { categories: atomicList, shortNames: atomicList },
  [`${meta}APIResourceList`]: { resources: atomicList },
  [`${meta}APIVersions`]: { serverAddressByClientCIDRs: atomicList, versions: atomicList },
  [`${meta}DeleteOptions`]: { dryRun: atomicList },
  [`${meta}LabelSelector`]: { matchExpressions: atomicList },
  [`${meta}LabelSelectorRequirement`]: { values: atomicList },
  [`${meta}ObjectMeta`]: {
    finalizers: { 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    managedFields: atomicList,
    ownerReferences: mergeOn('uid'),
  },
  [`${meta}StatusDetails`]: { causes: atomicList },
  [`${storage}StorageClass`]: { allowedTopologies: atomicList, mountOptions: atomicList },
};

/** Metadata on whole definitions: structs that server-side apply treats as one value. */
export const definitionPatchMetadata: Record<string, PatchMetadata> = {
  [`${core}ConfigMapKeySelector`]: atomicMap,
  [`${core}EndpointAddress`]: atomicMap,
  [`${core}EndpointPort`]: atomicMap,
  [`${core}LocalObjectReference`]: atomicMap,
  [`${core}NodeSelector`]: atomicMap,
  [`${core}NodeSelectorTerm`]: atomicMap,
  [`${core}ObjectFieldSelector`]: atomicMap,
  [`${core}ObjectReference`]: atomicMap,
  [`${core}ResourceFieldSelector`]: atomicMap,
  [`${core}ScopeSelector`]: atomicMap,
  [`${core}SecretKeySelector`]: atomicMap,
  [`${core}SecretReference`]: atomicMap,
  [`${core}TopologySelectorTerm`]: atomicMap,
  [`${core}TypedLocalObjectReference`]: atomicMap,
  [`${discovery}EndpointPort`]: atomicMap,
  [`${meta}LabelSelector`]: atomicMap,
  [`${meta}OwnerReference`]: atomicMap,
};
