// replicaset-controller (kube's pkg/controller/replicaset): keeps exactly spec.replicas active pods matching the
// ReplicaSet's selector, adopting orphans and releasing pods whose labels moved away. The same code keeps
// ReplicationControllers (replicationcontroller.ts), which differ only in how they spell their selector.
import { selectorFromLabelSelector, selectorFromMap, matchesSelector, type Selector } from '../apiserver/api/labels.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Pod, PodTemplateSpec, ReplicaSet, ReplicationController } from '../apiserver/api/types.ts';
import { isConflict, isNamespaceTerminating, isNotFound, objectKey, type ResourceRef } from '../apiserver/client/index.ts';
import { claimObjects, ownerStillThere, patchOwnerReferences } from './claim-objects.ts';
import { canonicalJson } from './controller-revision.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { availabilityRequeueMs, countReplicas, planReplicas, slowStartBatches } from './replicaset-plan.ts';
import { WorkloadExpectations } from './workload-expectations.ts';
import { controllerOf, controllerRef, isPodActive, rfc3339, skipConflicts, watchOwnedPods } from './workload-pods.ts';

const podsResource = resourceFor('', 'v1', 'pods')!;

type ReplicaOwner = ReplicaSet | ReplicationController;
type OwnerStatus = NonNullable<ReplicaSet['status']>;
type OwnerCondition = NonNullable<OwnerStatus['conditions']>[number];

interface ManageFailure {
  reason: 'FailedCreate' | 'FailedDelete';
  err: unknown;
}

/** What tells a ReplicaSet from a ReplicationController. */
export interface ReplicaKind {
  controllerName: string;
  kind: string;
  apiVersion: string;
  resource: ResourceRef;
  selectorOf(owner: ReplicaOwner): Selector | 'nothing';
}

export const replicaSetKind: ReplicaKind = {
  controllerName: 'replicaset-controller',
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  resource: resourceFor('apps', 'v1', 'replicasets')!,
  selectorOf: (rs) => selectorFromLabelSelector((rs as ReplicaSet).spec?.selector),
};

export const replicationControllerKind: ReplicaKind = {
  controllerName: 'replicationcontroller-controller',
  kind: 'ReplicationController',
  apiVersion: 'v1',
  resource: resourceFor('', 'v1', 'replicationcontrollers')!,
  // Defaulting copies the template's labels into an empty selector; an RC without either selects nothing.
  selectorOf: (rc) => {
    const selector = (rc as ReplicationController).spec?.selector;
    return selector && Object.keys(selector).length > 0 ? selectorFromMap(selector) : 'nothing';
  },
};

export function newReplicaSetController(ctx: ControllerContext): Controller {
  return newReplicaManager(ctx, replicaSetKind);
}

export function newReplicaManager(ctx: ControllerContext, k: ReplicaKind): Controller {
  const { queue, recorder } = controllerBasics(ctx, k.controllerName);
  const owners = ctx.informers.informerFor<ReplicaOwner>(k.resource);
  const pods = ctx.informers.informerFor<Pod>(podsResource);
  const expectations = new WorkloadExpectations(ctx.clock);

  owners.addEventHandler({
    onAdd: (o) => queue.add(objectKey(o)),
    onUpdate: (_old, o) => queue.add(objectKey(o)),
    onDelete: (o) => {
      expectations.forget(objectKey(o));
      queue.add(objectKey(o));
    },
  });
  watchOwnedPods(pods, k.kind, expectations, queue);
  // Orphans (and pods just released) may be adopted by any owner whose selector takes them.
  const enqueueSelecting = (p: Pod): void => {
    if (controllerOf(p) || !isPodActive(p)) return;
    for (const o of owners.byIndex('namespace', p.metadata?.namespace ?? '')) {
      if (matchesSelector(k.selectorOf(o), p.metadata?.labels)) queue.add(objectKey(o));
    }
  };
  pods.addEventHandler({
    onAdd: enqueueSelecting,
    onUpdate: (old, p) => {
      const oldRef = controllerOf(old);
      // A pod whose controller changed: its former owner has one pod less.
      if (oldRef?.kind === k.kind && oldRef.uid !== controllerOf(p)?.uid) queue.add(`${p.metadata?.namespace ?? ''}/${oldRef.name}`);
      if (canonicalJson(old.metadata?.labels ?? {}) !== canonicalJson(p.metadata?.labels ?? {}) || oldRef) enqueueSelecting(p);
    },
    onDelete: () => undefined,
  });

  async function createPods(owner: ReplicaOwner, key: string, count: number): Promise<void> {
    expectations.expect(key, count, 0);
    let sent = 0;
    for (const size of slowStartBatches(count)) {
      const results = await Promise.allSettled(Array.from({ length: size }, () =>
        ctx.client.create<Pod>(podsResource, owner.metadata?.namespace, podFromTemplate(owner, k))));
      sent += size;
      let failure: unknown;
      for (const r of results) {
        if (r.status === 'fulfilled') {
          recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata?.name ?? ''}`);
        } else if (isNamespaceTerminating(r.reason)) {
          // The namespace controller is deleting everything here; the ReplicaSet goes too.
          expectations.creationObserved(key);
        } else {
          expectations.creationObserved(key);
          failure ??= r.reason;
          recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(r.reason as Error).message}`);
        }
      }
      if (failure) {
        // The batches not sent will never be observed either.
        for (let i = sent; i < count; i++) expectations.creationObserved(key);
        throw failure;
      }
    }
  }

  async function deletePods(owner: ReplicaOwner, key: string, victims: Pod[]): Promise<void> {
    expectations.expect(key, 0, victims.length);
    const results = await Promise.allSettled(victims.map(async (pod) => {
      try {
        await ctx.client.delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', { preconditions: { uid: pod.metadata?.uid } });
        recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name ?? ''}`);
      } catch (err) {
        expectations.deletionObserved(key);
        if (isNotFound(err)) return;
        recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
        throw err;
      }
    }));
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async function writeStatus(owner: ReplicaOwner, status: OwnerStatus): Promise<void> {
    if (canonicalJson(status) === canonicalJson(owner.status ?? {})) return;
    try {
      await ctx.client.updateStatus<ReplicaOwner>(k.resource, owner.metadata?.namespace, { ...owner, status });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  const reconcile = skipConflicts(sync, isConflict);

  async function sync(key: string): Promise<void> {
    const owner = owners.get(key);
    if (!owner) {
      expectations.forget(key);
      return;
    }
    const needsSync = expectations.satisfied(key) && !owner.metadata?.deletionTimestamp;
    const active = await claimObjects({
      owner,
      ownerRef: controllerRef(owner, k.apiVersion, k.kind),
      selector: k.selectorOf(owner),
      candidates: pods.byIndex('namespace', owner.metadata?.namespace ?? '').filter(isPodActive),
      canAdopt: ownerStillThere(ctx.client, k.resource, owner),
      setOwnerReferences: patchOwnerReferences<Pod>(ctx.client, podsResource),
    });

    let failure: ManageFailure | undefined;
    if (needsSync) {
      const plan = planReplicas(owner.spec?.replicas ?? 1, active);
      try {
        if (plan.kind === 'create') await createPods(owner, key, plan.count);
        else if (plan.kind === 'delete') await deletePods(owner, key, plan.pods);
      } catch (err) {
        failure = { reason: plan.kind === 'create' ? 'FailedCreate' : 'FailedDelete', err };
      }
    }
    const now = ctx.clock();
    const minReadySeconds = owner.spec?.minReadySeconds ?? 0;
    const counts = countReplicas(active, owner.spec?.template as PodTemplateSpec | undefined, minReadySeconds, now);
    const status: OwnerStatus = {
      ...counts,
      observedGeneration: owner.metadata?.generation,
      conditions: replicaFailureConditions(owner.status?.conditions, failure, now),
    };
    if (!status.conditions?.length) delete status.conditions;
    await writeStatus(owner, status);
    const requeue = availabilityRequeueMs(active, minReadySeconds, now);
    if (requeue !== undefined) queue.addAfter(key, requeue);
    if (failure) throw failure.err;
  }

  return { name: k.controllerName, queue, workers: 5, reconcile };
}

/** The pod an owner's template makes (kube's GetPodFromTemplate). */
export function podFromTemplate(owner: ReplicaOwner, k: Pick<ReplicaKind, 'apiVersion' | 'kind'>): Pod {
  const template = (owner.spec?.template ?? {}) as PodTemplateSpec;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata?.name ?? 'pod'}-`,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations },
      ...(template.metadata?.finalizers ? { finalizers: [...template.metadata.finalizers] } : {}),
      ownerReferences: [controllerRef(owner, k.apiVersion, k.kind)],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
}

/** ReplicaFailure is True while creating or deleting pods fails, and goes away with the next success. */
export function replicaFailureConditions(current: readonly OwnerCondition[] | undefined,
  failure: ManageFailure | undefined, nowMs: number): OwnerCondition[] {
  const others = (current ?? []).filter((c) => c.type !== 'ReplicaFailure');
  if (!failure) return others;
  const previous = (current ?? []).find((c) => c.type === 'ReplicaFailure');
  return [...others, {
    type: 'ReplicaFailure', status: 'True', reason: failure.reason, message: (failure.err as Error).message ?? String(failure.err),
    lastTransitionTime: previous?.status === 'True' ? previous.lastTransitionTime : rfc3339(nowMs),
  }];
}
