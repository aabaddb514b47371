// Formats TypeScript cannot express. kubernetes-types has one `number` where Go has int32, int64 and float64, and
// one `string` where Go also has []byte (base64 on the wire); the decoder rejects what the Go type would not take.
// Read off Kubernetes' OpenAPI document for every definition the served kinds reach: the properties below are int64
// or bytes, every other number is an int32. None of the served types has a float (`type: number`) field; fractional
// amounts are Quantities, which are strings. The generator fails on an entry that names a missing property or one
// of the wrong type.

const core = 'io.k8s.api.core.v1.';
const apps = 'io.k8s.api.apps.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** Definition name -> properties whose numbers are int64 (for arrays, the items). */
export const int64Properties: Record<string, string[]> = {
  [`${apps}ControllerRevision`]: ['revision'],
  [`${apps}DaemonSetStatus`]: ['observedGeneration'],
  [`${apps}DeploymentStatus`]: ['observedGeneration'],
  [`${apps}ReplicaSetStatus`]: ['observedGeneration'],
  [`${apps}StatefulSetStatus`]: ['observedGeneration'],
  'io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerStatus': ['observedGeneration'],
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': ['observedGeneration'],
  'io.k8s.api.batch.v1.CronJobSpec': ['startingDeadlineSeconds'],
  'io.k8s.api.batch.v1.JobSpec': ['activeDeadlineSeconds'],
  [`${core}ContainerImage`]: ['sizeBytes'],
  [`${core}PodSecurityContext`]: ['fsGroup', 'runAsGroup', 'runAsUser', 'supplementalGroups'],
  [`${core}PodSpec`]: ['activeDeadlineSeconds', 'terminationGracePeriodSeconds'],
  [`${core}Probe`]: ['terminationGracePeriodSeconds'],
  [`${core}ReplicationControllerStatus`]: ['observedGeneration'],
  [`${core}SecurityContext`]: ['runAsGroup', 'runAsUser'],
  [`${core}ServiceAccountTokenProjection`]: ['expirationSeconds'],
  [`${core}SleepAction`]: ['seconds'],
  [`${core}Toleration`]: ['tolerationSeconds'],
  [`${meta}Condition`]: ['observedGeneration'],
  [`${meta}DeleteOptions`]: ['gracePeriodSeconds'],
  [`${meta}ListMeta`]: ['remainingItemCount'],
  [`${meta}ObjectMeta`]: ['deletionGracePeriodSeconds', 'generation'],
};

/** Definition name -> properties holding base64-encoded bytes (for maps, the values). */
export const byteProperties: Record<string, string[]> = {
  [`${core}ConfigMap`]: ['binaryData'],
  [`${core}Secret`]: ['data'],
};
