import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, ContainerStatus, Pod, PodCondition } from '../../../apiserver/api/types.ts';
import { podPrinter } from '../../../apiserver/server/printers/pod.ts';
import { ago, columnNames, row } from './helpers.ts';

interface PodShape {
  phase?: string;
  reason?: string;
  containers?: number;
  statuses?: Partial<ContainerStatus>[];
  initContainers?: Partial<Container>[];
  initStatuses?: Partial<ContainerStatus>[];
  conditions?: Partial<PodCondition>[];
  deleting?: boolean;
}

function pod(shape: PodShape): Pod {
  const names = ['app', 'sidecar', 'third'];
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: 'web', namespace: 'default', creationTimestamp: ago({ h: 2 }),
      ...(shape.deleting ? { deletionTimestamp: ago({ s: 5 }) } : {}),
    },
    spec: {
      containers: names.slice(0, shape.containers ?? 1).map((name) => ({ name, image: `${name}:1` })),
      initContainers: (shape.initContainers ?? []).map((c, i) => ({ name: `init-${i}`, image: 'busybox', ...c })),
    },
    status: {
      phase: shape.phase ?? 'Pending',
      ...(shape.reason ? { reason: shape.reason } : {}),
      conditions: (shape.conditions ?? []).map((c) => ({ type: 'Ready', status: 'True', ...c })),
      containerStatuses: (shape.statuses ?? []).map((s, i) => containerStatus(names[i], s)),
      initContainerStatuses: (shape.initStatuses ?? []).map((s, i) => containerStatus(`init-${i}`, s)),
    },
  };
}

function containerStatus(name: string, s: Partial<ContainerStatus>): ContainerStatus {
  return { name, image: `${name}:1`, imageID: '', ready: false, restartCount: 0, ...s };
}

const running = { state: { running: { startedAt: ago({ h: 1 }) } }, ready: true };
const waiting = (reason: string) => ({ state: { waiting: { reason } } });
const terminated = (reason: string | undefined, exitCode: number, signal?: number) => ({
  state: { terminated: { exitCode, ...(reason ? { reason } : {}), ...(signal ? { signal } : {}) } },
});

describe('pod printer: STATUS', () => {
  const cases: [string, PodShape, string][] = [
    ['a pending pod with no container yet', { phase: 'Pending' }, 'Pending'],
    ['a container being created', { statuses: [waiting('ContainerCreating')] }, 'ContainerCreating'],
    ['a running ready container', { phase: 'Running', statuses: [running] }, 'Running'],
    ['a container that completed', { phase: 'Succeeded', statuses: [terminated('Completed', 0)] }, 'Completed'],
    ['a container that failed', { phase: 'Failed', statuses: [terminated('Error', 1)] }, 'Error'],
    ['a crash-looping container', { phase: 'Running', statuses: [waiting('CrashLoopBackOff')] }, 'CrashLoopBackOff'],
    ['an image that cannot be pulled', { statuses: [waiting('ErrImagePull')] }, 'ErrImagePull'],
    ['an image pull backing off', { statuses: [waiting('ImagePullBackOff')] }, 'ImagePullBackOff'],
    ['a terminated container without a reason', { phase: 'Failed', statuses: [terminated(undefined, 137)] }, 'ExitCode:137'],
    ['a container killed by a signal', { phase: 'Failed', statuses: [terminated(undefined, 0, 9)] }, 'Signal:9'],
    ['the first of two init containers running',
      { initContainers: [{}, {}], initStatuses: [{ state: { running: {} } }, waiting('PodInitializing')], statuses: [waiting('PodInitializing')] },
      'Init:0/2'],
    ['the second of two init containers running',
      { initContainers: [{}, {}], initStatuses: [terminated('Completed', 0), { state: { running: {} } }] },
      'Init:1/2'],
    ['an init container waiting to be initialised', { initContainers: [{}, {}], initStatuses: [waiting('PodInitializing')] }, 'Init:0/2'],
    ['an init container that failed', { phase: 'Failed', initContainers: [{}], initStatuses: [terminated('Error', 1)] }, 'Init:Error'],
    ['an init container crash-looping', { initContainers: [{}], initStatuses: [waiting('CrashLoopBackOff')] }, 'Init:CrashLoopBackOff'],
    ['an init container that exited without a reason', { initContainers: [{}], initStatuses: [terminated(undefined, 3)] }, 'Init:ExitCode:3'],
    ['an init container killed by a signal', { initContainers: [{}], initStatuses: [terminated(undefined, 2, 15)] }, 'Init:Signal:15'],
    ['init done, app container still initialising',
      { initContainers: [{}], initStatuses: [terminated('Completed', 0)], statuses: [waiting('PodInitializing')] },
      'PodInitializing'],
    ['a running pod being deleted', { phase: 'Running', statuses: [running], deleting: true }, 'Terminating'],
    ['a pending pod being deleted', { phase: 'Pending', deleting: true }, 'Terminating'],
    ['a completed pod being deleted keeps its status',
      { phase: 'Succeeded', statuses: [terminated('Completed', 0)], deleting: true }, 'Completed'],
    ['a pod on a lost node', { phase: 'Running', reason: 'NodeLost', statuses: [running] }, 'NodeLost'],
    ['a pod on a lost node being deleted', { phase: 'Running', reason: 'NodeLost', statuses: [running], deleting: true }, 'Unknown'],
    ['an evicted pod', { phase: 'Failed', reason: 'Evicted' }, 'Evicted'],
    ['one container done, one running, pod not ready',
      { phase: 'Running', containers: 2, statuses: [terminated('Completed', 0), running], conditions: [{ type: 'Ready', status: 'False' }] },
      'NotReady'],
    ['one container done, one running, pod ready',
      { phase: 'Running', containers: 2, statuses: [terminated('Completed', 0), running], conditions: [{ type: 'Ready', status: 'True' }] },
      'Running'],
    ['a pod held by a scheduling gate',
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }, 'SchedulingGated'],
    ['the last waiting container names the status',
      { phase: 'Running', containers: 2, statuses: [waiting('ErrImagePull'), waiting('ContainerCreating')] }, 'ErrImagePull'],
  ];
  for (const [what, shape, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(podPrinter, pod(shape)).Status, want));
  }

  it('a sidecar that started lets the pod run and counts as a ready container', () => {
    const p = pod({
      phase: 'Running',
      initContainers: [{ restartPolicy: 'Always' }],
      initStatuses: [{ ...running, started: true }],
      statuses: [running],
      conditions: [{ type: 'Initialized', status: 'True' }],
    });
    const r = row(podPrinter, p);
    assert.equal(r.Status, 'Running');
    assert.equal(r.Ready, '2/2');
  });

  it('a sidecar that has not started holds the pod in Init', () => {
    const p = pod({ initContainers: [{ restartPolicy: 'Always' }], initStatuses: [{ state: { running: {} }, started: false }] });
    assert.equal(row(podPrinter, p).Status, 'Init:0/1');
    assert.equal(row(podPrinter, p).Ready, '0/2');
  });
});

describe('pod printer: READY and RESTARTS', () => {
  it('counts ready running containers against all containers', () => {
    const r = row(podPrinter, pod({ phase: 'Running', containers: 3, statuses: [running, running, { ...running, ready: false }] }));
    assert.equal(r.Ready, '2/3');
  });

  it('shows restarts with the age of the last termination', () => {
    const r = row(podPrinter, pod({
      phase: 'Running', containers: 2,
      statuses: [
        { ...waiting('CrashLoopBackOff'), restartCount: 4, lastState: { terminated: { exitCode: 1, finishedAt: ago({ m: 5 }) } } },
        { ...running, restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago({ h: 1 }) } } },
      ],
    }));
    assert.equal(r.Restarts, '5 (5m ago)');
    assert.equal(r.Status, 'CrashLoopBackOff');
  });

  it('shows a bare count when no termination time is known, and 0 without restarts', () => {
    assert.equal(row(podPrinter, pod({ phase: 'Running', statuses: [{ ...running, restartCount: 3 }] })).Restarts, '3');
    assert.equal(row(podPrinter, pod({ phase: 'Running', statuses: [running] })).Restarts, '0');
  });

  it('counts init container restarts while the pod is initialising', () => {
    const r = row(podPrinter, pod({
      initContainers: [{}],
      initStatuses: [{ ...waiting('CrashLoopBackOff'), restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago({ s: 40 }) } } }],
    }));
    assert.deepEqual([r.Status, r.Restarts], ['Init:CrashLoopBackOff', '2 (40s ago)']);
  });

  it('drops finished init containers\' restarts once the pod runs', () => {
    const r = row(podPrinter, pod({
      phase: 'Running',
      initContainers: [{}],
      initStatuses: [{ ...terminated('Completed', 0), restartCount: 2 }],
      statuses: [{ ...running, restartCount: 1 }],
    }));
    assert.equal(r.Restarts, '1');
  });
});

describe('pod printer: columns and wide cells', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(podPrinter), {
      standard: ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
      wide: ['IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    });
    assert.equal(podPrinter.columns.find((c) => c.name === 'Name')?.format, 'name');
    assert.equal(podPrinter.columns.find((c) => c.name === 'Restarts')?.type, 'string');
  });

  it('fills every cell of a scheduled running pod', () => {
    const base = pod({ phase: 'Running', statuses: [running], conditions: [{ type: 'example.com/gate', status: 'True' }] });
    const p: Pod = {
      ...base,
      spec: { ...base.spec!, nodeName: 'node-1', readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'example.com/other' }] },
      status: { ...base.status, podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], nominatedNodeName: 'node-2' },
    };
    assert.deepEqual(Object.values(row(podPrinter, p)),
      ['web', '1/1', 'Running', '0', '120m', '10.244.1.5', 'node-1', 'node-2', '1/2']);
  });

  it('prints <none> for an unscheduled pod', () => {
    const r = row(podPrinter, pod({}));
    assert.deepEqual([r.IP, r.Node, r['Nominated Node'], r['Readiness Gates']], ['<none>', '<none>', '<none>', '<none>']);
  });

  it('reads podIP when podIPs is absent', () => {
    const base = pod({ phase: 'Running' });
    assert.equal(row(podPrinter, { ...base, status: { ...base.status, podIP: '10.0.0.9' } }).IP, '10.0.0.9');
  });
});
