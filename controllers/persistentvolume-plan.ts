// The decisions of persistentvolume-binder-controller (kube's pkg/controller/volume/persistentvolume), as pure
// functions of a claim or a volume and what the informer caches hold: which volume a claim binds to, what a
// volume's phase is, what reclaiming it means, and the objects a binding writes. persistentvolume.ts does the I/O.
import { selectorFromLabelSelector, matchesSelector } from '../apiserver/api/labels.ts';
import { compareQuantity, parseQuantity, type Quantity } from '../apiserver/api/quantity.ts';
import { claimClass, claimHasClass, volumeClass } from '../apiserver/api/storage-class.ts';
import type { ObjectMeta, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../apiserver/api/types.ts';
import {
  annBoundByController, annDynamicallyProvisioned, claimReference, isUnderRoot, localPathProvisioner,
  provisionedVolumeName, provisioningError,
} from './local-path-provisioner.ts';

export { annBoundByController, annDynamicallyProvisioned } from './local-path-provisioner.ts';
/** On a claim: the binder has seen it through binding once; from then on it is Bound or Lost, never Pending. */
export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
/** On a claim: which provisioner is to make its volume (external provisioners watch for their name here). */
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a claim: the node the scheduler chose, which starts provisioning of WaitForFirstConsumer classes. */
export const annSelectedNode = 'volume.kubernetes.io/selected-node';

type ClaimStatus = NonNullable<PersistentVolumeClaim['status']>;
type VolumeStatus = NonNullable<PersistentVolume['status']>;

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

// ---- matching ----------------------------------------------------------------------------------------------

const accessModeOrder: [mode: string, short: string][] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** kube's index key for a set of access modes: `RWO,ROX`, each mode once, in a fixed order. */
function accessModesKey(modes: readonly string[] | undefined): string {
  const present = new Set(modes ?? []);
  return accessModeOrder.filter(([m]) => present.has(m)).map(([, s]) => s).join(',');
}

export function containsAllAccessModes(have: readonly string[] | undefined, want: readonly string[] | undefined): boolean {
  const set = new Set(have ?? []);
  return (want ?? []).every((m) => set.has(m));
}

function storageOf(resources: Record<string, string | number> | undefined): Quantity {
  return parseQuantity(resources?.storage ?? 0);
}

/** A claim and a volume must agree on Filesystem/Block; unset means Filesystem on both sides. */
export function volumeModeMismatch(claim: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  return (claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');
}

/** The volume names this claim in claimRef: by namespace and name, and by uid once the uid is recorded. */
export function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/**
 * kube's FindMatchingVolume within one access-mode group: a volume already bound (or pre-bound) to the claim
 * wins outright; otherwise the smallest Available volume that is big enough, of the claim's class and volume
 * mode, and chosen by its selector. Volumes of WaitForFirstConsumer classes are left to the scheduler.
 */
function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], delayBinding: boolean): PersistentVolume | undefined {
  const requested = storageOf(claim.spec?.resources?.requests);
  const requestedClass = claimClass(claim);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  let smallest: { pv: PersistentVolume; size: Quantity } | undefined;
  for (const pv of volumes) {
    if (pv.spec?.claimRef && !isVolumeBoundToClaim(pv, claim)) continue;
    const size = storageOf(pv.spec?.capacity);
    if (compareQuantity(size, requested) < 0) continue;
    if (volumeModeMismatch(claim, pv)) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(pv, claim)) return pv;
    if (delayBinding) continue;
    // Volumes not yet Available are skipped: their own sync makes them Available first, and binding one now
    // would race it.
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !matchesSelector(selector, pv.metadata?.labels)) continue;
    if (volumeClass(pv) !== requestedClass) continue;
    if (!smallest || compareQuantity(smallest.size, size) > 0) smallest = { pv, size };
  }
  return smallest?.pv;
}

/**
 * The volume a claim binds to (kube's findBestMatchForClaim). Volumes are grouped by their set of access modes;
 * only groups offering every mode the claim asks for are searched, fewest modes first, so a claim for RWO gets an
 * RWO volume before an RWO+RWX one even when the latter is smaller.
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[],
  delayBinding: boolean): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>();
  const byName = [...volumes].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const pv of byName) {
    const key = accessModesKey(pv.spec?.accessModes);
    groups.set(key, [...(groups.get(key) ?? []), pv]);
  }
  const eligible = [...groups.entries()]
    .filter(([, group]) => containsAllAccessModes(group[0].spec?.accessModes, claim.spec?.accessModes))
    .sort(([a], [b]) => (a === '' ? 0 : a.split(',').length) - (b === '' ? 0 : b.split(',').length) || (a < b ? -1 : 1));
  for (const [, group] of eligible) {
    const match = findMatchingVolume(claim, group, delayBinding);
    if (match) return match;
  }
  return undefined;
}

/** Why a volume the user named in spec.volumeName cannot serve the claim (kube's checkVolumeSatisfyClaim). */
export function checkVolumeSatisfyClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (pv.metadata?.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name ?? ''}"`;
  if (compareQuantity(storageOf(pv.spec?.capacity), storageOf(claim.spec?.resources?.requests)) < 0) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, pv)) return 'incompatible volumeMode';
  if (!containsAllAccessModes(pv.spec?.accessModes, claim.spec?.accessModes)) return 'incompatible accessMode';
  return undefined;
}

// ---- claims ------------------------------------------------------------------------------------------------

export interface ClaimWorld {
  volumes: readonly PersistentVolume[];
  volume(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  defaultClass: StorageClass | undefined;
}

export type ClaimDecision =
  | { action: 'bind'; volume: PersistentVolume }
  /** Retroactive default class: a claim created before any default existed gets one now. */
  | { action: 'assignDefaultClass'; className: string }
  | { action: 'provision'; storageClass: StorageClass }
  | { action: 'pending'; event?: PlannedEvent }
  | { action: 'lost'; event: PlannedEvent }
  /** The claim is bound to a volume another claim holds by the controller's own doing: an error, retried. */
  | { action: 'refuse'; event: PlannedEvent; error: string };

export function hasAnnotation(obj: { metadata?: { annotations?: Record<string, string> } }, key: string): boolean {
  return Object.hasOwn(obj.metadata?.annotations ?? {}, key);
}

/** syncClaim: claims not yet through binding look for a volume; bound ones check their volume still holds them. */
export function planClaim(claim: PersistentVolumeClaim, world: ClaimWorld): ClaimDecision {
  return hasAnnotation(claim, annBindCompleted) ? planBoundClaim(claim, world) : planUnboundClaim(claim, world);
}

function planUnboundClaim(claim: PersistentVolumeClaim, world: ClaimWorld): ClaimDecision {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    const className = claimClass(claim);
    const sc = className ? world.storageClass(className) : undefined;
    const delayBinding = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const volume = findBestMatchForClaim(claim, world.volumes, delayBinding);
    if (volume) return { action: 'bind', volume };
    if (!claimHasClass(claim) && world.defaultClass?.metadata?.name) {
      return { action: 'assignDefaultClass', className: world.defaultClass.metadata.name };
    }
    if (delayBinding && !hasAnnotation(claim, annSelectedNode)) {
      return { action: 'pending', event: { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' } };
    }
    if (className) {
      if (!sc) return { action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message: `storageclass.storage.k8s.io "${className}" not found` } };
      return { action: 'provision', storageClass: sc };
    }
    return { action: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } };
  }
  // The user asked for a specific volume.
  const volume = world.volume(volumeName);
  if (!volume) return { action: 'pending' };
  if (!volume.spec?.claimRef) {
    const mismatch = checkVolumeSatisfyClaim(volume, claim);
    if (mismatch) {
      return { action: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind to requested volume "${volumeName}": ${mismatch}` } };
    }
    return { action: 'bind', volume };
  }
  if (isVolumeBoundToClaim(volume, claim)) return { action: 'bind', volume };
  const event: PlannedEvent = { type: 'Warning', reason: 'FailedBinding', message: `volume "${volumeName}" already bound to a different claim.` };
  // The user pre-bound the claim to a volume someone else has: wait for it to be free.
  if (!hasAnnotation(claim, annBoundByController)) return { action: 'pending', event };
  const ref = volume.spec.claimRef;
  return { action: 'refuse', event, error: `invalid binding of claim "${keyOf(claim)}" to volume "${volumeName}": volume already claimed by "${ref.namespace ?? ''}/${ref.name ?? ''}"` };
}

function planBoundClaim(claim: PersistentVolumeClaim, world: ClaimWorld): ClaimDecision {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) {
    return { action: 'lost', event: { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' } };
  }
  const volume = world.volume(volumeName);
  if (!volume) {
    return { action: 'lost', event: { type: 'Warning', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' } };
  }
  // The volume came unbound, or its binding has not reached the cache yet: binding again is harmless either way.
  if (!volume.spec?.claimRef || volume.spec.claimRef.uid === claim.metadata?.uid) return { action: 'bind', volume };
  return { action: 'lost', event: { type: 'Warning', reason: 'ClaimMisbound', message: 'Two claims are bound to the same volume, this one is bound incorrectly' } };
}

function keyOf(claim: PersistentVolumeClaim): string {
  return `${claim.metadata?.namespace ?? ''}/${claim.metadata?.name ?? ''}`;
}

// ---- provisioning ------------------------------------------------------------------------------------------

export type ProvisionDecision =
  /** Make the local-path volume (provisionedVolume) for the claim. */
  | { action: 'create'; event: PlannedEvent }
  /** Another program provisions this class: say so on the claim and wait for its volume. */
  | { action: 'external'; provisioner: string; event: PlannedEvent }
  | { action: 'failed'; event: PlannedEvent };

export function planProvisioning(claim: PersistentVolumeClaim, sc: StorageClass): ProvisionDecision {
  const provisioner = sc.provisioner ?? '';
  const className = sc.metadata?.name ?? '';
  if (provisioner === localPathProvisioner) {
    const refusal = provisioningError(claim, sc);
    if (refusal) {
      return { action: 'failed', event: { type: 'Warning', reason: 'ProvisioningFailed', message: `Failed to provision volume with StorageClass "${className}": ${refusal}` } };
    }
    return {
      action: 'create',
      event: { type: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${provisionedVolumeName(claim)} using ${localPathProvisioner}` },
    };
  }
  // kubernetes.io/ names kube's in-tree plugins, none of which Skiff has (kubernetes.io/no-provisioner included).
  if (provisioner.startsWith('kubernetes.io/')) {
    return { action: 'failed', event: { type: 'Warning', reason: 'ProvisioningFailed', message: `no volume plugin matched name: ${provisioner}` } };
  }
  return {
    action: 'external', provisioner,
    event: {
      type: 'Normal', reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    },
  };
}

/** The claim with the provisioner annotations set, or undefined when they already are. */
export function claimWithProvisioner(claim: PersistentVolumeClaim, provisioner: string): PersistentVolumeClaim | undefined {
  const annotations = claim.metadata?.annotations ?? {};
  if (annotations[annStorageProvisioner] === provisioner && annotations[annBetaStorageProvisioner] === provisioner) return undefined;
  return {
    ...claim,
    metadata: { ...claim.metadata, annotations: { ...annotations, [annStorageProvisioner]: provisioner, [annBetaStorageProvisioner]: provisioner } },
  };
}

export function claimWithClass(claim: PersistentVolumeClaim, className: string): PersistentVolumeClaim {
  return { ...claim, spec: { ...claim.spec, storageClassName: className } };
}

// ---- binding -----------------------------------------------------------------------------------------------

/**
 * The volume with claimRef pointing at the claim (uid included), or undefined when it already does. A volume the
 * user had not pre-bound to this claim is marked bound-by-controller, which lets the binder undo its own binding.
 */
export function volumeBoundTo(pv: PersistentVolume, claim: PersistentVolumeClaim): PersistentVolume | undefined {
  const ref = pv.spec?.claimRef;
  const m = claim.metadata ?? {};
  const refCurrent = ref !== undefined && ref.name === m.name && ref.namespace === m.namespace && ref.uid === m.uid;
  const markController = !isVolumeBoundToClaim(pv, claim) && !hasAnnotation(pv, annBoundByController);
  if (refCurrent && !markController) return undefined;
  const next: PersistentVolume = { ...pv, spec: { ...pv.spec, claimRef: refCurrent ? ref : claimReference(claim) } };
  if (markController) next.metadata = { ...pv.metadata, annotations: { ...pv.metadata?.annotations, [annBoundByController]: 'yes' } };
  return next;
}

/** The claim with spec.volumeName and the binding annotations, or undefined when it has them. */
export function claimBoundTo(claim: PersistentVolumeClaim, pv: PersistentVolume): PersistentVolumeClaim | undefined {
  const name = pv.metadata?.name ?? '';
  const annotations = { ...claim.metadata?.annotations };
  let dirty = false;
  let spec = claim.spec;
  if (claim.spec?.volumeName !== name) {
    spec = { ...claim.spec, volumeName: name };
    annotations[annBoundByController] ??= 'yes';
    dirty = true;
  }
  if (!Object.hasOwn(annotations, annBindCompleted)) {
    annotations[annBindCompleted] = 'yes';
    dirty = true;
  }
  return dirty ? { ...claim, spec, metadata: { ...claim.metadata, annotations } } : undefined;
}

/**
 * The claim's next status (kube's updateClaimStatus), or undefined when it already is that. Bound copies the
 * volume's access modes, and its capacity when the claim becomes Bound (later differences are resizes in flight).
 */
export function claimStatusFor(claim: PersistentVolumeClaim, phase: string, pv?: PersistentVolume): ClaimStatus | undefined {
  const current = claim.status ?? {};
  const next: ClaimStatus = { ...current, phase };
  let dirty = current.phase !== phase;
  if (!pv) {
    if (current.accessModes !== undefined) { delete next.accessModes; dirty = true; }
    if (current.capacity !== undefined) { delete next.capacity; dirty = true; }
  } else {
    if (JSON.stringify(current.accessModes ?? null) !== JSON.stringify(pv.spec?.accessModes ?? null)) {
      next.accessModes = [...(pv.spec?.accessModes ?? [])];
      dirty = true;
    }
    if (current.phase !== phase) {
      const claimCapacity = current.capacity?.storage;
      if (claimCapacity === undefined || compareQuantity(storageOf(pv.spec?.capacity), parseQuantity(claimCapacity)) !== 0) {
        next.capacity = { ...pv.spec?.capacity };
        dirty = true;
      }
    }
  }
  return dirty ? next : undefined;
}

/** The volume with a new phase (and message cleared or set), or undefined when it already has that phase. */
export function volumeStatusFor(pv: PersistentVolume, phase: string, message = ''): VolumeStatus | undefined {
  if (pv.status?.phase === phase) return undefined;
  const next: VolumeStatus = { ...pv.status, phase };
  if (message) next.message = message;
  else delete next.message;
  return next;
}

/**
 * Undoes a binding (kube's unbindVolume): a binding the controller made is removed entirely; a user's pre-binding
 * keeps the claim's name and loses only the uid, so the volume waits for that claim again.
 */
export function volumeUnbound(pv: PersistentVolume): PersistentVolume {
  if (hasAnnotation(pv, annBoundByController)) {
    const annotations = { ...pv.metadata?.annotations };
    delete annotations[annBoundByController];
    const spec = { ...pv.spec };
    delete spec.claimRef;
    const metadata: ObjectMeta = { ...pv.metadata, annotations };
    // No annotations at all reads better than an empty map.
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
    return { ...pv, metadata, spec };
  }
  const ref = { ...pv.spec?.claimRef };
  delete ref.uid;
  return { ...pv, spec: { ...pv.spec, claimRef: ref } };
}

// ---- volumes -----------------------------------------------------------------------------------------------

export type VolumeDecision =
  | { action: 'phase'; phase: 'Available' | 'Bound' }
  /** The claim is gone (or bound elsewhere, for a provisioned volume): Released, then the reclaim policy. */
  | { action: 'reclaim' }
  /** The claim has not recorded the binding yet: its own sync finishes it. */
  | { action: 'syncClaim'; claimKey: string }
  | { action: 'mismatch'; volumeEvent: PlannedEvent; claimEvent: PlannedEvent }
  | { action: 'unbind' };

/** syncVolume. `claim` is the claim claimRef names, as the caches (or the apiserver) have it; undefined if gone. */
export function planVolume(pv: PersistentVolume, claim: PersistentVolumeClaim | undefined): VolumeDecision {
  const ref = pv.spec?.claimRef;
  // Unused, or reserved for a claim that has not bound yet.
  if (!ref || !ref.uid) return { action: 'phase', phase: 'Available' };
  if (!claim || claim.metadata?.uid !== ref.uid) return { action: 'reclaim' };
  const claimVolume = claim.spec?.volumeName;
  if (!claimVolume) {
    if (volumeModeMismatch(claim, pv)) {
      return {
        action: 'mismatch',
        volumeEvent: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata?.name ?? ''}" due to incompatible volumeMode.` },
        claimEvent: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume "${pv.metadata?.name ?? ''}" to requested PersistentVolumeClaim due to incompatible volumeMode.` },
      };
    }
    return { action: 'syncClaim', claimKey: keyOf(claim) };
  }
  if (claimVolume === pv.metadata?.name) return { action: 'phase', phase: 'Bound' };
  // The claim went to another volume. A volume provisioned for it is not needed; any other is freed.
  if (hasAnnotation(pv, annDynamicallyProvisioned) && pv.spec?.persistentVolumeReclaimPolicy === 'Delete') return { action: 'reclaim' };
  return { action: 'unbind' };
}

/** Whether a volume may be reclaimed now (kube's isVolumeReleased): bound by uid to a claim that is gone or elsewhere. */
export function isVolumeReleased(pv: PersistentVolume, claim: PersistentVolumeClaim | undefined): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref?.uid) return false;
  if (claim && claim.metadata?.uid === ref.uid) return Boolean(claim.spec?.volumeName) && claim.spec?.volumeName !== pv.metadata?.name;
  return true;
}

export type ReclaimDecision =
  | { action: 'retain' }
  /** Remove the volume's directory (under the local-path root), then the volume object. */
  | { action: 'delete'; directory: string }
  /** Another program's volume: its deleter removes the storage and the object. */
  | { action: 'external' }
  | { action: 'fail'; reason: string; message: string };

/**
 * What the reclaim policy means for this volume. Skiff can delete only hostPath directories under its local-path
 * root (kube's hostPath deleter likewise refuses anything outside /tmp); everything else it would have to leave
 * behind, so the volume goes Failed and the data stays, as kube does for a volume no deleter plugin handles.
 */
export function planReclaim(pv: PersistentVolume, localPathRoot: string): ReclaimDecision {
  const policy = pv.spec?.persistentVolumeReclaimPolicy;
  switch (policy) {
    case 'Retain':
      return { action: 'retain' };
    case 'Recycle':
      return { action: 'fail', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' };
    case 'Delete': {
      const provisionedBy = pv.metadata?.annotations?.[annDynamicallyProvisioned];
      if (provisionedBy && provisionedBy !== localPathProvisioner && !provisionedBy.startsWith('kubernetes.io/')) return { action: 'external' };
      const dir = pv.spec?.hostPath?.path;
      if (dir === undefined) {
        return { action: 'fail', reason: 'VolumeFailedDelete', message: `error getting deleter volume plugin for volume "${pv.metadata?.name ?? ''}": no deletable volume plugin matched` };
      }
      if (!isUnderRoot(localPathRoot, dir)) {
        return { action: 'fail', reason: 'VolumeFailedDelete', message: `host_path deleter only supports ${localPathRoot}/.+ but received provided ${dir}` };
      }
      return { action: 'delete', directory: dir };
    }
    default:
      return { action: 'fail', reason: 'VolumeUnknownReclaimPolicy', message: 'Volume has unrecognized PersistentVolumeReclaimPolicy' };
  }
}
