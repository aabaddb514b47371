// Names for the parts of a Pod that types.ts does not export by name, derived from the exported shapes so they
// stay exactly kubernetes-types' (types.ts is the shared contract; these are views into it, not new types).
import type { Container, PodSpec, PodStatus, Probe, Volume } from './types.ts';

export type EphemeralContainer = NonNullable<PodSpec['ephemeralContainers']>[number];
export type ContainerLike = Container | EphemeralContainer;
export type Lifecycle = NonNullable<Container['lifecycle']>;
export type LifecycleHandler = NonNullable<Lifecycle['postStart']>;
export type HTTPGetAction = NonNullable<Probe['httpGet']>;
export type SecurityContext = NonNullable<Container['securityContext']>;
export type PodSecurityContext = NonNullable<PodSpec['securityContext']>;
export type ResourceList = Record<string, string>;
export type EnvVarSource = NonNullable<NonNullable<Container['env']>[number]['valueFrom']>;
export type ObjectFieldSelector = NonNullable<EnvVarSource['fieldRef']>;
export type ResourceFieldSelector = NonNullable<EnvVarSource['resourceFieldRef']>;
export type EnvFromSource = NonNullable<Container['envFrom']>[number];
export type KeyToPath = NonNullable<NonNullable<Volume['configMap']>['items']>[number];
export type DownwardAPIVolumeFile = NonNullable<NonNullable<Volume['downwardAPI']>['items']>[number];
export type ProjectedVolumeSource = NonNullable<Volume['projected']>;
export type VolumeProjection = NonNullable<ProjectedVolumeSource['sources']>[number];
export type Affinity = NonNullable<PodSpec['affinity']>;
export type NodeAffinity = NonNullable<Affinity['nodeAffinity']>;
export type NodeSelector = NonNullable<NodeAffinity['requiredDuringSchedulingIgnoredDuringExecution']>;
export type NodeSelectorTerm = NodeSelector['nodeSelectorTerms'][number];
export type NodeSelectorRequirement = NonNullable<NodeSelectorTerm['matchExpressions']>[number];
export type PodAffinityTerm = NonNullable<NonNullable<Affinity['podAffinity']>['requiredDuringSchedulingIgnoredDuringExecution']>[number];
export type WeightedPodAffinityTerm = NonNullable<NonNullable<Affinity['podAffinity']>['preferredDuringSchedulingIgnoredDuringExecution']>[number];
export type TopologySpreadConstraint = NonNullable<PodSpec['topologySpreadConstraints']>[number];
export type PodDNSConfig = NonNullable<PodSpec['dnsConfig']>;
export type ContainerState = NonNullable<NonNullable<PodStatus['containerStatuses']>[number]['state']>;
export type PodIP = NonNullable<PodStatus['podIPs']>[number];
