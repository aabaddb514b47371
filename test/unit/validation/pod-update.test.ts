import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../../apiserver/api/types.ts';
import { validatePodStatusUpdate } from '../../../apiserver/api/validation/pod-status.ts';
import { validatePodUpdate } from '../../../apiserver/api/validation/pod-update.ts';
import { describe, validPod } from './pod-fixtures.ts';

function pair(): { old: Pod; pod: Pod } {
  const old = validPod();
  return { old, pod: structuredClone(old) };
}

test('an unchanged pod, or one with only new images, may be updated', () => {
  const { old, pod } = pair();
  assert.deepEqual(validatePodUpdate(pod, old), []);
  pod.spec!.containers[0].image = 'nginx:1.27';
  pod.spec!.initContainers![0].image = 'busybox:1.37';
  pod.metadata!.labels = { app: 'web', tier: 'front' };
  assert.deepEqual(validatePodUpdate(pod, old), []);
});

test('any other spec change is forbidden at spec, with the fields that may change and what differs', () => {
  const { old, pod } = pair();
  pod.spec!.containers[0].env![0].value = 'dev';
  const errs = validatePodUpdate(pod, old);
  assert.equal(errs.length, 1, describe(errs));
  assert.equal(errs[0].type, 'FieldValueForbidden');
  assert.equal(errs[0].field, 'spec');
  assert.ok(errs[0].detail!.startsWith('pod updates may not change fields other than `spec.containers[*].image`,'), errs[0].detail);
  assert.ok(errs[0].detail!.includes('spec.containers[0].env[0].value: "prod" -> "dev"'), errs[0].detail);
});

test('empty and missing fields compare equal, as in Kubernetes', () => {
  const { old, pod } = pair();
  pod.spec!.containers[0].args = [];
  pod.spec!.nodeSelector = { ...old.spec!.nodeSelector };
  assert.deepEqual(validatePodUpdate(pod, old), []);
});

test('containers may not be added or removed', () => {
  const { old, pod } = pair();
  pod.spec!.containers.push({ name: 'extra', image: 'e:1' });
  assert.deepEqual(validatePodUpdate(pod, old).map((e) => [e.type, e.field]), [['FieldValueForbidden', 'spec.containers']]);
  const second = pair();
  second.pod.spec!.initContainers!.pop();
  assert.deepEqual(validatePodUpdate(second.pod, second.old).map((e) => [e.type, e.field]), [['FieldValueForbidden', 'spec.initContainers']]);
});

test('activeDeadlineSeconds may be lowered but not raised or removed', () => {
  const lower = pair();
  lower.pod.spec!.activeDeadlineSeconds = 60;
  assert.deepEqual(validatePodUpdate(lower.pod, lower.old), []);
  const raise = pair();
  raise.pod.spec!.activeDeadlineSeconds = 7200;
  const raised = validatePodUpdate(raise.pod, raise.old);
  assert.deepEqual(raised.map((e) => [e.type, e.field, e.detail]), [['FieldValueInvalid', 'spec.activeDeadlineSeconds', 'must be less than or equal to previous value']]);
  const remove = pair();
  delete remove.pod.spec!.activeDeadlineSeconds;
  const removed = validatePodUpdate(remove.pod, remove.old);
  assert.deepEqual(removed.map((e) => [e.type, e.field, e.detail]), [['FieldValueInvalid', 'spec.activeDeadlineSeconds', 'must not update from a positive integer to nil value']]);
  const set = pair();
  delete set.old.spec!.activeDeadlineSeconds;
  delete set.pod.spec!.activeDeadlineSeconds;
  set.pod.spec!.activeDeadlineSeconds = 10;
  assert.deepEqual(validatePodUpdate(set.pod, set.old), []);
});

test('tolerations may be added, and only tolerationSeconds of existing ones changed', () => {
  const add = pair();
  add.pod.spec!.tolerations!.push({ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' });
  add.pod.spec!.tolerations![0].tolerationSeconds = 60;
  assert.deepEqual(validatePodUpdate(add.pod, add.old), []);
  const change = pair();
  change.pod.spec!.tolerations![1].value = 'api';
  const errs = validatePodUpdate(change.pod, change.old);
  assert.deepEqual(errs.map((e) => [e.type, e.field]), [['FieldValueForbidden', 'spec.tolerations']], describe(errs));
});

test('scheduling gates may be removed, not added', () => {
  const { old, pod } = pair();
  old.spec!.schedulingGates = [{ name: 'example.com/a' }, { name: 'example.com/b' }];
  pod.spec!.schedulingGates = [{ name: 'example.com/b' }];
  assert.deepEqual(validatePodUpdate(pod, old), []);
  pod.spec!.schedulingGates = [{ name: 'example.com/b' }, { name: 'example.com/c' }];
  assert.deepEqual(validatePodUpdate(pod, old).map((e) => [e.type, e.field]), [['FieldValueForbidden', 'spec.schedulingGates[1].name']]);
});

test('a gated pod may gain node constraints but not lose or change them', () => {
  const { old, pod } = pair();
  old.spec!.schedulingGates = [{ name: 'example.com/a' }];
  pod.spec!.schedulingGates = [{ name: 'example.com/a' }];
  pod.spec!.nodeSelector = { ...old.spec!.nodeSelector, disk: 'ssd' };
  pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions!.push({ key: 'gpu', operator: 'Exists' });
  assert.deepEqual(validatePodUpdate(pod, old), [], describe(validatePodUpdate(pod, old)));
  pod.spec!.nodeSelector = { disk: 'ssd' };
  const errs = validatePodUpdate(pod, old);
  assert.deepEqual(errs.map((e) => [e.type, e.field]), [['FieldValueInvalid', 'spec.nodeSelector']], describe(errs));
  const ungated = pair();
  ungated.pod.spec!.nodeSelector = { ...ungated.old.spec!.nodeSelector, disk: 'ssd' };
  assert.deepEqual(validatePodUpdate(ungated.pod, ungated.old).map((e) => e.field), ['spec']);
});

test('a negative grace period may be corrected to 1, nothing else', () => {
  const { old, pod } = pair();
  old.spec!.terminationGracePeriodSeconds = -1;
  pod.spec!.terminationGracePeriodSeconds = 1;
  assert.deepEqual(validatePodUpdate(pod, old), []);
  pod.spec!.terminationGracePeriodSeconds = 5;
  assert.deepEqual(validatePodUpdate(pod, old).map((e) => e.field), ['spec']);
});

test('mirror pod annotations may be neither added nor removed', () => {
  const { old, pod } = pair();
  pod.metadata!.annotations = { ...old.metadata!.annotations, 'kubernetes.io/config.mirror': 'x' };
  assert.deepEqual(validatePodUpdate(pod, old).map((e) => [e.type, e.field]),
    [['FieldValueForbidden', 'metadata.annotations[kubernetes.io/config.mirror]']]);
  assert.deepEqual(validatePodUpdate(old, pod).map((e) => [e.type, e.field]),
    [['FieldValueForbidden', 'metadata.annotations[kubernetes.io/config.mirror]']]);
});

function withStatus(pod: Pod, status: Pod['status']): Pod {
  return { ...pod, status };
}

test('status updates may report progress but not change the QoS class', () => {
  const base = validPod();
  const old = withStatus(base, { phase: 'Pending', qosClass: 'Burstable' });
  const running = withStatus(base, {
    phase: 'Running', qosClass: 'Burstable', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }],
    hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }],
    conditions: [{ type: 'Ready', status: 'True' }, { type: 'example.com/warm', status: 'True' }],
  });
  assert.deepEqual(validatePodStatusUpdate(running, old), []);
  const requalified = withStatus(base, { phase: 'Running', qosClass: 'Guaranteed' });
  assert.deepEqual(validatePodStatusUpdate(requalified, old).map((e) => [e.type, e.field, e.detail]),
    [['FieldValueInvalid', 'status.qosClass', 'field is immutable']]);
});

test('pod and host IPs are valid, one per family, without repeats', () => {
  const base = validPod();
  const old = withStatus(base, { qosClass: 'Burstable' });
  const bad = withStatus(base, { qosClass: 'Burstable', podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] });
  assert.deepEqual(validatePodStatusUpdate(bad, old).map((e) => [e.type, e.field]), [['FieldValueInvalid', 'status.podIPs']]);
  const malformed = withStatus(base, { qosClass: 'Burstable', podIPs: [{ ip: '10.0.0.300' }] });
  assert.deepEqual(validatePodStatusUpdate(malformed, old).map((e) => [e.type, e.field]), [['FieldValueInvalid', 'status.podIPs[0]']]);
  const hostMismatch = withStatus(base, { qosClass: 'Burstable', hostIP: '192.168.1.1', hostIPs: [{ ip: '192.168.1.2' }] });
  assert.deepEqual(validatePodStatusUpdate(hostMismatch, old).map((e) => [e.type, e.field]), [['FieldValueInvalid', 'status.hostIPs[0].ip']]);
});

test('custom condition types must be qualified names', () => {
  const base = validPod();
  const old = withStatus(base, { qosClass: 'Burstable' });
  const bad = withStatus(base, { qosClass: 'Burstable', conditions: [{ type: 'not valid', status: 'True' }] });
  assert.deepEqual(validatePodStatusUpdate(bad, old).map((e) => [e.type, e.field]), [['FieldValueInvalid', 'metadata.conditions[0].Type']]);
});

test('a terminated container stays terminated unless the restart policy restarts it', () => {
  const terminated = { name: 'app', image: 'nginx:1.25', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1 } } };
  const running = { ...terminated, state: { running: {} } };
  for (const [policy, allowed] of [['Never', false], ['OnFailure', true], ['Always', true]] as const) {
    const base = validPod();
    base.spec!.restartPolicy = policy;
    const old = withStatus(base, { qosClass: 'Burstable', containerStatuses: [terminated] });
    const now = withStatus(base, { qosClass: 'Burstable', containerStatuses: [running] });
    const errs = validatePodStatusUpdate(now, old);
    assert.deepEqual(errs.map((e) => [e.type, e.field]), allowed ? [] : [['FieldValueForbidden', 'status.containerStatuses[0].state']], policy);
  }
  const succeeded = { ...terminated, state: { terminated: { exitCode: 0 } } };
  const base = validPod();
  base.spec!.restartPolicy = 'OnFailure';
  const errs = validatePodStatusUpdate(withStatus(base, { qosClass: 'Burstable', containerStatuses: [running] }),
    withStatus(base, { qosClass: 'Burstable', containerStatuses: [succeeded] }));
  assert.deepEqual(errs.map((e) => e.field), ['status.containerStatuses[0].state']);
});

test('a sidecar may restart even in a pod that never restarts', () => {
  const base = validPod();
  base.spec!.restartPolicy = 'Never';
  const terminated = { name: 'proxy', image: 'envoy:1.30', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1 } } };
  const old = withStatus(base, { qosClass: 'Burstable', initContainerStatuses: [terminated] });
  const now = withStatus(base, { qosClass: 'Burstable', initContainerStatuses: [{ ...terminated, state: { running: {} } }] });
  assert.deepEqual(validatePodStatusUpdate(now, old), []);
  const plain = { ...terminated, name: 'setup' };
  const errs = validatePodStatusUpdate(withStatus(base, { qosClass: 'Burstable', initContainerStatuses: [{ ...plain, state: { running: {} } }] }),
    withStatus(base, { qosClass: 'Burstable', initContainerStatuses: [plain] }));
  assert.deepEqual(errs.map((e) => e.field), ['status.initContainerStatuses[0].state']);
});
