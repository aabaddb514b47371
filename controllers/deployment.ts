// deployment-controller (kube's pkg/controller/deployment): one ReplicaSet per pod-template revision, named
// `<deployment>-<pod-template-hash>`. A rollout scales the new ReplicaSet up and the old ones down (RollingUpdate
// within maxSurge/maxUnavailable, or Recreate: all old pods gone first); a change of spec.replicas alone is spread
// over the ReplicaSets in proportion. It never touches pods: the replicaset-controller makes them. The decisions are
// in deployment-rollout.ts, deployment-revisions.ts and deployment-status.ts; this file reads the caches and writes.
import { selectorFromLabelSelector, matchesSelector } from '../apiserver/api/labels.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Deployment, Pod, ReplicaSet } from '../apiserver/api/types.ts';
import {
  controllerUidIndex, isAlreadyExists, isConflict, isNotFound, objectKey,
} from '../apiserver/client/index.ts';
import { claimObjects, ownerStillThere, patchOwnerReferences } from './claim-objects.ts';
import { canonicalJson } from './controller-revision.ts';
import {
  desiredReplicas, equalIgnoreHash, findNewReplicaSet, maxSurge, replicasOf,
} from './deployment-replicasets.ts';
import {
  lastRevision, maxRevision, newReplicaSetFor, replicasAnnotationsNeedUpdate, replicaSetsToPrune, revisionAnnotation,
  revisionOf, rollbackRequest, rollbackToAnnotation, rolledBack, setNewReplicaSetAnnotations, setReplicasAnnotations,
} from './deployment-revisions.ts';
import {
  isScalingEvent, oldPodsRunning, proportionalScale, recreateScaleDown, rollingScaleDown, rollingScaleUp,
  newRSNewReplicas, type ScaleStep,
} from './deployment-rollout.ts';
import {
  calculateStatus, deploymentComplete, getCondition, hasProgressDeadline, newCondition, pausedConditionStatus,
  reasons, rolloutStatus, setCondition, stuckRequeueAfterMs,
} from './deployment-status.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { controllerOf, controllerRef, skipConflicts } from './workload-pods.ts';

const deploymentsResource = resourceFor('apps', 'v1', 'deployments')!;
const replicaSetsResource = resourceFor('apps', 'v1', 'replicasets')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const byControllerUid = 'deployment-controller/by-controller-uid';

type DeploymentStatus = NonNullable<Deployment['status']>;

/** The Deployment being synced, replaced by what the apiserver answers after each write. */
interface SyncState {
  d: Deployment;
  key: string;
}

interface Revisioned {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

function withNew(oldRSs: ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet[] {
  return newRS ? [...oldRSs, newRS] : oldRSs;
}

function selectsEverything(d: Deployment): boolean {
  const s = d.spec?.selector;
  return Object.keys(s?.matchLabels ?? {}).length === 0 && (s?.matchExpressions ?? []).length === 0;
}

export function newDeploymentController(ctx: ControllerContext): Controller {
  const name = 'deployment-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const deployments = ctx.informers.informerFor<Deployment>(deploymentsResource);
  const replicaSets = ctx.informers.informerFor<ReplicaSet>(replicaSetsResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource, { indexers: { [byControllerUid]: controllerUidIndex } });

  deployments.addEventHandler({
    onAdd: (d) => queue.add(objectKey(d)),
    onUpdate: (_o, d) => queue.add(objectKey(d)),
    onDelete: (d) => queue.add(objectKey(d)),
  });

  /** The owning Deployment's key, when `rs` is controlled by a Deployment this cache knows under that uid. */
  const ownerKey = (obj: ReplicaSet): string | undefined => {
    const ref = controllerOf(obj);
    if (ref?.kind !== 'Deployment') return undefined;
    const key = `${obj.metadata?.namespace ?? ''}/${ref.name}`;
    return deployments.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  /** An orphan may be adopted by any Deployment whose selector takes it. */
  const enqueueSelecting = (rs: ReplicaSet): void => {
    for (const d of deployments.byIndex('namespace', rs.metadata?.namespace ?? '')) {
      if (selectsEverything(d)) continue;
      if (matchesSelector(selectorFromLabelSelector(d.spec?.selector), rs.metadata?.labels)) queue.add(objectKey(d));
    }
  };
  const enqueueFor = (rs: ReplicaSet): void => {
    const key = ownerKey(rs);
    if (key) queue.add(key);
    else if (!controllerOf(rs)) enqueueSelecting(rs);
  };
  replicaSets.addEventHandler({
    onAdd: enqueueFor,
    onUpdate: (old, rs) => {
      const oldRef = controllerOf(old);
      if (oldRef && oldRef.uid !== controllerOf(rs)?.uid) {
        const key = ownerKey(old);
        if (key) queue.add(key);
      }
      enqueueFor(rs);
    },
    onDelete: (rs) => {
      const key = ownerKey(rs);
      if (key) queue.add(key);
    },
  });
  // Recreate waits for the old pods to be gone; their deletion is what tells it to go on.
  pods.addEventHandler({
    onDelete: (p) => {
      const ref = controllerOf(p);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = replicaSets.get(`${p.metadata?.namespace ?? ''}/${ref.name}`);
      const key = rs && ownerKey(rs);
      if (key && deployments.get(key)?.spec?.strategy?.type === 'Recreate') queue.add(key);
    },
  });

  const reconcile = skipConflicts(sync, isConflict);

  async function sync(key: string): Promise<void> {
    const cached = deployments.get(key);
    if (!cached) return;
    const st: SyncState = { d: structuredClone(cached), key };
    const d = st.d;
    if (selectsEverything(d)) {
      recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await writeStatus(st, { ...d.status, observedGeneration: d.metadata?.generation });
      }
      return;
    }
    const rsList = await claimReplicaSets(st);
    if (st.d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await syncRevision(st, rsList);
      await syncStatus(st, withNew(oldRSs, newRS), newRS);
      return;
    }
    const paused = pausedConditionStatus(st.d, ctx.clock());
    if (paused) await writeStatus(st, paused);

    // kube looks at the revisions once per step; once here is the same, and never acts on a stale copy of an
    // object this sync has just written.
    const rev = await syncRevision(st, rsList);
    if (st.d.spec?.paused) {
      await syncScale(st, rev);
      return;
    }
    if (rollbackRequest(st.d) !== undefined) {
      await rollback(st, rev);
      return;
    }
    if (isScalingEvent(st.d, withNew(rev.oldRSs, rev.newRS))) {
      await syncScale(st, rev);
      return;
    }
    if (st.d.spec?.strategy?.type === 'Recreate') await rolloutRecreate(st, rev, rsList);
    else await rolloutRolling(st, rev);
  }

  /** kube's ClaimReplicaSets: the Deployment's own ReplicaSets, after adopting orphans and releasing strays. */
  function claimReplicaSets(st: SyncState): Promise<ReplicaSet[]> {
    return claimObjects({
      owner: st.d,
      ownerRef: controllerRef(st.d, 'apps/v1', 'Deployment'),
      selector: selectorFromLabelSelector(st.d.spec?.selector),
      candidates: replicaSets.byIndex('namespace', st.d.metadata?.namespace ?? ''),
      canAdopt: ownerStillThere(ctx.client, deploymentsResource, st.d),
      setOwnerReferences: patchOwnerReferences<ReplicaSet>(ctx.client, replicaSetsResource),
    });
  }

  /** Writes the Deployment's annotations (a metadata update) and then its status, keeping st.d current. */
  async function writeDeployment(st: SyncState, annotations: boolean, status: boolean): Promise<void> {
    const ns = st.d.metadata?.namespace;
    const wanted = st.d.status;
    if (annotations) {
      const updated = await ctx.client.update<Deployment>(deploymentsResource, ns, st.d);
      st.d = { ...updated, status: wanted };
    }
    if (status) st.d = await ctx.client.updateStatus<Deployment>(deploymentsResource, ns, st.d);
  }

  async function writeStatus(st: SyncState, status: DeploymentStatus): Promise<void> {
    st.d = { ...st.d, status };
    await writeDeployment(st, false, true);
  }

  /**
   * getAllReplicaSetsAndSyncRevision: splits the ReplicaSets into the new one (holding the current template) and
   * the old ones, gives the new one the next revision (a rollback target is reused and renumbered), records that
   * revision on the Deployment. Creating a missing new ReplicaSet is ensureNewReplicaSet's job.
   */
  async function syncRevision(st: SyncState, rsList: ReplicaSet[]): Promise<Revisioned> {
    const existing = findNewReplicaSet(st.d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const annotations = { ...existing.metadata?.annotations };
      const changed = setNewReplicaSetAnnotations(st.d, annotations, newRevision, true);
      const minReady = st.d.spec?.minReadySeconds ?? 0;
      if (changed || (existing.spec?.minReadySeconds ?? 0) !== minReady) {
        const updated = await ctx.client.update<ReplicaSet>(replicaSetsResource, existing.metadata?.namespace, {
          ...existing,
          metadata: { ...existing.metadata, annotations },
          spec: { ...existing.spec!, minReadySeconds: minReady },
        });
        return { newRS: updated, oldRSs };
      }
      const revisionChanged = setDeploymentRevision(st.d, annotations[revisionAnnotation] ?? '');
      let statusChanged = false;
      if (hasProgressDeadline(st.d) && !getCondition(st.d.status, 'Progressing')) {
        const status = { ...st.d.status };
        setCondition(status, newCondition('Progressing', 'True', reasons.foundNewRS,
          `Found new replica set "${existing.metadata?.name ?? ''}"`, ctx.clock()));
        st.d.status = status;
        statusChanged = true;
      }
      await writeDeployment(st, revisionChanged, statusChanged);
      return { newRS: existing, oldRSs };
    }
    return { newRS: undefined, oldRSs };
  }

  async function ensureNewReplicaSet(st: SyncState, rev: Revisioned): Promise<ReplicaSet> {
    return rev.newRS ?? createNewReplicaSet(st, rev.oldRSs, maxRevision(rev.oldRSs) + 1);
  }

  async function createNewReplicaSet(st: SyncState, oldRSs: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const d = st.d;
    const ns = d.metadata?.namespace;
    const collisionCount = d.status?.collisionCount ?? 0;
    const draft = newReplicaSetFor(d, collisionCount, 0, newRevision);
    const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
    const rs = newReplicaSetFor(d, collisionCount, replicas, newRevision);
    const rsName = rs.metadata?.name ?? '';
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await ctx.client.create<ReplicaSet>(replicaSetsResource, ns, rs);
    } catch (err) {
      if (!isAlreadyExists(err)) {
        const msg = `Failed to create new replica set "${rsName}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          const status = { ...d.status };
          setCondition(status, newCondition('Progressing', 'False', reasons.failedRSCreate, msg, ctx.clock()));
          await writeStatus(st, status).catch(() => undefined);
        }
        recorder.event(d, 'Warning', reasons.failedRSCreate, msg);
        throw err;
      }
      const clash = await ctx.client.get<ReplicaSet>(replicaSetsResource, ns, rsName);
      const ours = controllerOf(clash)?.uid === d.metadata?.uid;
      if (!ours || !equalIgnoreHash(d.spec?.template, clash.spec?.template)) {
        // A different template already has this name: hash again with the next collisionCount.
        await writeStatus(st, { ...d.status, collisionCount: collisionCount + 1 });
        logger.info({ deployment: st.key, collisionCount: collisionCount + 1 }, 'hash collision; bumped collisionCount');
        throw err;
      }
      created = clash;
      alreadyExisted = true;
    }
    if (!alreadyExisted && replicas > 0) {
      recorder.event(st.d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} to ${replicas}`);
    }
    const revisionChanged = setDeploymentRevision(st.d, String(newRevision));
    let statusChanged = false;
    if (!alreadyExisted && hasProgressDeadline(st.d)) {
      const status = { ...st.d.status };
      setCondition(status, newCondition('Progressing', 'True', reasons.newRSCreated, `Created new replica set "${rsName}"`, ctx.clock()));
      st.d.status = status;
      statusChanged = true;
    }
    await writeDeployment(st, revisionChanged, statusChanged);
    return created;
  }

  function setDeploymentRevision(d: Deployment, revision: string): boolean {
    if (d.metadata?.annotations?.[revisionAnnotation] === revision) return false;
    d.metadata = { ...d.metadata, annotations: { ...d.metadata?.annotations, [revisionAnnotation]: revision } };
    return true;
  }

  /** Scales `rs` (and records the replica annotations); an event when its size changes. Returns what was stored. */
  async function scaleReplicaSet(st: SyncState, rs: ReplicaSet, replicas: number, syncAnnotations: boolean): Promise<ReplicaSet> {
    const from = replicasOf(rs);
    if (from === replicas && !syncAnnotations) return rs;
    const desired = desiredReplicas(st.d);
    const max = desired + maxSurge(st.d);
    if (from === replicas && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const annotations = { ...rs.metadata?.annotations };
    setReplicasAnnotations(annotations, desired, max);
    const updated = await ctx.client.update<ReplicaSet>(replicaSetsResource, rs.metadata?.namespace, {
      ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec!, replicas },
    });
    if (from !== replicas) {
      const direction = from < replicas ? 'up' : 'down';
      recorder.event(st.d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata?.name ?? ''} to ${replicas} from ${from}`);
    }
    return updated;
  }

  /** Applies steps in order; a ReplicaSet scaled twice is written from its latest stored version. */
  async function applySteps(st: SyncState, steps: ScaleStep[]): Promise<void> {
    const latest = new Map<string, ReplicaSet>();
    for (const step of steps) {
      const rsName = step.rs.metadata?.name ?? '';
      const updated = await scaleReplicaSet(st, latest.get(rsName) ?? step.rs, step.replicas, step.syncAnnotations ?? false);
      latest.set(rsName, updated);
    }
  }

  /** kube's sync(): only scaling (a paused Deployment, or spec.replicas changed), then the status. */
  async function syncScale(st: SyncState, { newRS, oldRSs }: Revisioned): Promise<void> {
    await applySteps(st, proportionalScale(st.d, newRS, oldRSs));
    if (st.d.spec?.paused && rollbackRequest(st.d) === undefined) await cleanup(st, oldRSs);
    await syncStatus(st, withNew(oldRSs, newRS), newRS);
  }

  async function rolloutRolling(st: SyncState, rev: Revisioned): Promise<void> {
    const { oldRSs } = rev;
    const rs = await ensureNewReplicaSet(st, rev);
    const allRSs = [...oldRSs, rs];
    const up = rollingScaleUp(st.d, allRSs, rs);
    if (up !== undefined) {
      await scaleReplicaSet(st, rs, up, false);
      await syncRolloutStatus(st, allRSs, rs);
      return;
    }
    const down = rollingScaleDown(st.d, oldRSs, rs);
    if (down.length > 0) {
      await applySteps(st, down);
      await syncRolloutStatus(st, allRSs, rs);
      return;
    }
    if (deploymentComplete(st.d, st.d.status ?? {})) await cleanup(st, oldRSs);
    await syncRolloutStatus(st, allRSs, rs);
  }

  async function rolloutRecreate(st: SyncState, rev: Revisioned, rsList: ReplicaSet[]): Promise<void> {
    const { oldRSs } = rev;
    let newRS = rev.newRS;
    let allRSs = withNew(oldRSs, newRS);
    const down = recreateScaleDown(oldRSs);
    if (down.length > 0) {
      await applySteps(st, down);
      await syncRolloutStatus(st, allRSs, newRS);
      return;
    }
    if (oldPodsRunning(newRS, oldRSs, podsOf(st.d, rsList))) {
      await syncRolloutStatus(st, allRSs, newRS);
      return;
    }
    if (!newRS) {
      newRS = await ensureNewReplicaSet(st, rev);
      allRSs = withNew(oldRSs, newRS);
    }
    await scaleReplicaSet(st, newRS, desiredReplicas(st.d), false);
    if (deploymentComplete(st.d, st.d.status ?? {})) await cleanup(st, oldRSs);
    await syncRolloutStatus(st, allRSs, newRS);
  }

  /** The pods the Deployment selects that its ReplicaSets control (kube's getPodMapForDeployment, flattened). */
  function podsOf(d: Deployment, rsList: ReplicaSet[]): Pod[] {
    const selector = selectorFromLabelSelector(d.spec?.selector);
    return rsList.flatMap((rs) => pods.byIndex(byControllerUid, rs.metadata?.uid ?? ''))
      .filter((p) => p.metadata?.namespace === d.metadata?.namespace && matchesSelector(selector, p.metadata?.labels));
  }

  /** The deprecated rollbackTo: copy an old ReplicaSet's template back, then forget the request either way. */
  async function rollback(st: SyncState, rev: Revisioned): Promise<void> {
    const allRSs = withNew(rev.oldRSs, await ensureNewReplicaSet(st, rev));
    let revision = rollbackRequest(st.d) ?? 0;
    if (revision === 0) revision = lastRevision(allRSs);
    const target = revision === 0 ? undefined : allRSs.find((rs) => revisionOf(rs) === revision);
    const d = st.d;
    let next: Deployment;
    let rolled = false;
    if (!target) {
      recorder.event(d, 'Warning', 'DeploymentRollbackRevisionNotFound',
        revision === 0 ? 'Unable to find last revision.' : 'Unable to find the revision to rollback to.');
      next = clearRollback(d);
    } else if (equalIgnoreHash(d.spec?.template, target.spec?.template)) {
      recorder.event(d, 'Warning', 'DeploymentRollbackTemplateUnchanged',
        `The rollback revision contains the same template as current deployment "${d.metadata?.name ?? ''}"`);
      next = clearRollback(d);
    } else {
      next = rolledBack(d, target);
      rolled = true;
    }
    await ctx.client.update<Deployment>(deploymentsResource, d.metadata?.namespace, next);
    if (rolled) {
      recorder.event(d, 'Normal', 'DeploymentRollback', `Rolled back deployment "${d.metadata?.name ?? ''}" to revision ${revision}`);
    }
  }

  function clearRollback(d: Deployment): Deployment {
    const annotations = { ...d.metadata?.annotations };
    delete annotations[rollbackToAnnotation];
    return { ...d, metadata: { ...d.metadata, annotations } };
  }

  /** Deletes old, empty ReplicaSets beyond revisionHistoryLimit. */
  async function cleanup(st: SyncState, oldRSs: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToPrune(st.d, oldRSs)) {
      try {
        await ctx.client.delete(replicaSetsResource, rs.metadata?.namespace, rs.metadata?.name ?? '');
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  /** syncDeploymentStatus: counts and the Available condition only. */
  async function syncStatus(st: SyncState, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(st.d, allRSs, newRS, ctx.clock());
    if (canonicalJson(status) === canonicalJson(st.d.status ?? {})) return;
    await writeStatus(st, status);
  }

  /** syncRolloutStatus: also moves Progressing on, and looks again when the deadline would pass. */
  async function syncRolloutStatus(st: SyncState, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = ctx.clock();
    const status = rolloutStatus(st.d, allRSs, newRS, now);
    if (canonicalJson(status) === canonicalJson(st.d.status ?? {})) {
      const after = stuckRequeueAfterMs(st.d, status, now);
      if (after === 0) queue.addRateLimited(st.key);
      else if (after !== undefined) queue.addAfter(st.key, after);
      return;
    }
    await writeStatus(st, status);
  }

  return { name, queue, workers: 5, reconcile };
}
