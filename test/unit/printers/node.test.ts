import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Node, NodeCondition } from '../../../apiserver/api/types.ts';
import { nodePrinter } from '../../../apiserver/server/printers/node.ts';
import { ago, columnNames, row } from './helpers.ts';

function node(opts: { ready?: NodeCondition['status'][]; unschedulable?: boolean; labels?: Record<string, string> } = {}): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'node-1', creationTimestamp: ago({ d: 3, h: 4 }), labels: opts.labels ?? {} },
    spec: opts.unschedulable ? { unschedulable: true } : {},
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        ...(opts.ready ?? []).map((status) => ({ type: 'Ready', status })),
      ],
      addresses: [{ type: 'Hostname', address: 'node-1' }, { type: 'InternalIP', address: '192.168.1.10' }],
      nodeInfo: {
        kubeletVersion: 'v1.31.0+skiff-0.1.0', osImage: 'Ubuntu 24.04 LTS', kernelVersion: '6.8.0-31-generic',
        containerRuntimeVersion: 'docker://27.0.3', architecture: 'amd64', bootID: '', machineID: '',
        kubeProxyVersion: '', operatingSystem: 'linux', systemUUID: '',
      },
    },
  };
}

describe('node printer: STATUS', () => {
  const cases: [string, Parameters<typeof node>[0], string][] = [
    ['Ready condition true', { ready: ['True'] }, 'Ready'],
    ['Ready condition false', { ready: ['False'] }, 'NotReady'],
    ['Ready condition unknown (kubelet stopped posting)', { ready: ['Unknown'] }, 'NotReady'],
    ['no Ready condition yet', {}, 'Unknown'],
    ['cordoned and ready', { ready: ['True'], unschedulable: true }, 'Ready,SchedulingDisabled'],
    ['cordoned and not ready', { ready: ['False'], unschedulable: true }, 'NotReady,SchedulingDisabled'],
    ['cordoned without a Ready condition', { unschedulable: true }, 'Unknown,SchedulingDisabled'],
    ['duplicate Ready conditions: the last wins', { ready: ['False', 'True'] }, 'Ready'],
  ];
  for (const [what, opts, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(nodePrinter, node(opts)).Status, want));
  }
});

describe('node printer: ROLES', () => {
  const cases: [string, Record<string, string>, string][] = [
    ['no role labels', { 'kubernetes.io/hostname': 'node-1' }, '<none>'],
    ['one role', { 'node-role.kubernetes.io/control-plane': '' }, 'control-plane'],
    ['several roles, sorted', { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': 'true' }, 'control-plane,worker'],
    ['the legacy kubernetes.io/role label', { 'kubernetes.io/role': 'master' }, 'master'],
    ['both spellings of one role count once', { 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/master': '' }, 'master'],
    ['an empty role name is ignored', { 'node-role.kubernetes.io/': '', 'kubernetes.io/role': '' }, '<none>'],
  ];
  for (const [what, labels, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(nodePrinter, node({ labels })).Roles, want));
  }
});

describe('node printer: columns and cells', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(nodePrinter), {
      standard: ['Name', 'Status', 'Roles', 'Age', 'Version'],
      wide: ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime'],
    });
  });

  it('fills every cell', () => {
    const n = node({ ready: ['True'], labels: { 'node-role.kubernetes.io/control-plane': '' } });
    assert.deepEqual(Object.values(row(nodePrinter, n)), [
      'node-1', 'Ready', 'control-plane', '3d4h', 'v1.31.0+skiff-0.1.0',
      '192.168.1.10', '<none>', 'Ubuntu 24.04 LTS', '6.8.0-31-generic', 'docker://27.0.3',
    ]);
  });

  it('prints <unknown> for missing node info and <none> for missing addresses', () => {
    const n: Node = { metadata: { name: 'bare', creationTimestamp: ago({ s: 30 }) } };
    assert.deepEqual(Object.values(row(nodePrinter, n)), [
      'bare', 'Unknown', '<none>', '30s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>',
    ]);
  });
});
