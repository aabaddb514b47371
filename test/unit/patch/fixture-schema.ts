// A small hand-written set of definitions in the shape Kubernetes publishes under /openapi/v3
// (`$ref` items, `allOf: [{$ref}]` wrappers carrying the patch extensions), covering the fields whose
// strategic-merge behaviour the tests exercise, and a resolver like the one the apiserver uses.
import type { Definitions, Schema } from '../../../apiserver/api/openapi/schema.ts';
import { refPrefix } from '../../../apiserver/api/openapi/schema.ts';

const ref = (name: string): Schema => ({ $ref: `${refPrefix}io.k8s.${name}` });
const wrapped = (name: string, extra: Schema = {}): Schema => ({ allOf: [ref(name)], ...extra });
const string: Schema = { type: 'string' };
const integer: Schema = { type: 'integer', format: 'int32' };
const stringMap: Schema = { type: 'object', additionalProperties: string };
const mergeList = (item: string, mergeKey: string, strategy = 'merge'): Schema => ({
  type: 'array', items: ref(item),
  'x-kubernetes-patch-merge-key': mergeKey, 'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [mergeKey],
});

export const fixtureDefinitions: Definitions = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    type: 'object',
    properties: {
      name: string, namespace: string, labels: stringMap, annotations: stringMap,
      finalizers: { type: 'array', items: string, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'set' },
    },
  },
  'io.k8s.api.core.v1.Pod': {
    type: 'object',
    properties: {
      apiVersion: string, kind: string,
      metadata: wrapped('apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: wrapped('api.core.v1.PodSpec'),
      status: wrapped('api.core.v1.PodStatus'),
    },
  },
  'io.k8s.api.core.v1.PodSpec': {
    type: 'object',
    properties: {
      containers: mergeList('api.core.v1.Container', 'name'),
      initContainers: mergeList('api.core.v1.Container', 'name'),
      volumes: mergeList('api.core.v1.Volume', 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: ref('api.core.v1.Toleration'), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: stringMap,
      restartPolicy: string,
    },
  },
  'io.k8s.api.core.v1.Container': {
    type: 'object',
    properties: {
      name: string, image: string,
      args: { type: 'array', items: string, 'x-kubernetes-list-type': 'atomic' },
      env: mergeList('api.core.v1.EnvVar', 'name'),
      ports: mergeList('api.core.v1.ContainerPort', 'containerPort'),
      volumeMounts: mergeList('api.core.v1.VolumeMount', 'mountPath'),
      resources: wrapped('api.core.v1.ResourceRequirements'),
    },
  },
  'io.k8s.api.core.v1.EnvVar': {
    type: 'object', properties: { name: string, value: string, valueFrom: { type: 'object', properties: {} } },
  },
  'io.k8s.api.core.v1.ContainerPort': {
    type: 'object', properties: { containerPort: integer, name: string, protocol: string },
  },
  'io.k8s.api.core.v1.VolumeMount': {
    type: 'object', properties: { mountPath: string, name: string, readOnly: { type: 'boolean' } },
  },
  'io.k8s.api.core.v1.ResourceRequirements': {
    type: 'object', properties: { limits: stringMap, requests: stringMap },
  },
  'io.k8s.api.core.v1.Volume': {
    type: 'object',
    properties: {
      name: string,
      configMap: { type: 'object', properties: { name: string } },
      emptyDir: { type: 'object', properties: { medium: string } },
      hostPath: { type: 'object', properties: { path: string } },
    },
  },
  'io.k8s.api.core.v1.Toleration': {
    type: 'object', properties: { key: string, operator: string, value: string, effect: string },
  },
  'io.k8s.api.core.v1.PodStatus': {
    type: 'object',
    properties: { phase: string, conditions: mergeList('api.core.v1.PodCondition', 'type') },
  },
  'io.k8s.api.core.v1.PodCondition': {
    type: 'object', properties: { type: string, status: string, reason: string },
  },
  'io.k8s.api.apps.v1.Deployment': {
    type: 'object',
    properties: {
      apiVersion: string, kind: string,
      metadata: wrapped('apimachinery.pkg.apis.meta.v1.ObjectMeta'),
      spec: wrapped('api.apps.v1.DeploymentSpec'),
    },
  },
  'io.k8s.api.apps.v1.DeploymentSpec': {
    type: 'object',
    properties: {
      replicas: integer,
      template: wrapped('api.core.v1.PodTemplateSpec'),
      strategy: wrapped('api.apps.v1.DeploymentStrategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }),
    },
  },
  'io.k8s.api.core.v1.PodTemplateSpec': {
    type: 'object',
    properties: { metadata: wrapped('apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: wrapped('api.core.v1.PodSpec') },
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: 'object',
    properties: { type: string, rollingUpdate: wrapped('api.apps.v1.RollingUpdateDeployment') },
  },
  'io.k8s.api.apps.v1.RollingUpdateDeployment': {
    type: 'object', properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } },
  },
  'io.k8s.api.core.v1.Service': {
    type: 'object',
    properties: { metadata: wrapped('apimachinery.pkg.apis.meta.v1.ObjectMeta'), spec: wrapped('api.core.v1.ServiceSpec') },
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: 'object',
    properties: { ports: mergeList('api.core.v1.ServicePort', 'port'), selector: stringMap, type: string },
  },
  'io.k8s.api.core.v1.ServicePort': {
    type: 'object', properties: { name: string, port: integer, targetPort: { 'x-kubernetes-int-or-string': true }, protocol: string },
  },
};

/** Follows `$ref` and single `allOf` wrappers, keeping the outer schema's extensions. */
export function resolveFixture(schema: Schema): Schema {
  if (schema.allOf?.length === 1 && !schema.properties) {
    const { allOf, ...outer } = schema;
    return { ...resolveFixture(allOf[0]), ...outer };
  }
  if (schema.$ref) {
    const { $ref, ...outer } = schema;
    const target = fixtureDefinitions[$ref.slice(refPrefix.length)];
    if (!target) throw new Error(`fixture: unresolvable reference ${$ref}`);
    return { ...resolveFixture(target), ...outer };
  }
  return schema;
}

export const podSchema = ref('api.core.v1.Pod');
export const deploymentSchema = ref('api.apps.v1.Deployment');
export const serviceSchema = ref('api.core.v1.Service');
