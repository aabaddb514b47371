// persistentvolume-binder-controller (kube's pkg/controller/volume/persistentvolume): binds each pending claim to
// the smallest Available volume that satisfies it, honours claims and volumes the user pre-bound, provisions
// local-path volumes for claims of a local-path class, and applies a volume's reclaim policy when its claim goes:
// Retain keeps it Released, Delete removes it (and its directory). Claims and volumes are synced under their own
// keys, level-triggered, with a periodic resync as kube's binder has; the decisions are persistentvolume-plan.ts.
import { resourceFor } from '../apiserver/api/resources.ts';
import { defaultClassOf } from '../apiserver/api/storage-class.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../apiserver/api/types.ts';
import { isAlreadyExists, isConflict, isNotFound, objectKey, type ResourceRef } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  localPathClassName, localPathStorageClass, provisionedVolume, provisionedVolumeName, removeVolumeDirectory,
} from './local-path-provisioner.ts';
import {
  annBindCompleted, claimBoundTo, claimStatusFor, claimWithClass, claimWithProvisioner, hasAnnotation,
  isVolumeReleased, planClaim, planProvisioning, planReclaim, planVolume, volumeBoundTo, volumeStatusFor,
  volumeUnbound, type ClaimWorld, type PlannedEvent,
} from './persistentvolume-plan.ts';
import { skipConflicts } from './workload-pods.ts';

const volumesResource = resourceFor('', 'v1', 'persistentvolumes')!;
const claimsResource = resourceFor('', 'v1', 'persistentvolumeclaims')!;
const classesResource = resourceFor('storage.k8s.io', 'v1', 'storageclasses')!;

/** kube-controller-manager's --pvclaimbinder-sync-period. */
export const resyncPeriodMs = 15_000;

const claimKey = (c: PersistentVolumeClaim): string => `claim:${objectKey(c)}`;
const volumeKey = (name: string): string => `volume:${name}`;
const ensureClassKey = `class:${localPathClassName}`;

export function newPersistentVolumeController(ctx: ControllerContext): Controller {
  const name = 'persistentvolume-binder-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const volumes = ctx.informers.informerFor<PersistentVolume>(volumesResource);
  const claims = ctx.informers.informerFor<PersistentVolumeClaim>(claimsResource);
  const classes = ctx.informers.informerFor<StorageClass>(classesResource);
  const root = ctx.settings.localPathRoot;

  /** Claims still looking for a volume: new supply (a volume, a class) may be what they wait for. */
  const enqueueUnboundClaims = (): void => {
    for (const c of claims.list()) if (!hasAnnotation(c, annBindCompleted)) queue.add(claimKey(c));
  };
  volumes.addEventHandler({
    onAdd: (pv) => {
      queue.add(volumeKey(pv.metadata?.name ?? ''));
      enqueueUnboundClaims();
    },
    onUpdate: (_old, pv) => {
      queue.add(volumeKey(pv.metadata?.name ?? ''));
      if (pv.status?.phase === 'Available') enqueueUnboundClaims();
    },
    // A bound claim whose volume is gone becomes Lost.
    onDelete: (pv) => {
      const ref = pv.spec?.claimRef;
      if (ref?.name) queue.add(`claim:${ref.namespace ?? ''}/${ref.name}`);
    },
  });
  claims.addEventHandler({
    onAdd: (c) => queue.add(claimKey(c)),
    onUpdate: (_old, c) => queue.add(claimKey(c)),
    // Its volume is released, whether the binding finished or the volume was only provisioned for it.
    onDelete: (c) => {
      for (const pv of volumes.list()) {
        const ref = pv.spec?.claimRef;
        if (pv.metadata?.name === c.spec?.volumeName || (ref?.name === c.metadata?.name && ref?.namespace === c.metadata?.namespace)) {
          queue.add(volumeKey(pv.metadata?.name ?? ''));
        }
      }
    },
  });
  classes.addEventHandler({ onAdd: enqueueUnboundClaims, onUpdate: enqueueUnboundClaims });
  // The controller-manager makes the local-path class when it starts (the worker runs once the caches are synced).
  queue.add(ensureClassKey);

  const emit = (obj: PersistentVolume | PersistentVolumeClaim, e: PlannedEvent | undefined): void => {
    if (e) recorder.event(obj, e.type, e.reason, e.message);
  };

  // ---- writes ----

  async function updateClaimStatus(claim: PersistentVolumeClaim, phase: string, pv?: PersistentVolume): Promise<PersistentVolumeClaim> {
    const status = claimStatusFor(claim, phase, pv);
    if (!status) return claim;
    return ctx.client.updateStatus<PersistentVolumeClaim>(claimsResource, claim.metadata?.namespace, { ...claim, status });
  }

  async function updateVolumePhase(pv: PersistentVolume, phase: string, message = ''): Promise<PersistentVolume> {
    const status = volumeStatusFor(pv, phase, message);
    if (!status) return pv;
    return ctx.client.updateStatus<PersistentVolume>(volumesResource, undefined, { ...pv, status });
  }

  /** Events only when the phase changes, not on every resync that finds it unchanged. */
  async function updateVolumePhaseWithEvent(pv: PersistentVolume, phase: string, e: PlannedEvent): Promise<PersistentVolume> {
    if (pv.status?.phase === phase) return pv;
    const updated = await updateVolumePhase(pv, phase, e.message);
    emit(updated, e);
    return updated;
  }

  /** kube's bind: volume first (claimRef, then phase), then the claim (volumeName, then status). */
  async function bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    let pv = volume;
    const boundVolume = volumeBoundTo(pv, claim);
    if (boundVolume) pv = await ctx.client.update<PersistentVolume>(volumesResource, undefined, boundVolume);
    pv = await updateVolumePhase(pv, 'Bound');
    let c = claim;
    const boundClaim = claimBoundTo(c, pv);
    if (boundClaim) c = await ctx.client.update<PersistentVolumeClaim>(claimsResource, c.metadata?.namespace, boundClaim);
    c = await updateClaimStatus(c, 'Bound', pv);
    if (boundClaim) logger.info({ claim: objectKey(c), volume: pv.metadata?.name }, 'bound claim to volume');
  }

  async function provision(claim: PersistentVolumeClaim, sc: StorageClass): Promise<void> {
    const plan = planProvisioning(claim, sc);
    if (plan.action === 'failed') {
      emit(claim, plan.event);
      return;
    }
    const provisioner = plan.action === 'external' ? plan.provisioner : sc.provisioner;
    let c = claim;
    const annotated = claimWithProvisioner(c, provisioner);
    if (annotated) c = await ctx.client.update<PersistentVolumeClaim>(claimsResource, c.metadata?.namespace, annotated);
    if (plan.action === 'external') {
      emit(c, plan.event);
      return;
    }
    // A previous sync may have made the volume already and the cache not show it yet: ask the apiserver.
    const pvName = provisionedVolumeName(c);
    if (volumes.getByName(undefined, pvName) || await getOrUndefined<PersistentVolume>(volumesResource, undefined, pvName)) return;
    try {
      await ctx.client.create<PersistentVolume>(volumesResource, undefined, provisionedVolume(c, sc, root));
    } catch (err) {
      if (isAlreadyExists(err)) return;
      emit(c, { type: 'Warning', reason: 'ProvisioningFailed', message: `Error creating provisioned PV object for claim ${objectKey(c)}: ${(err as Error).message}` });
      throw err;
    }
    logger.info({ claim: objectKey(c), volume: pvName }, 'provisioned volume');
    emit(c, plan.event);
  }

  async function getOrUndefined<T>(ri: ResourceRef, namespace: string | undefined, objName: string): Promise<T | undefined> {
    try {
      return await ctx.client.get<T>(ri, namespace, objName);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  // ---- syncs ----

  const world = (): ClaimWorld => ({
    volumes: volumes.list(),
    volume: (n) => volumes.getByName(undefined, n),
    storageClass: (n) => classes.getByName(undefined, n),
    defaultClass: defaultClassOf(classes.list()),
  });

  async function syncClaim(key: string): Promise<void> {
    const [namespace, claimName] = key.split('/');
    const claim = claims.getByName(namespace, claimName);
    if (!claim) return;
    const decision = planClaim(claim, world());
    switch (decision.action) {
      case 'bind':
        return bind(decision.volume, claim);
      case 'assignDefaultClass':
        // The update comes back through the informer and the claim is synced again, with its class.
        await ctx.client.update<PersistentVolumeClaim>(claimsResource, namespace, claimWithClass(claim, decision.className));
        return;
      case 'provision':
        return provision(claim, decision.storageClass);
      case 'pending':
        emit(claim, decision.event);
        await updateClaimStatus(claim, 'Pending');
        return;
      case 'lost':
        if (claim.status?.phase === 'Lost') return;
        emit(await updateClaimStatus(claim, 'Lost'), decision.event);
        return;
      case 'refuse':
        emit(claim, decision.event);
        throw new Error(decision.error);
    }
  }

  /** The claim a volume names, from the cache, double-checked with the apiserver before the volume is let go. */
  async function claimOf(pv: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
    const ref = pv.spec?.claimRef;
    if (!ref?.name) return undefined;
    const cached = claims.getByName(ref.namespace, ref.name);
    const phase = pv.status?.phase;
    // A claim the cache has not seen yet (a volume made by another binder) must not get its volume reclaimed.
    const doubtful = cached ? cached.metadata?.uid !== ref.uid : phase !== 'Released' && phase !== 'Failed';
    if (!doubtful) return cached;
    return getOrUndefined<PersistentVolumeClaim>(claimsResource, ref.namespace, ref.name);
  }

  async function syncVolume(volumeName: string): Promise<void> {
    const pv = volumes.getByName(undefined, volumeName);
    if (!pv) return;
    const claim = await claimOf(pv);
    const decision = planVolume(pv, claim);
    switch (decision.action) {
      case 'phase':
        await updateVolumePhase(pv, decision.phase);
        return;
      case 'syncClaim':
        // Provisioned volumes and the user's pre-bound ones: the claim's sync completes the binding.
        queue.add(`claim:${decision.claimKey}`);
        return;
      case 'mismatch':
        emit(pv, decision.volumeEvent);
        if (claim) emit(claim, decision.claimEvent);
        return;
      case 'unbind': {
        const updated = await ctx.client.update<PersistentVolume>(volumesResource, undefined, volumeUnbound(pv));
        await updateVolumePhase(updated, 'Available');
        return;
      }
      case 'reclaim': {
        // Failed stays Failed, so the user sees what went wrong while the reclaim is retried.
        const released = pv.status?.phase === 'Released' || pv.status?.phase === 'Failed' ? pv : await updateVolumePhase(pv, 'Released');
        return reclaim(released);
      }
    }
  }

  async function reclaim(pv: PersistentVolume): Promise<void> {
    const decision = planReclaim(pv, root);
    switch (decision.action) {
      case 'retain':
      case 'external':
        return;
      case 'fail':
        await updateVolumePhaseWithEvent(pv, 'Failed', { type: 'Warning', reason: decision.reason, message: decision.message });
        return;
      case 'delete':
        return deleteVolume(pv, decision.directory);
    }
  }

  /** kube's deleteVolumeOperation: re-read the volume, make sure it is still released, delete storage, then it. */
  async function deleteVolume(pv: PersistentVolume, directory: string): Promise<void> {
    const volumeName = pv.metadata?.name ?? '';
    const fresh = await getOrUndefined<PersistentVolume>(volumesResource, undefined, volumeName);
    if (!fresh) return;
    const ref = fresh.spec?.claimRef;
    if (!isVolumeReleased(fresh, ref?.name ? claims.getByName(ref.namespace, ref.name) : undefined)) return;
    try {
      await removeVolumeDirectory(root, directory);
    } catch (err) {
      await updateVolumePhaseWithEvent(fresh, 'Failed', { type: 'Warning', reason: 'VolumeFailedDelete', message: (err as Error).message });
      throw err;
    }
    try {
      await ctx.client.delete(volumesResource, undefined, volumeName, { preconditions: { uid: fresh.metadata?.uid } });
      logger.info({ volume: volumeName, directory }, 'deleted released volume');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function ensureLocalPathClass(): Promise<void> {
    if (classes.getByName(undefined, localPathClassName)) return;
    const otherDefault = defaultClassOf(classes.list()) !== undefined;
    try {
      await ctx.client.create<StorageClass>(classesResource, undefined, localPathStorageClass(otherDefault));
      logger.info({ storageClass: localPathClassName, default: !otherDefault }, 'created the local-path storage class');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  const sync = async (key: string): Promise<void> => {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon);
    const rest = key.slice(colon + 1);
    if (kind === 'claim') return syncClaim(rest);
    if (kind === 'volume') return syncVolume(rest);
    if (key === ensureClassKey) return ensureLocalPathClass();
  };

  return {
    name, queue,
    // kube runs one claim worker and one volume worker.
    workers: 2,
    // A conflict means the cache was behind; the newer object's event brings the key back.
    reconcile: skipConflicts(sync, isConflict),
    tick: {
      everyMs: resyncPeriodMs,
      run: () => {
        for (const c of claims.list()) queue.add(claimKey(c));
        for (const pv of volumes.list()) queue.add(volumeKey(pv.metadata?.name ?? ''));
      },
    },
  };
}
