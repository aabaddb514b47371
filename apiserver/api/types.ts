// The Kubernetes object model Skiff serves. The shapes come from `kubernetes-types`, which is generated from
// Kubernetes' own OpenAPI document, so field names and optionality match the real API exactly.
export type {
  Binding, ConfigMap, Container, ContainerPort, ContainerState, ContainerStatus, EnvFromSource, Lifecycle, LifecycleHandler, Endpoints, EnvVar, Event, Namespace, Node,
  NodeCondition, ObjectReference, PersistentVolume, PersistentVolumeClaim, Pod, PodCondition, PodSpec, PodStatus,
  PodTemplateSpec, Probe, ReplicationController, ResourceQuota, ResourceRequirements, LimitRange, Secret, Service,
  ServiceAccount, ServicePort, Taint, Toleration, Volume, VolumeMount,
} from 'kubernetes-types/core/v1.d.ts';
export type {
  ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
} from 'kubernetes-types/apps/v1.d.ts';
export type { CronJob, Job } from 'kubernetes-types/batch/v1.d.ts';
export type { Lease } from 'kubernetes-types/coordination/v1.d.ts';
export type { EndpointSlice } from 'kubernetes-types/discovery/v1.d.ts';
export type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.d.ts';
export type { Eviction } from 'kubernetes-types/policy/v1.d.ts';
export type { Scale } from 'kubernetes-types/autoscaling/v1.d.ts';
export type { StorageClass } from 'kubernetes-types/storage/v1.d.ts';
export type { SelfSubjectReview, TokenRequest } from 'kubernetes-types/authentication/v1.d.ts';
export type {
  AggregationRule, ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
} from 'kubernetes-types/rbac/v1.d.ts';
export type {
  LocalSubjectAccessReview, NonResourceAttributes, NonResourceRule, ResourceAttributes, SelfSubjectAccessReview,
  SelfSubjectRulesReview, SubjectAccessReview, SubjectAccessReviewSpec, SubjectAccessReviewStatus,
} from 'kubernetes-types/authorization/v1.d.ts';
export type {
  APIResource, APIResourceList, Condition, DeleteOptions, LabelSelector, LabelSelectorRequirement, ListMeta,
  ObjectMeta, OwnerReference, Status, StatusCause, StatusDetails, Time,
} from 'kubernetes-types/meta/v1.d.ts';

import type { ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1.d.ts';

/** kubernetes-types marks server-set fields readonly; the apiserver is what sets them. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Any stored API object: what the generic registry, store and watch handle without knowing the kind. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: Mutable<ObjectMeta>;
  [field: string]: unknown;
}

/** An object that has been through the apiserver: metadata and its identity fields are always set. */
export interface StoredObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Mutable<ObjectMeta> & { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}

/**
 * authorization/v1 ResourceRule. kubernetes-types 1.30 lost its `verbs` and `resources` (its generator trips on the
 * `*` in their doc comments), so the whole shape is spelled here.
 */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
