// statefulset-controller: pods with stable names, hostnames and volumes (kube's pkg/controller/statefulset). Pod
// `<set>-<n>` gets hostname `<set>-<n>`, subdomain serviceName, and for each volumeClaimTemplate the claim
// `<template>-<set>-<n>`, created before the pod and, under the default Retain policy, never deleted by this
// controller, so a pod that comes back (after scale down and up, or set deletion and re-creation) finds its data.
import { resourceFor } from '../apiserver/api/resources.ts';
import type {
  ControllerRevision, OwnerReference, PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet, Volume,
} from '../apiserver/api/types.ts';
import {
  isAlreadyExists, isConflict, isNotFound, objectKey,
} from '../apiserver/client/index.ts';
import { canonicalJson, ensureRevision, revisionHashLabel, templateOf } from './controller-revision.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  claimNameFor, ordinalOf, planStatefulSet, podIndexLabel, podNameLabel,
} from './statefulset-plan.ts';
import { WorkloadExpectations } from './workload-expectations.ts';
import { controllerNameIndex, controllerOf, controllerRef, isPodAvailable, isPodReady, skipConflicts, watchOwnedPods } from './workload-pods.ts';

const setsResource = resourceFor('apps', 'v1', 'statefulsets')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const claimsResource = resourceFor('', 'v1', 'persistentvolumeclaims')!;
const revisionsResource = resourceFor('apps', 'v1', 'controllerrevisions')!;
const bySetIndex = 'statefulset-controller/by-set';

export function newStatefulSetController(ctx: ControllerContext): Controller {
  const name = 'statefulset-controller';
  const { queue, recorder } = controllerBasics(ctx, name);
  const sets = ctx.informers.informerFor<StatefulSet>(setsResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [bySetIndex]: controllerNameIndex('StatefulSet') } });
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(claimsResource);
  const revisions = ctx.informers.informerFor<ControllerRevision>(revisionsResource,
    { indexers: { [bySetIndex]: controllerNameIndex('StatefulSet') } });
  const expectations = new WorkloadExpectations(ctx.clock);

  sets.addEventHandler({
    onAdd: (s) => queue.add(objectKey(s)),
    onUpdate: (_o, s) => queue.add(objectKey(s)),
    onDelete: (s) => expectations.forget(objectKey(s)),
  });
  watchOwnedPods(pods, 'StatefulSet', expectations, queue);

  const reconcile = skipConflicts(sync, isConflict);

  async function sync(key: string): Promise<void> {
    const set = sets.get(key);
    if (!set || set.metadata?.deletionTimestamp) return;
    const uid = set.metadata?.uid ?? '';
    const setName = set.metadata?.name ?? '';
    const owned = pods.byIndex(bySetIndex, key).filter((p) => controllerOf(p)?.uid === uid && ordinalOf(setName, p) !== undefined);
    const ownedRevisions = revisions.byIndex(bySetIndex, key).filter((r) => controllerOf(r)?.uid === uid);
    const update = await ensureRevision(ctx.client, set, 'StatefulSet', set.spec?.template, ownedRevisions, set.status?.collisionCount ?? 0);
    const currentHash = set.status?.currentRevision ?? update.hash;
    const currentRev = ownedRevisions.find((r) => r.metadata?.labels?.[revisionHashLabel] === currentHash);
    const currentTemplate = templateOf(currentRev) ?? set.spec?.template;
    const now = ctx.clock();

    if (expectations.satisfied(key)) {
      const plan = planStatefulSet(set, owned, { current: currentHash, update: update.hash }, now);
      expectations.expect(key, plan.create.length, plan.delete.length);
      await Promise.all([
        ...plan.create.map(({ ordinal, revision }) => revision === 'update'
          ? createPod(set, key, ordinal, set.spec?.template, update.hash)
          : createPod(set, key, ordinal, currentTemplate, currentHash)),
        ...plan.delete.map((p) => deletePod(set, key, p)),
      ]);
    }
    await writeStatus(set, owned, currentHash, update.hash, update.collisionCount, now);
  }

  /** The PVCs a pod needs, created first; an existing claim (kept from an earlier pod) is reused as it is. */
  async function ensureClaims(set: StatefulSet, podName: string): Promise<void> {
    const namespace = set.metadata?.namespace;
    const whenDeleted = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    for (const tpl of set.spec?.volumeClaimTemplates ?? []) {
      const claimName = claimNameFor(tpl.metadata?.name ?? '', podName);
      if (claims.get(`${namespace}/${claimName}`)) continue;
      // Retain (the default): no owner, so the claim outlives the pod and the set. Delete: owned by the set, so
      // the garbage collector removes it with the set.
      const ownerReferences: OwnerReference[] = whenDeleted === 'Delete'
        ? [{ ...controllerRef(set, 'apps/v1', 'StatefulSet'), controller: false }] : [];
      const claim: PersistentVolumeClaim = {
        apiVersion: 'v1', kind: 'PersistentVolumeClaim',
        metadata: {
          name: claimName, namespace,
          labels: { ...set.spec?.selector.matchLabels, ...tpl.metadata?.labels },
          annotations: tpl.metadata?.annotations,
          ...(ownerReferences.length > 0 ? { ownerReferences } : {}),
        },
        spec: tpl.spec,
      };
      try {
        await ctx.client.create(claimsResource, namespace, claim);
        recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claimName} Pod ${podName} in StatefulSet ${set.metadata?.name ?? ''} success`);
      } catch (err) {
        if (!isAlreadyExists(err)) {
          recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claimName} for Pod ${podName} in StatefulSet ${set.metadata?.name ?? ''} failed error: ${(err as Error).message}`);
          throw err;
        }
      }
    }
  }

  async function createPod(set: StatefulSet, key: string, ordinal: number, template: PodTemplateSpec | undefined, hash: string): Promise<void> {
    const podName = `${set.metadata?.name ?? ''}-${ordinal}`;
    try {
      await ensureClaims(set, podName);
      const spec = template?.spec ?? { containers: [] };
      const claimVolumes: Volume[] = (set.spec?.volumeClaimTemplates ?? []).map((tpl) => ({
        name: tpl.metadata?.name ?? '',
        persistentVolumeClaim: { claimName: claimNameFor(tpl.metadata?.name ?? '', podName) },
      }));
      // A claim template takes precedence over a template volume of the same name.
      const volumes = [...(spec.volumes ?? []).filter((v) => !claimVolumes.some((c) => c.name === v.name)), ...claimVolumes];
      await ctx.client.create<Pod>(podsResource, set.metadata?.namespace, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          name: podName,
          labels: {
            ...template?.metadata?.labels, [revisionHashLabel]: hash,
            [podNameLabel]: podName, [podIndexLabel]: String(ordinal),
          },
          annotations: { ...template?.metadata?.annotations },
          ownerReferences: [controllerRef(set, 'apps/v1', 'StatefulSet')],
        },
        spec: { ...spec, hostname: podName, subdomain: set.spec?.serviceName, ...(volumes.length > 0 ? { volumes } : {}) },
      });
      recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata?.name ?? ''} successful`);
    } catch (err) {
      expectations.creationObserved(key);
      // The previous pod of this name is still being deleted: its deletion event queues the set again.
      if (isAlreadyExists(err)) return;
      recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata?.name ?? ''} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  async function deletePod(set: StatefulSet, key: string, pod: Pod): Promise<void> {
    const podName = pod.metadata?.name ?? '';
    const ordinal = ordinalOf(set.metadata?.name ?? '', pod) ?? 0;
    try {
      // whenScaled Delete: a pod removed by scale-down hands its claims to the garbage collector by owning them.
      if (ordinal >= (set.spec?.replicas ?? 1) && set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') {
        await ownClaimsByPod(set, pod);
      }
      await ctx.client.delete(podsResource, pod.metadata?.namespace, podName);
      recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${podName} in StatefulSet ${set.metadata?.name ?? ''} successful`);
    } catch (err) {
      expectations.deletionObserved(key);
      if (!isNotFound(err)) throw err;
    }
  }

  async function ownClaimsByPod(set: StatefulSet, pod: Pod): Promise<void> {
    for (const tpl of set.spec?.volumeClaimTemplates ?? []) {
      const claimName = claimNameFor(tpl.metadata?.name ?? '', pod.metadata?.name ?? '');
      const claim = claims.get(`${set.metadata?.namespace}/${claimName}`);
      if (!claim || claim.metadata?.ownerReferences?.some((r) => r.uid === pod.metadata?.uid)) continue;
      const ref: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '', controller: false };
      await ctx.client.patch(claimsResource, set.metadata?.namespace, claimName,
        { metadata: { ownerReferences: [...(claim.metadata?.ownerReferences ?? []), ref] } }, 'merge');
    }
  }

  async function writeStatus(set: StatefulSet, owned: Pod[], currentHash: string, updateHash: string,
    collisionCount: number, now: number): Promise<void> {
    const live = owned.filter((p) => !p.metadata?.deletionTimestamp);
    const minReady = set.spec?.minReadySeconds ?? 0;
    const replicas = set.spec?.replicas ?? 1;
    const updated = live.filter((p) => p.metadata?.labels?.[revisionHashLabel] === updateHash).length;
    const ready = live.filter(isPodReady).length;
    // The rollout is done when every wanted pod runs the update revision and is ready: it becomes current.
    const rolledOut = updated === replicas && live.length === replicas && ready === replicas;
    const current = rolledOut ? updateHash : currentHash;
    const status = {
      ...set.status,
      observedGeneration: set.metadata?.generation,
      replicas: live.length,
      readyReplicas: ready,
      availableReplicas: live.filter((p) => isPodAvailable(p, minReady, now)).length,
      currentReplicas: live.filter((p) => p.metadata?.labels?.[revisionHashLabel] === current).length,
      updatedReplicas: updated,
      currentRevision: current,
      updateRevision: updateHash,
      collisionCount,
    };
    if (canonicalJson(status) === canonicalJson(set.status ?? {})) return;
    await ctx.client.updateStatus<StatefulSet>(setsResource, set.metadata?.namespace, { ...set, status });
  }

  return { name, queue, workers: 5, reconcile };
}
