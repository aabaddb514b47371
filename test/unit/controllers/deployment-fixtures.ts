// Plain Deployments and ReplicaSets for the deployment-controller's unit tests.
import type { Deployment, ReplicaSet } from '../../../apiserver/api/types.ts';
import {
  desiredReplicasAnnotation, maxReplicasAnnotation, revisionAnnotation,
} from '../../../controllers/deployment-revisions.ts';

export interface DeployOptions {
  replicas?: number;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  type?: 'RollingUpdate' | 'Recreate';
  generation?: number;
  status?: Deployment['status'];
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  image?: string;
  annotations?: Record<string, string>;
}

export function deploy(o: DeployOptions = {}): Deployment {
  const type = o.type ?? 'RollingUpdate';
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd-uid', generation: o.generation ?? 1, annotations: o.annotations },
    spec: {
      replicas: o.replicas ?? 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: type === 'Recreate' ? { type } : {
        type, rollingUpdate: { maxSurge: o.maxSurge ?? '25%', maxUnavailable: o.maxUnavailable ?? '25%' },
      },
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 10,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: o.image ?? 'busybox:1' }] },
      },
    },
    status: o.status,
  };
}

export interface RSOptions {
  /** status.availableReplicas (default: all of spec.replicas) */
  available?: number;
  /** status.replicas (default: spec.replicas) */
  actual?: number;
  ready?: number;
  /** seconds after the epoch */
  created?: number;
  revision?: number;
  desired?: number;
  max?: number;
  uid?: string;
  image?: string;
  generation?: number;
  observedGeneration?: number;
  deleting?: boolean;
}

export function rs(name: string, replicas: number, o: RSOptions = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations[revisionAnnotation] = String(o.revision);
  if (o.desired !== undefined) annotations[desiredReplicasAnnotation] = String(o.desired);
  if (o.max !== undefined) annotations[maxReplicasAnnotation] = String(o.max);
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name, namespace: 'default', uid: o.uid ?? `${name}-uid`, annotations,
      creationTimestamp: new Date((o.created ?? 0) * 1000).toISOString(),
      generation: o.generation ?? 1,
      deletionTimestamp: o.deleting ? new Date(0).toISOString() : undefined,
      labels: { app: 'web', 'pod-template-hash': name },
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': name } },
      template: {
        metadata: { labels: { app: 'web', 'pod-template-hash': name } },
        spec: { containers: [{ name: 'c', image: o.image ?? `busybox:${name}` }] },
      },
    },
    status: {
      replicas: o.actual ?? replicas,
      availableReplicas: o.available ?? replicas,
      readyReplicas: o.ready ?? o.available ?? replicas,
      observedGeneration: o.observedGeneration ?? 1,
    },
  };
}
