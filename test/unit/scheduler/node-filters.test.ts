import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeSelectorRequirement } from '../../../apiserver/api/pod-types.ts';
import { nodeAffinity } from '../../../scheduler/plugins/node-affinity.ts';
import { nodeName } from '../../../scheduler/plugins/node-name.ts';
import { nodePorts } from '../../../scheduler/plugins/node-ports.ts';
import { nodeReady } from '../../../scheduler/plugins/node-ready.ts';
import { nodeResourcesFit } from '../../../scheduler/plugins/node-resources-fit.ts';
import { nodeUnschedulable } from '../../../scheduler/plugins/node-unschedulable.ts';
import { taintToleration } from '../../../scheduler/plugins/taint-toleration.ts';
import { filterReasons, makeNode, makePod, runFilter, snapshotOf } from './fixtures.ts';

describe('NodeUnschedulable', () => {
  const s = snapshotOf([makeNode('open'), makeNode('cordoned', { unschedulable: true })]);
  it('rejects a cordoned node with kube\'s reason', () => {
    assert.deepEqual(filterReasons(nodeUnschedulable, makePod('p'), s), { open: '', cordoned: 'node(s) were unschedulable' });
    const r = runFilter(nodeUnschedulable, makePod('p'), s, 'cordoned');
    assert.equal(r !== 'skip' && r?.unresolvable, true);
  });
  it('lets a pod tolerating the unschedulable taint through', () => {
    const pod = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(runFilter(nodeUnschedulable, pod, s, 'cordoned'), null);
  });
});

describe('NodeName', () => {
  const s = snapshotOf([makeNode('a'), makeNode('b')]);
  it('fits only the named node', () => {
    assert.deepEqual(filterReasons(nodeName, makePod('p', { nodeName: 'a' }), s), { a: '', b: "node(s) didn't match the requested node name" });
  });
  it('is skipped for a pod naming no node', () => {
    assert.equal(runFilter(nodeName, makePod('p'), s, 'a'), 'skip');
  });
});

describe('NodeReady', () => {
  const s = snapshotOf([
    makeNode('ready'), makeNode('not-ready', { ready: 'False' }), makeNode('unknown', { ready: 'Unknown' }), makeNode('silent', { ready: null }),
  ]);
  it('rejects every node whose Ready condition is not True', () => {
    const reason = 'node(s) were not ready';
    assert.deepEqual(filterReasons(nodeReady, makePod('p'), s), { ready: '', 'not-ready': reason, unknown: reason, silent: reason });
  });
  it('admits pods tolerating the taint Kubernetes would put there', () => {
    const notReady = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }] });
    assert.deepEqual(filterReasons(nodeReady, notReady, s), { ready: '', 'not-ready': '', unknown: 'node(s) were not ready', silent: '' });
    const everything = makePod('p', { tolerations: [{ operator: 'Exists' }] });
    assert.ok(Object.values(filterReasons(nodeReady, everything, s)).every((r) => r === ''));
  });
});

describe('TaintToleration filter', () => {
  const s = snapshotOf([
    makeNode('clean'),
    makeNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
    makeNode('draining', { taints: [{ key: 'maintenance', effect: 'NoExecute' }] }),
    makeNode('soft', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] }),
  ]);
  it('rejects NoSchedule and NoExecute taints the pod does not tolerate, naming the taint', () => {
    assert.deepEqual(filterReasons(taintToleration, makePod('p'), s), {
      clean: '', gpu: 'node(s) had untolerated taint {dedicated: gpu}', draining: 'node(s) had untolerated taint {maintenance: }', soft: '',
    });
  });
  it('accepts Equal tolerations with the right value and Exists tolerations', () => {
    const equal = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    assert.equal(runFilter(taintToleration, equal, s, 'gpu'), null);
    const wrongValue = makePod('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] });
    assert.notEqual(runFilter(taintToleration, wrongValue, s, 'gpu'), null);
    const wrongEffect = makePod('p', { tolerations: [{ key: 'maintenance', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.notEqual(runFilter(taintToleration, wrongEffect, s, 'draining'), null);
    const exists = makePod('p', { tolerations: [{ key: 'maintenance', operator: 'Exists' }] });
    assert.equal(runFilter(taintToleration, exists, s, 'draining'), null);
  });
});

describe('NodeAffinity filter', () => {
  const s = snapshotOf([
    makeNode('ssd-small', { labels: { disk: 'ssd', cores: '4' } }),
    makeNode('hdd-big', { labels: { disk: 'hdd', cores: '64' } }),
    makeNode('bare'),
  ]);
  const reason = "node(s) didn't match Pod's node affinity/selector";
  const fits = (expr: NodeSelectorRequirement[]) => {
    const pod = makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expr }] } } } });
    return Object.entries(filterReasons(nodeAffinity, pod, s)).filter(([, r]) => r === '').map(([n]) => n);
  };

  it('applies nodeSelector exactly', () => {
    assert.deepEqual(filterReasons(nodeAffinity, makePod('p', { nodeSelector: { disk: 'ssd' } }), s), { 'ssd-small': '', 'hdd-big': reason, bare: reason });
  });
  it('supports In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    assert.deepEqual(fits([{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }]), ['ssd-small']);
    assert.deepEqual(fits([{ key: 'disk', operator: 'NotIn', values: ['ssd'] }]), ['hdd-big', 'bare']);
    assert.deepEqual(fits([{ key: 'disk', operator: 'Exists' }]), ['ssd-small', 'hdd-big']);
    assert.deepEqual(fits([{ key: 'disk', operator: 'DoesNotExist' }]), ['bare']);
    assert.deepEqual(fits([{ key: 'cores', operator: 'Gt', values: ['8'] }]), ['hdd-big']);
    assert.deepEqual(fits([{ key: 'cores', operator: 'Lt', values: ['8'] }]), ['ssd-small']);
  });
  it('ANDs expressions within a term and ORs terms; an empty term matches nothing', () => {
    assert.deepEqual(fits([{ key: 'disk', operator: 'Exists' }, { key: 'cores', operator: 'Gt', values: ['8'] }]), ['hdd-big']);
    const pod = makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['bare'] }] }, {},
    ] } } } });
    assert.deepEqual(filterReasons(nodeAffinity, pod, s), { 'ssd-small': '', 'hdd-big': reason, bare: '' });
  });
  it('treats an invalid requirement as a term that matches no node', () => {
    assert.deepEqual(fits([{ key: 'cores', operator: 'Gt', values: ['many'] }]), []);
    assert.deepEqual(fits([{ key: 'disk', operator: 'In', values: [] }]), []);
  });
  it('restricts a pod pinned by metadata.name to those nodes, and reports conflicting pins', () => {
    const pinned = makePod('ds', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['bare'] }] },
    ] } } } });
    assert.deepEqual(filterReasons(nodeAffinity, pinned, s), { 'ssd-small': reason, 'hdd-big': reason, bare: '' });
    const conflict = makePod('c', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] },
    ] } } } });
    assert.deepEqual(runFilter(nodeAffinity, conflict, s, 'bare'), { reasons: ['pod affinity terms conflict'], unresolvable: true });
  });
  it('is skipped for pods without node constraints', () => {
    assert.equal(runFilter(nodeAffinity, makePod('p'), s, 'bare'), 'skip');
  });
});

describe('NodePorts', () => {
  const s = snapshotOf([makeNode('a'), makeNode('b'), makeNode('c')], [
    makePod('web', { nodeName: 'a', hostPorts: [{ hostPort: 80 }] }),
    makePod('dns', { nodeName: 'b', hostPorts: [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.2' }] }),
  ]);
  const reason = "node(s) didn't have free ports for the requested pod ports";
  it('rejects a node where the host port is taken', () => {
    assert.deepEqual(filterReasons(nodePorts, makePod('p', { hostPorts: [{ hostPort: 80 }] }), s), { a: reason, b: '', c: '' });
  });
  it('distinguishes protocols and addresses, with 0.0.0.0 conflicting with every address', () => {
    assert.equal(runFilter(nodePorts, makePod('p', { hostPorts: [{ hostPort: 53, protocol: 'TCP' }] }), s, 'b'), null);
    assert.equal(runFilter(nodePorts, makePod('p', { hostPorts: [{ hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.3' }] }), s, 'b'), null);
    assert.notEqual(runFilter(nodePorts, makePod('p', { hostPorts: [{ hostPort: 53, protocol: 'UDP' }] }), s, 'b'), null);
    assert.notEqual(runFilter(nodePorts, makePod('p', { hostPorts: [{ hostPort: 80, hostIP: '10.0.0.9' }] }), s, 'a'), null);
  });
  it('counts sidecar ports but not plain init container ports', () => {
    const sidecar = makePod('p', { initContainers: [{ name: 's', image: 'i', restartPolicy: 'Always', ports: [{ containerPort: 80, hostPort: 80 }] }] });
    assert.notEqual(runFilter(nodePorts, sidecar, s, 'a'), null);
    const init = makePod('p', { initContainers: [{ name: 'i', image: 'i', ports: [{ containerPort: 80, hostPort: 80 }] }] });
    assert.equal(runFilter(nodePorts, init, s, 'a'), 'skip');
  });
});

describe('NodeResourcesFit filter', () => {
  const s = snapshotOf([
    makeNode('roomy', { cpu: '4', memory: '8Gi' }),
    makeNode('busy', { cpu: '2', memory: '4Gi' }),
    makeNode('tiny', { cpu: '500m', memory: '256Mi', pods: '1', ephemeralStorage: '1Gi', extra: { 'example.com/dongle': '1' } }),
  ], [
    makePod('hog', { nodeName: 'busy', cpu: '1500m', memory: '3Gi' }),
    makePod('only', { nodeName: 'tiny', cpu: '100m' }),
  ]);
  it('reports each insufficient resource with kube\'s words', () => {
    const pod = makePod('p', { cpu: '1', memory: '2Gi' });
    assert.deepEqual(filterReasons(nodeResourcesFit, pod, s), {
      roomy: '', busy: 'Insufficient cpu; Insufficient memory', tiny: 'Too many pods; Insufficient cpu; Insufficient memory',
    });
  });
  it('counts requests of the pods already on the node, and init containers as kube does', () => {
    const fitsExactly = makePod('p', { cpu: '500m', memory: '1Gi' });
    assert.equal(runFilter(nodeResourcesFit, fitsExactly, s, 'busy'), null);
    const bigInit = makePod('p', { cpu: '100m', initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '600m' } } }] });
    assert.deepEqual(runFilter(nodeResourcesFit, bigInit, s, 'busy'), { reasons: ['Insufficient cpu'], unresolvable: false });
  });
  it('checks ephemeral-storage, extended resources and the pod count', () => {
    const empty = snapshotOf([makeNode('tiny', { cpu: '500m', memory: '256Mi', pods: '0', ephemeralStorage: '1Gi', extra: { 'example.com/dongle': '1' } })]);
    const pod = makePod('p', { requests: { 'ephemeral-storage': '2Gi', 'example.com/dongle': '2', 'example.com/absent': '1' } });
    const r = runFilter(nodeResourcesFit, pod, empty, 'tiny');
    assert.ok(r !== 'skip' && r !== null);
    assert.deepEqual([...r.reasons].sort(), ['Insufficient ephemeral-storage', 'Insufficient example.com/absent', 'Insufficient example.com/dongle', 'Too many pods']);
  });
  it('lets a pod without requests onto a full node while there is pod room', () => {
    assert.equal(runFilter(nodeResourcesFit, makePod('p'), s, 'busy'), null);
  });
});
