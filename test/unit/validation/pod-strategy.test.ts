import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, Pod } from '../../../apiserver/api/types.ts';
import { podStrategy } from '../../../apiserver/registry/strategies/pod.ts';
import { describe } from './pod-fixtures.ts';

function asObject(pod: Pod): KubeObject {
  return pod as unknown as KubeObject;
}

function created(pod: Pod): Pod {
  const obj = asObject(pod);
  podStrategy.default!(obj);
  podStrategy.prepareForCreate!(obj);
  return pod;
}

function newPod(): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
  };
}

test('the pod strategy has a status subresource', () => {
  assert.equal(podStrategy.hasStatusSubresource, true);
});

test('create defaults the pod and replaces the status with Pending and the QoS class', () => {
  const pod = newPod();
  (pod as { status?: Pod['status'] }).status = { phase: 'Running', podIP: '1.2.3.4' };
  created(pod);
  assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal(pod.spec!.restartPolicy, 'Always');
  assert.deepEqual(pod.spec!.containers[0].resources!.requests, { cpu: '1', memory: '1Gi' });
  const errs = podStrategy.validate!(asObject(pod));
  assert.deepEqual(errs, [], describe(errs));
});

test('a gated pod is created with a SchedulingGated condition', () => {
  const pod = newPod();
  pod.spec!.schedulingGates = [{ name: 'example.com/quota' }];
  created(pod);
  assert.deepEqual(pod.status!.conditions, [{
    type: 'PodScheduled', status: 'False', reason: 'SchedulingGated',
    message: 'Scheduling is blocked due to non-empty scheduling gates',
  }]);
});

test('matchLabelKeys and mismatchLabelKeys become selector requirements at creation', () => {
  const pod = newPod();
  pod.spec!.affinity = {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{
        labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname',
        matchLabelKeys: ['tier'], mismatchLabelKeys: ['missing'],
      }],
    },
  };
  created(pod);
  const term = pod.spec!.affinity!.podAntiAffinity!.requiredDuringSchedulingIgnoredDuringExecution![0];
  assert.deepEqual(term.labelSelector!.matchExpressions, [{ key: 'tier', operator: 'In', values: ['front'] }]);
  assert.deepEqual(podStrategy.validate!(asObject(pod)), []);
});

test('a key both in matchLabelKeys and the selector is reported after the merge', () => {
  const pod = newPod();
  pod.spec!.affinity = {
    podAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{
        labelSelector: { matchLabels: { tier: 'front' } }, topologyKey: 'zone', matchLabelKeys: ['tier'],
      }],
    },
  };
  created(pod);
  const errs = podStrategy.validate!(asObject(pod));
  assert.ok(errs.some((e) => e.type === 'FieldValueInvalid' && e.detail === 'exists in both matchLabelKeys and labelSelector'), describe(errs));
});

test('an update of the pod keeps the stored status', () => {
  const old = created(newPod());
  (old as { status?: Pod['status'] }).status = { phase: 'Running', qosClass: 'Guaranteed', podIP: '10.244.0.5' };
  const update = structuredClone(old);
  (update as { status?: Pod['status'] }).status = { phase: 'Failed' };
  update.spec!.containers[0].image = 'nginx:1.27';
  podStrategy.default!(asObject(update));
  podStrategy.prepareForUpdate!(asObject(update), asObject(old));
  assert.deepEqual(update.status, old.status);
  assert.deepEqual(podStrategy.validateUpdate!(asObject(update), asObject(old)), []);
});

test('a status update keeps the stored spec and backfills a dropped QoS class', () => {
  const old = created(newPod());
  const update = structuredClone(old);
  update.spec!.containers[0].image = 'evil:latest';
  update.spec!.nodeName = 'elsewhere';
  (update as { status?: Pod['status'] }).status = { phase: 'Running', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] };
  podStrategy.prepareForStatusUpdate!(asObject(update), asObject(old));
  assert.deepEqual(update.spec, old.spec);
  assert.equal(update.status!.qosClass, 'Guaranteed');
  assert.equal(update.status!.phase, 'Running');
  assert.deepEqual(podStrategy.validateStatusUpdate!(asObject(update), asObject(old)), []);
});

test('a status update fills podIPs from podIP and podIP from podIPs, as the v1 conversion does', () => {
  const old = created(newPod());
  const oldKubelet = structuredClone(old);
  (oldKubelet as { status?: Pod['status'] }).status = { phase: 'Running', podIP: '10.244.0.5', hostIP: '192.168.0.2' };
  podStrategy.prepareForStatusUpdate!(asObject(oldKubelet), asObject(old));
  assert.deepEqual(oldKubelet.status!.podIPs, [{ ip: '10.244.0.5' }]);
  assert.deepEqual(oldKubelet.status!.hostIPs, [{ ip: '192.168.0.2' }]);
  const newKubelet = structuredClone(old);
  (newKubelet as { status?: Pod['status'] }).status = { phase: 'Running', podIPs: [{ ip: '10.244.0.6' }, { ip: 'fd00::6' }] };
  podStrategy.prepareForStatusUpdate!(asObject(newKubelet), asObject(old));
  assert.equal(newKubelet.status!.podIP, '10.244.0.6');
  assert.deepEqual(podStrategy.validateStatusUpdate!(asObject(newKubelet), asObject(old)), []);
});

test('validateUpdate refuses spec changes the pod cannot take', () => {
  const old = created(newPod());
  const update = structuredClone(old);
  update.spec!.restartPolicy = 'Never';
  const errs = podStrategy.validateUpdate!(asObject(update), asObject(old));
  assert.deepEqual(errs.map((e) => [e.type, e.field]), [['FieldValueForbidden', 'spec']]);
});
