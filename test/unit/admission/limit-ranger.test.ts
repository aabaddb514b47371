// LimitRanger: container defaults filled in with kube's annotation, min/max/ratio checks per Container and per Pod
// with kube's messages, claim storage bounds, and the plugin against a real store (revalidation, QoS, updates).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { admitLimitRanger } from '../../../apiserver/admission/limit-ranger.ts';
import {
  applyLimitRangeDefaults, claimLimitViolations, limitRangerAnnotation, podLimitViolations,
} from '../../../apiserver/admission/limit-range-rules.ts';
import { defaultLimitRange } from '../../../apiserver/api/defaults/core.ts';
import { defaultPod } from '../../../apiserver/api/defaults/pod.ts';
import { aggregateMessages, ApiError } from '../../../apiserver/api/errors.ts';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { LimitRange, PersistentVolumeClaim, Pod, StoredObject } from '../../../apiserver/api/types.ts';
import type { AdmissionAttributes } from '../../../apiserver/registry/registry.ts';
import { openTestStore, tempDir } from '../storage/store-fixtures.ts';

type Item = NonNullable<NonNullable<LimitRange['spec']>['limits']>[number];

/** As stored: with the LimitRange defaulting the apiserver applies (defaultRequest falls back to default). */
const limitRange = (...limits: Item[]): LimitRange => {
  const lr: LimitRange = { metadata: { name: 'limits', namespace: 'team' }, spec: { limits } };
  defaultLimitRange(lr);
  return lr;
};
const pod = (containers: NonNullable<Pod['spec']>['containers'], initContainers?: NonNullable<Pod['spec']>['initContainers']): Pod => ({
  metadata: { name: 'p', namespace: 'team' },
  spec: { containers, ...(initContainers ? { initContainers } : {}) },
});

describe('applyLimitRangeDefaults', () => {
  const lr = limitRange({ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } });

  it('fills what containers and init containers lack and says so in the annotation', () => {
    const p = pod([{ name: 'app', image: 'x' }], [{ name: 'init', image: 'x' }]);
    assert.equal(applyLimitRangeDefaults(lr, p), true);
    assert.deepEqual(p.spec!.containers[0].resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    assert.deepEqual(p.spec!.initContainers![0].resources, p.spec!.containers[0].resources);
    assert.equal(p.metadata!.annotations![limitRangerAnnotation],
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app; '
      + 'cpu, memory request for init container init; cpu, memory limit for init container init');
  });

  it('keeps what a container states; nothing to set, no annotation', () => {
    const p = pod([{ name: 'app', image: 'x', resources: { limits: { cpu: '1' }, requests: { cpu: '1' } } }]);
    applyLimitRangeDefaults(lr, p);
    assert.deepEqual(p.spec!.containers[0].resources, { limits: { cpu: '1', memory: '256Mi' }, requests: { cpu: '1', memory: '256Mi' } });
    assert.equal(p.metadata!.annotations![limitRangerAnnotation], 'LimitRanger plugin set: memory request for container app; memory limit for container app');
    const full = pod([{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }]);
    assert.equal(applyLimitRangeDefaults(lr, full), false);
    assert.equal(full.metadata!.annotations, undefined);
  });
});

describe('podLimitViolations', () => {
  it('Container max: the limit over it, in kube\'s words; several as one bracketed list', () => {
    const lr = limitRange({ type: 'Container', max: { cpu: '500m', memory: '1Gi' } });
    const cpu = podLimitViolations(lr, pod([{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }]));
    assert.deepEqual(cpu, ['maximum cpu usage per Container is 500m, but limit is 1']);
    assert.equal(aggregateMessages(cpu), 'maximum cpu usage per Container is 500m, but limit is 1');
    const both = podLimitViolations(lr, pod([{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '2Gi' } } }]));
    assert.equal(aggregateMessages(both), '[maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per Container is 1Gi, but limit is 2Gi]');
    assert.deepEqual(podLimitViolations(lr, pod([{ name: 'app', image: 'x' }])), [
      'maximum cpu usage per Container is 500m.  No limit is specified', 'maximum memory usage per Container is 1Gi.  No limit is specified',
    ]);
  });

  it('Container min and maxLimitRequestRatio', () => {
    const lr = limitRange({ type: 'Container', min: { memory: '64Mi' }, maxLimitRequestRatio: { cpu: '2' } });
    assert.deepEqual(podLimitViolations(lr, pod([{ name: 'app', image: 'x', resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1' } } }])), [
      'minimum memory usage per Container is 64Mi, but request is 32Mi',
      'cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000',
    ]);
    assert.deepEqual(podLimitViolations(lr, pod([{ name: 'app', image: 'x' }])), [
      'minimum memory usage per Container is 64Mi.  No request is specified',
      'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0',
    ]);
  });

  it('Pod max applies to the sum of the containers', () => {
    const lr = limitRange({ type: 'Pod', max: { cpu: '1500m' } });
    const c = (name: string) => ({ name, image: 'x', resources: { limits: { cpu: '1' }, requests: { cpu: '500m' } } });
    assert.deepEqual(podLimitViolations(lr, pod([c('a'), c('b')])), ['maximum cpu usage per Pod is 1500m, but limit is 2']);
    assert.deepEqual(podLimitViolations(lr, pod([c('a')])), []);
  });
});

describe('claimLimitViolations', () => {
  const lr = limitRange({ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '2Gi' } });
  const claim = (storage: string): PersistentVolumeClaim => ({ metadata: { name: 'c' }, spec: { resources: { requests: { storage } } } });
  it('requested storage between min and max', () => {
    assert.deepEqual(claimLimitViolations(lr, claim('5Gi')), ['maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi']);
    assert.deepEqual(claimLimitViolations(lr, claim('500Mi')), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi']);
    assert.deepEqual(claimLimitViolations(lr, claim('1Gi')), []);
  });
});

describe('admitLimitRanger', async () => {
  const dir = tempDir();
  const store = await openTestStore(dir.dbPath);
  after(async () => {
    await store.close();
    dir.remove();
  });
  const pods = resourceFor('', 'v1', 'pods')!;
  // As the registry hands pods to admission: defaulted and validated.
  const attrs = (p: Pod, operation: 'CREATE' | 'UPDATE' = 'CREATE'): AdmissionAttributes => {
    defaultPod(p);
    return {
      operation, ri: pods, namespace: 'team', name: p.metadata?.name ?? '', subresource: '', object: p as never,
      ...(operation === 'UPDATE' ? { oldObject: structuredClone(p) as never } : {}),
    };
  };
  await store.create('/registry/core/limitranges/team/limits', {
    apiVersion: 'v1', kind: 'LimitRange',
    metadata: { name: 'limits', namespace: 'team', uid: 'lr', resourceVersion: '', creationTimestamp: '2025-01-01T00:00:00Z' },
    ...limitRange({ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, max: { cpu: '1' } }),
  } as unknown as StoredObject);

  it('defaults a created pod and decides its QoS class again', async () => {
    const p = { ...pod([{ name: 'app', image: 'x' }]), status: { phase: 'Pending', qosClass: 'BestEffort' } };
    await admitLimitRanger(store, attrs(p));
    assert.deepEqual(p.spec!.containers[0].resources!.limits, { cpu: '500m', memory: '128Mi' });
    assert.equal(p.status.qosClass, 'Guaranteed');
  });

  it('a pod over the max is forbidden with kube\'s message', async () => {
    const p = pod([{ name: 'app', image: 'x', resources: { limits: { cpu: '2' }, requests: { cpu: '2' } } }]);
    await assert.rejects(admitLimitRanger(store, attrs(p)), (e: unknown) => e instanceof ApiError && e.code === 403
      && e.message === 'pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });

  it('a default limit under the request the pod states is invalid, as kube\'s validation after mutation finds', async () => {
    const p = pod([{ name: 'app', image: 'x', resources: { requests: { cpu: '800m' } } }]);
    await assert.rejects(admitLimitRanger(store, attrs(p)), (e: unknown) => e instanceof ApiError && e.code === 422
      && e.message === 'Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "800m": must be less than or equal to cpu limit of 500m');
  });

  it('pod updates are left alone', async () => {
    const p = pod([{ name: 'app', image: 'x' }]);
    await admitLimitRanger(store, attrs(p, 'UPDATE'));
    assert.equal(p.spec!.containers[0].resources, undefined);
  });
});
