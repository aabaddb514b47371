import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HostInfo } from '../../../kubelet/node/host-info.ts';
import {
  buildNode, conditionsChanged, nodeAllocatable, nodeConditions, observePressure, parseResourceList, type NodeSettings,
} from '../../../kubelet/node/node-object.ts';

const host: HostInfo = {
  cpus: 2, memoryBytes: 8 * 1024 ** 3, memoryAvailableBytes: 6 * 1024 ** 3, diskBytes: 100 * 1024 ** 3, diskAvailableBytes: 50 * 1024 ** 3,
  kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', operatingSystem: 'linux', architecture: 'amd64',
  machineID: 'm', bootID: 'b', hostname: 'h',
};
const settings: NodeSettings = {
  name: 'node-a', nodeIP: '10.0.0.5', maxPods: 110, kubeletPort: 10250, systemReserved: { cpu: '100m', memory: '256Mi' },
  kubeReserved: {}, labels: { role: 'worker' }, kubeletVersion: 'v1.31.0+skiff', containerRuntimeVersion: 'docker://20.10.24', systemUUID: 'u',
};
const healthy = { runtimeReady: true, memoryPressure: false, diskPressure: false, pidPressure: false };

describe('node object', () => {
  it('reports capacity, and allocatable after reservations and eviction thresholds', () => {
    const node = buildNode(settings, host, healthy, '2026-01-01T00:00:00Z');
    assert.deepEqual(node.status?.capacity, { cpu: '2', memory: '8388608Ki', 'ephemeral-storage': '104857600Ki', pods: '110' });
    assert.equal(node.status?.allocatable?.cpu, '1900m');
    // 8 GiB - 256 Mi reserved - 100 Mi eviction threshold
    assert.equal(node.status?.allocatable?.memory, `${8 * 1024 - 356}Mi`);
    assert.equal(node.status?.allocatable?.['ephemeral-storage'], '90Gi', '100 GiB less the 10% nodefs threshold, in canonical form');
    assert.equal(node.status?.allocatable?.pods, '110');
  });

  it('labels, addresses, node info and the kubelet endpoint', () => {
    const node = buildNode(settings, host, healthy, '2026-01-01T00:00:00Z');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'node-a');
    assert.equal(node.metadata?.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(node.metadata?.labels?.['kubernetes.io/arch'], 'amd64');
    assert.equal(node.metadata?.labels?.role, 'worker');
    assert.deepEqual(node.status?.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'node-a' }]);
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'docker://20.10.24');
  });

  it('never reports negative allocatable', () => {
    assert.equal(nodeAllocatable({ cpu: '1' }, { systemReserved: { cpu: '2' }, kubeReserved: {} }).cpu, '0');
  });

  it('conditions keep their transition time until their status changes', () => {
    const first = nodeConditions(undefined, healthy, 't1');
    assert.deepEqual(first.map((c) => [c.type, c.status, c.reason]), [
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'], ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'], ['Ready', 'True', 'KubeletReady'],
    ]);
    const same = nodeConditions(first, healthy, 't2');
    assert.equal(same.find((c) => c.type === 'Ready')?.lastTransitionTime, 't1');
    assert.equal(same.find((c) => c.type === 'Ready')?.lastHeartbeatTime, 't2');
    assert.equal(conditionsChanged(first, same), false);
    const down = nodeConditions(same, { ...healthy, runtimeReady: false, runtimeMessage: 'container runtime is down: ECONNREFUSED' }, 't3');
    const ready = down.find((c) => c.type === 'Ready')!;
    assert.deepEqual([ready.status, ready.reason, ready.lastTransitionTime], ['False', 'KubeletNotReady', 't3']);
    assert.equal(conditionsChanged(same, down), true);
  });

  it('judges pressure by the default hard eviction thresholds', () => {
    assert.equal(observePressure({ ...host, memoryAvailableBytes: 50 * 1024 ** 2 }, { ready: true }).memoryPressure, true);
    assert.equal(observePressure({ ...host, diskAvailableBytes: 5 * 1024 ** 3 }, { ready: true }).diskPressure, true);
    assert.deepEqual(observePressure(host, { ready: true }), healthy);
  });

  it('parses reservation lists', () => {
    assert.deepEqual(parseResourceList('cpu=100m, memory=256Mi'), { cpu: '100m', memory: '256Mi' });
    assert.deepEqual(parseResourceList(''), {});
    assert.throws(() => parseResourceList('cpu'), /want name=quantity/);
    assert.throws(() => parseResourceList('cpu=lots'));
  });
});
