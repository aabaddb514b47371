// The binder's decisions: which volume a claim gets, what claims and volumes do next, and the objects a binding
// writes. Plain objects in, decisions out; the integration test runs them against a real apiserver.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../../apiserver/api/types.ts';
import {
  annBindCompleted, annBoundByController, annDynamicallyProvisioned, checkVolumeSatisfyClaim, claimBoundTo,
  claimStatusFor, claimWithProvisioner, findBestMatchForClaim, isVolumeReleased, planClaim, planProvisioning,
  planReclaim, planVolume, volumeBoundTo, volumeStatusFor, volumeUnbound, type ClaimWorld,
} from '../../../controllers/persistentvolume-plan.ts';

function pv(name: string, size: string, opts: {
  modes?: string[]; cls?: string; phase?: string; labels?: Record<string, string>; mode?: string;
  claim?: { name: string; namespace?: string; uid?: string }; policy?: string; path?: string; annotations?: Record<string, string>;
} = {}): PersistentVolume {
  return {
    apiVersion: 'v1', kind: 'PersistentVolume',
    metadata: { name, uid: `uid-${name}`, labels: opts.labels, annotations: opts.annotations },
    spec: {
      capacity: { storage: size }, accessModes: opts.modes ?? ['ReadWriteOnce'], storageClassName: opts.cls,
      volumeMode: opts.mode ?? 'Filesystem', persistentVolumeReclaimPolicy: opts.policy ?? 'Retain',
      hostPath: { path: opts.path ?? `/srv/${name}` },
      ...(opts.claim ? { claimRef: { kind: 'PersistentVolumeClaim', namespace: opts.claim.namespace ?? 'default', name: opts.claim.name, uid: opts.claim.uid } } : {}),
    },
    status: { phase: opts.phase ?? 'Available' },
  };
}

function pvc(name: string, size: string, opts: {
  modes?: string[]; cls?: string; volumeName?: string; selector?: Record<string, string>; annotations?: Record<string, string>;
  mode?: string; status?: PersistentVolumeClaim['status'];
} = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations: opts.annotations },
    spec: {
      accessModes: opts.modes ?? ['ReadWriteOnce'], resources: { requests: { storage: size } },
      volumeMode: opts.mode ?? 'Filesystem',
      ...(opts.cls !== undefined ? { storageClassName: opts.cls } : {}),
      ...(opts.volumeName ? { volumeName: opts.volumeName } : {}),
      ...(opts.selector ? { selector: { matchLabels: opts.selector } } : {}),
    },
    status: opts.status ?? { phase: 'Pending' },
  };
}

const localPath: StorageClass = {
  metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'skiff.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
};

function world(volumes: PersistentVolume[], classes: StorageClass[] = [], defaultClass?: StorageClass): ClaimWorld {
  return {
    volumes,
    volume: (n) => volumes.find((v) => v.metadata?.name === n),
    storageClass: (n) => classes.find((c) => c.metadata?.name === n),
    defaultClass,
  };
}

const names = (v: PersistentVolume | undefined): string | undefined => v?.metadata?.name;

describe('findBestMatchForClaim', () => {
  it('takes the smallest Available volume that is big enough', () => {
    const volumes = [pv('big', '10Gi'), pv('small', '1Gi'), pv('right', '2Gi'), pv('fits', '5Gi')];
    assert.equal(names(findBestMatchForClaim(pvc('c', '2Gi'), volumes, false)), 'right');
    assert.equal(names(findBestMatchForClaim(pvc('c', '1500Mi'), volumes, false)), 'right');
    assert.equal(findBestMatchForClaim(pvc('c', '11Gi'), volumes, false), undefined);
  });

  it('needs every requested access mode, and prefers volumes with fewer extra modes over smaller ones', () => {
    const volumes = [pv('rwo-rwx-small', '1Gi', { modes: ['ReadWriteOnce', 'ReadWriteMany'] }), pv('rwo-big', '5Gi')];
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi'), volumes, false)), 'rwo-big');
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi', { modes: ['ReadWriteMany'] }), volumes, false)), 'rwo-rwx-small');
    assert.equal(findBestMatchForClaim(pvc('c', '1Gi', { modes: ['ReadOnlyMany'] }), volumes, false), undefined);
  });

  it('matches the storage class, the volume mode and the selector', () => {
    const volumes = [pv('fast', '1Gi', { cls: 'fast' }), pv('none', '2Gi'), pv('block', '1Gi', { mode: 'Block' }), pv('blue', '3Gi', { labels: { color: 'blue' } })];
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi', { cls: 'fast' }), volumes, false)), 'fast');
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi'), volumes, false)), 'none');
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi', { mode: 'Block' }), volumes, false)), 'block');
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi', { selector: { color: 'blue' } }), volumes, false)), 'blue');
  });

  it('skips volumes that are claimed, not yet Available, or being deleted', () => {
    const deleting = pv('deleting', '1Gi');
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' };
    const volumes = [pv('taken', '1Gi', { claim: { name: 'other', uid: 'x' } }), pv('new', '1Gi', { phase: 'Pending' }), pv('released', '1Gi', { phase: 'Released' }), deleting];
    assert.equal(findBestMatchForClaim(pvc('c', '1Gi'), volumes, false), undefined);
  });

  it('a volume pre-bound to the claim wins over a smaller free one, whatever its phase or class', () => {
    const volumes = [pv('free', '1Gi'), pv('mine', '5Gi', { claim: { name: 'c' }, phase: 'Pending', cls: 'other' })];
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi'), volumes, false)), 'mine');
    // ... but only if it is the claim with that uid once a uid is recorded.
    volumes[1].spec!.claimRef!.uid = 'uid-old';
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi'), volumes, false)), 'free');
  });

  it('leaves unbound volumes to the scheduler for WaitForFirstConsumer claims', () => {
    assert.equal(findBestMatchForClaim(pvc('c', '1Gi'), [pv('free', '1Gi')], true), undefined);
    assert.equal(names(findBestMatchForClaim(pvc('c', '1Gi'), [pv('mine', '1Gi', { claim: { name: 'c' } })], true)), 'mine');
  });
});

describe('planClaim: unbound claims', () => {
  it('binds to the best match', () => {
    const d = planClaim(pvc('c', '1Gi', { cls: '' }), world([pv('a', '3Gi'), pv('b', '2Gi')]));
    assert.equal(d.action, 'bind');
    assert.equal(d.action === 'bind' && d.volume.metadata?.name, 'b');
  });

  it('with nothing to bind and no class: Pending with kube\'s FailedBinding event', () => {
    const d = planClaim(pvc('c', '1Gi', { cls: '', modes: ['ReadWriteMany'] }), world([pv('rwo', '1Gi')]));
    assert.deepEqual(d, { action: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } });
  });

  it('a claim without a class gets the default class first (retroactive default)', () => {
    assert.deepEqual(planClaim(pvc('c', '1Gi'), world([], [localPath], localPath)), { action: 'assignDefaultClass', className: 'local-path' });
    // "" is a choice, not a missing class.
    assert.equal(planClaim(pvc('c', '1Gi', { cls: '' }), world([], [localPath], localPath)).action, 'pending');
  });

  it('provisions for a class, reports a class that does not exist, waits for WaitForFirstConsumer', () => {
    assert.deepEqual(planClaim(pvc('c', '1Gi', { cls: 'local-path' }), world([], [localPath])), { action: 'provision', storageClass: localPath });
    assert.deepEqual(planClaim(pvc('c', '1Gi', { cls: 'gold' }), world([], [localPath])),
      { action: 'pending', event: { type: 'Warning', reason: 'ProvisioningFailed', message: 'storageclass.storage.k8s.io "gold" not found' } });
    const late: StorageClass = { ...localPath, metadata: { name: 'late' }, volumeBindingMode: 'WaitForFirstConsumer' };
    const d = planClaim(pvc('c', '1Gi', { cls: 'late' }), world([pv('free', '1Gi', { cls: 'late' })], [late]));
    assert.equal(d.action === 'pending' && d.event?.reason, 'WaitForFirstConsumer');
  });

  it('a static volume that fits is used before provisioning', () => {
    const d = planClaim(pvc('c', '1Gi', { cls: 'local-path' }), world([pv('static', '1Gi', { cls: 'local-path' })], [localPath]));
    assert.equal(d.action === 'bind' && d.volume.metadata?.name, 'static');
  });
});

describe('planClaim: claims that name a volume', () => {
  it('binds to a free volume that satisfies it, and says why one does not', () => {
    assert.equal(planClaim(pvc('c', '1Gi', { cls: '', volumeName: 'v' }), world([pv('v', '1Gi')])).action, 'bind');
    const small = planClaim(pvc('c', '2Gi', { cls: '', volumeName: 'v' }), world([pv('v', '1Gi')]));
    assert.deepEqual(small, { action: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: 'Cannot bind to requested volume "v": requested PV is too small' } });
    assert.deepEqual(planClaim(pvc('c', '1Gi', { volumeName: 'missing' }), world([])), { action: 'pending' });
  });

  it('finishes a binding the volume already has, and waits for a volume someone else holds', () => {
    assert.equal(planClaim(pvc('c', '1Gi', { volumeName: 'v' }), world([pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' }, phase: 'Bound' })])).action, 'bind');
    const held = planClaim(pvc('c', '1Gi', { volumeName: 'v' }), world([pv('v', '1Gi', { claim: { name: 'other', uid: 'x' } })]));
    assert.deepEqual(held, { action: 'pending', event: { type: 'Warning', reason: 'FailedBinding', message: 'volume "v" already bound to a different claim.' } });
  });
});

describe('planClaim: bound claims', () => {
  const bound = (volumeName?: string): PersistentVolumeClaim => pvc('c', '1Gi', { volumeName, annotations: { [annBindCompleted]: 'yes' }, status: { phase: 'Bound' } });
  it('stay bound while their volume holds them', () => {
    assert.equal(planClaim(bound('v'), world([pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' }, phase: 'Bound' })])).action, 'bind');
  });
  it('are Lost when the volume is gone or belongs to another claim', () => {
    const gone = planClaim(bound('v'), world([]));
    assert.equal(gone.action === 'lost' && gone.event.message, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
    const misbound = planClaim(bound('v'), world([pv('v', '1Gi', { claim: { name: 'c', uid: 'someone-else' } })]));
    assert.equal(misbound.action === 'lost' && misbound.event.reason, 'ClaimMisbound');
    assert.equal(planClaim(bound(undefined), world([])).action, 'lost');
  });
});

describe('binding writes', () => {
  it('the volume gets claimRef with the uid and bound-by-controller', () => {
    const next = volumeBoundTo(pv('v', '1Gi'), pvc('c', '1Gi'));
    assert.deepEqual(next?.spec?.claimRef, { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', name: 'c', uid: 'uid-c', resourceVersion: undefined });
    assert.equal(next?.metadata?.annotations?.[annBoundByController], 'yes');
    assert.equal(volumeBoundTo(next!, pvc('c', '1Gi')), undefined, 'nothing left to write');
  });

  it('a volume the user pre-bound gets the uid but not bound-by-controller', () => {
    const next = volumeBoundTo(pv('v', '1Gi', { claim: { name: 'c' } }), pvc('c', '1Gi'));
    assert.equal(next?.spec?.claimRef?.uid, 'uid-c');
    assert.equal(next?.metadata?.annotations?.[annBoundByController], undefined);
  });

  it('the claim gets volumeName and kube\'s annotations; its status the volume\'s modes and capacity', () => {
    const volume = pv('v', '5Gi', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] });
    const claim = claimBoundTo(pvc('c', '1Gi'), volume)!;
    assert.equal(claim.spec?.volumeName, 'v');
    assert.deepEqual(claim.metadata?.annotations, { [annBoundByController]: 'yes', [annBindCompleted]: 'yes' });
    assert.equal(claimBoundTo(claim, volume), undefined);
    // A claim the user pointed at the volume is not marked bound-by-controller.
    assert.deepEqual(claimBoundTo(pvc('c', '1Gi', { volumeName: 'v' }), volume)?.metadata?.annotations, { [annBindCompleted]: 'yes' });
    assert.deepEqual(claimStatusFor(claim, 'Bound', volume), { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '5Gi' } });
    assert.equal(claimStatusFor({ ...claim, status: { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '5Gi' } } }, 'Bound', volume), undefined);
    assert.deepEqual(claimStatusFor({ ...claim, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '5Gi' } } }, 'Lost'), { phase: 'Lost' });
  });

  it('volume phases change only when they differ', () => {
    assert.deepEqual(volumeStatusFor(pv('v', '1Gi', { phase: 'Pending' }), 'Available'), { phase: 'Available' });
    assert.equal(volumeStatusFor(pv('v', '1Gi'), 'Available'), undefined);
    assert.deepEqual(volumeStatusFor(pv('v', '1Gi'), 'Failed', 'boom'), { phase: 'Failed', message: 'boom' });
  });

  it('unbinding removes the controller\'s binding and keeps a user\'s pre-binding without the uid', () => {
    const byController = volumeUnbound(pv('v', '1Gi', { claim: { name: 'c', uid: 'u' }, annotations: { [annBoundByController]: 'yes' } }));
    assert.equal(byController.spec?.claimRef, undefined);
    assert.equal(byController.metadata?.annotations, undefined);
    const byUser = volumeUnbound(pv('v', '1Gi', { claim: { name: 'c', uid: 'u' } }));
    assert.deepEqual([byUser.spec?.claimRef?.name, byUser.spec?.claimRef?.uid], ['c', undefined]);
  });
});

describe('planVolume', () => {
  const claim = pvc('c', '1Gi');
  it('unclaimed and pre-bound volumes are Available', () => {
    assert.deepEqual(planVolume(pv('v', '1Gi', { phase: 'Pending' }), undefined), { action: 'phase', phase: 'Available' });
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c' } }), claim), { action: 'phase', phase: 'Available' });
  });
  it('a volume whose claim is gone (or replaced by one of the same name) is reclaimed', () => {
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), undefined), { action: 'reclaim' });
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-old' } }), claim), { action: 'reclaim' });
  });
  it('is Bound when the claim points back, and hands an unfinished binding to the claim', () => {
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), { ...claim, spec: { ...claim.spec, volumeName: 'v' } }), { action: 'phase', phase: 'Bound' });
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), claim), { action: 'syncClaim', claimKey: 'default/c' });
    assert.equal(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' }, mode: 'Block' }), claim).action, 'mismatch');
  });
  it('when the claim went elsewhere: a volume provisioned for it is reclaimed, any other unbound', () => {
    const elsewhere = { ...claim, spec: { ...claim.spec, volumeName: 'other' } };
    const provisioned = pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' }, policy: 'Delete', annotations: { [annDynamicallyProvisioned]: 'skiff.io/local-path' } });
    assert.deepEqual(planVolume(provisioned, elsewhere), { action: 'reclaim' });
    assert.deepEqual(planVolume(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), elsewhere), { action: 'unbind' });
  });
  it('is released only when bound by uid to a claim that is gone or bound elsewhere', () => {
    assert.equal(isVolumeReleased(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), undefined), true);
    assert.equal(isVolumeReleased(pv('v', '1Gi', { claim: { name: 'c', uid: 'uid-c' } }), claim), false);
    assert.equal(isVolumeReleased(pv('v', '1Gi', { claim: { name: 'c' } }), undefined), false);
  });
});

describe('planReclaim', () => {
  const root = '/var/lib/skiff/local-path';
  const released = (policy: string, path: string, annotations?: Record<string, string>): PersistentVolume =>
    pv('v', '1Gi', { policy, path, annotations, claim: { name: 'c', uid: 'u' }, phase: 'Released' });
  it('Retain keeps the volume', () => {
    assert.deepEqual(planReclaim(released('Retain', `${root}/pvc-1`), root), { action: 'retain' });
  });
  it('Delete removes a directory under the local-path root, and refuses anything else', () => {
    assert.deepEqual(planReclaim(released('Delete', `${root}/pvc-1_default_c`), root), { action: 'delete', directory: `${root}/pvc-1_default_c` });
    const outside = planReclaim(released('Delete', '/home/me'), root);
    assert.equal(outside.action === 'fail' && outside.reason, 'VolumeFailedDelete');
    assert.equal(planReclaim(released('Delete', root), root).action, 'fail', 'the root itself is not a volume');
    assert.equal(planReclaim(released('Delete', `${root}-other/x`), root).action, 'fail', 'a sibling with the same prefix is outside');
  });
  it('leaves external provisioners\' volumes to them; Recycle and unknown policies fail', () => {
    assert.deepEqual(planReclaim(released('Delete', '/x', { [annDynamicallyProvisioned]: 'example.com/nas' }), root), { action: 'external' });
    assert.equal(planReclaim(released('Recycle', `${root}/x`), root).action, 'fail');
    const unknown = planReclaim(released('Shred', `${root}/x`), root);
    assert.equal(unknown.action === 'fail' && unknown.reason, 'VolumeUnknownReclaimPolicy');
  });
});

describe('planProvisioning', () => {
  it('local-path makes a volume named after the claim\'s uid', () => {
    const d = planProvisioning(pvc('c', '1Gi', { cls: 'local-path' }), localPath);
    assert.deepEqual(d, { action: 'create', event: { type: 'Normal', reason: 'ProvisioningSucceeded', message: 'Successfully provisioned volume pvc-uid-c using skiff.io/local-path' } });
  });
  it('refuses what a directory cannot be', () => {
    const d = planProvisioning(pvc('c', '1Gi', { cls: 'local-path', selector: { a: 'b' } }), localPath);
    assert.equal(d.action === 'failed' && d.event.message, 'Failed to provision volume with StorageClass "local-path": claim.Spec.Selector is not supported for dynamic provisioning');
  });
  it('waits for external provisioners; kubernetes.io plugins do not exist here', () => {
    const nas: StorageClass = { metadata: { name: 'nas' }, provisioner: 'example.com/nas' };
    const d = planProvisioning(pvc('c', '1Gi', { cls: 'nas' }), nas);
    assert.equal(d.action === 'external' && d.event.reason, 'ExternalProvisioning');
    const none: StorageClass = { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner' };
    const failed = planProvisioning(pvc('c', '1Gi', { cls: 'manual' }), none);
    assert.equal(failed.action === 'failed' && failed.event.message, 'no volume plugin matched name: kubernetes.io/no-provisioner');
  });
  it('annotates the claim with its provisioner once', () => {
    const annotated = claimWithProvisioner(pvc('c', '1Gi'), 'skiff.io/local-path')!;
    assert.equal(annotated.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner'], 'skiff.io/local-path');
    assert.equal(annotated.metadata?.annotations?.['volume.beta.kubernetes.io/storage-provisioner'], 'skiff.io/local-path');
    assert.equal(claimWithProvisioner(annotated, 'skiff.io/local-path'), undefined);
  });
});

describe('checkVolumeSatisfyClaim', () => {
  it('names the first reason in kube\'s order', () => {
    assert.equal(checkVolumeSatisfyClaim(pv('v', '1Gi', { cls: 'a' }), pvc('c', '1Gi', { cls: 'b' })), 'storageClassName does not match');
    assert.equal(checkVolumeSatisfyClaim(pv('v', '1Gi'), pvc('c', '1Gi', { modes: ['ReadWriteMany'] })), 'incompatible accessMode');
    assert.equal(checkVolumeSatisfyClaim(pv('v', '1Gi', { mode: 'Block' }), pvc('c', '1Gi')), 'incompatible volumeMode');
    assert.equal(checkVolumeSatisfyClaim(pv('v', '1Gi'), pvc('c', '1Gi')), undefined);
  });
});
