// The strategy table, and the create/update/status hooks each kind's strategy adds to the generic registry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resources } from '../../../apiserver/api/resources.ts';
import type { KubeObject } from '../../../apiserver/api/types.ts';
import { strategyFor } from '../../../apiserver/registry/strategies/index.ts';
import type { Strategy } from '../../../apiserver/registry/strategy.ts';
import { assertNoErrors } from './field-errors.ts';

const kind = (group: string, k: string): Strategy => strategyFor({ group, kind: k });
const container = { name: 'main', image: 'busybox:1.36' };
const template = (labels: Record<string, string>, restartPolicy = 'Always') => ({ metadata: { labels }, spec: { restartPolicy, containers: [container] } });

/** What the registry does on create, minus storage: default, prepare, validate. */
function create(strategy: Strategy, obj: KubeObject): KubeObject {
  obj.metadata = { uid: '5b8f9a1c-0000-4000-8000-000000000001', ...obj.metadata };
  strategy.default?.(obj);
  strategy.prepareForCreate?.(obj);
  assertNoErrors(strategy.validate?.(obj) ?? [], `${obj.kind}`);
  return obj;
}

/** What the registry does on update of the main resource. */
function update(strategy: Strategy, obj: KubeObject, old: KubeObject): KubeObject {
  strategy.default?.(obj);
  strategy.prepareForUpdate?.(obj, old);
  return obj;
}

describe('strategyFor', () => {
  it('has a strategy for every served resource', () => {
    for (const ri of resources) {
      const strategy = strategyFor(ri);
      assert.equal(typeof strategy, 'object', ri.kind);
      assert.equal(typeof strategy.validate === 'function' || ri.kind === 'Pod', true, `${ri.kind} validates`);
    }
  });

  it('marks exactly the kinds with a status subresource', () => {
    for (const ri of resources) {
      assert.equal(strategyFor(ri).hasStatusSubresource === true, ri.subresources.includes('status'), ri.kind);
    }
  });

  it('refuses kinds it does not know', () => {
    assert.throws(() => strategyFor({ group: 'example.com', kind: 'Widget' }), /no strategy for Widget.example.com/);
  });
});

describe('create pipeline', () => {
  const manifests: [string, string, KubeObject][] = [
    ['apps', 'Deployment', { kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } }],
    ['apps', 'ReplicaSet', { kind: 'ReplicaSet', metadata: { name: 'web-1' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } }],
    ['apps', 'DaemonSet', { kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'a' } }, template: template({ app: 'a' }) } }],
    ['apps', 'StatefulSet', { kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) } }],
    ['apps', 'ControllerRevision', { kind: 'ControllerRevision', metadata: { name: 'web-1' }, revision: 1, data: {} }],
    ['batch', 'Job', { kind: 'Job', metadata: { name: 'pi' }, spec: { template: template({}, 'Never') } }],
    ['batch', 'CronJob', { kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: template({}, 'OnFailure') } } } }],
    ['', 'ReplicationController', { kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { template: template({ app: 'rc' }) } }],
    ['', 'Service', { kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }],
    ['', 'Namespace', { kind: 'Namespace', metadata: { name: 'team-a' } }],
    ['', 'Node', { kind: 'Node', metadata: { name: 'worker-1' }, status: { capacity: { cpu: '2', pods: '110' } } }],
    ['', 'Endpoints', { kind: 'Endpoints', metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }] }],
    ['', 'ConfigMap', { kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } }],
    ['', 'Secret', { kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'x' } }],
    ['', 'Event', { kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' } }],
    ['', 'ServiceAccount', { kind: 'ServiceAccount', metadata: { name: 'default' } }],
    ['', 'PersistentVolume', { kind: 'PersistentVolume', metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv' } } }],
    ['', 'PersistentVolumeClaim', { kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    ['', 'ResourceQuota', { kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '10' } } }],
    ['', 'LimitRange', { kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } }],
    ['coordination.k8s.io', 'Lease', { kind: 'Lease', metadata: { name: 'l' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } }],
    ['autoscaling', 'HorizontalPodAutoscaler', { kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } }],
    ['storage.k8s.io', 'StorageClass', { kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'skiff.io/local-path' }],
  ];
  for (const [group, k, manifest] of manifests) {
    it(`accepts a minimal ${k}`, () => {
      create(kind(group, k), structuredClone(manifest));
    });
  }
});

describe('status handling', () => {
  it('resets status on create and keeps it on main updates', () => {
    const s = kind('apps', 'Deployment');
    const d = create(s, { kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }, status: { replicas: 7 } });
    assert.deepEqual(d.status, {});
    const stored: KubeObject = { ...structuredClone(d), status: { replicas: 3, readyReplicas: 3 } };
    const next = structuredClone(stored);
    (next.spec as { replicas: number }).replicas = 5;
    next.status = { replicas: 99 };
    update(s, next, stored);
    assert.deepEqual(next.status, { replicas: 3, readyReplicas: 3 });
    assert.equal((next.spec as { replicas: number }).replicas, 5);
  });

  it('keeps everything but status on status updates', () => {
    const s = kind('apps', 'ReplicaSet');
    const stored = create(s, { kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) } });
    const next = structuredClone(stored);
    (next.spec as { replicas: number }).replicas = 40;
    next.status = { replicas: 2, readyReplicas: 1 };
    next.extra = 'dropped';
    s.prepareForStatusUpdate!(next, stored);
    assert.equal((next.spec as { replicas: number }).replicas, 1);
    assert.equal(next.extra, undefined);
    assert.deepEqual(next.status, { replicas: 2, readyReplicas: 1 });
    assertNoErrors(s.validateStatusUpdate!(next, stored));
  });

  it('gives workload kinds their zero status', () => {
    const rs = create(kind('apps', 'ReplicaSet'), { kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector: { matchLabels: { a: 'b' } }, template: template({ a: 'b' }) } });
    assert.deepEqual(rs.status, { replicas: 0 });
    const hpa = create(kind('autoscaling', 'HorizontalPodAutoscaler'), { kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } });
    assert.deepEqual(hpa.status, { desiredReplicas: 0 });
  });

  it('starts volumes and claims Pending', () => {
    const pv = create(kind('', 'PersistentVolume'), { kind: 'PersistentVolume', metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv' } }, status: { phase: 'Bound' } });
    const status = pv.status as { phase: string; lastPhaseTransitionTime: string };
    assert.equal(status.phase, 'Pending');
    assert.match(status.lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const pvc = create(kind('', 'PersistentVolumeClaim'), { kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    assert.deepEqual(pvc.status, { phase: 'Pending' });
  });
});

describe('Namespace strategy', () => {
  const s = kind('', 'Namespace');

  it('starts Active with the kubernetes finalizer', () => {
    const ns = create(s, { kind: 'Namespace', metadata: { name: 'team-a' }, spec: { finalizers: ['example.com/x'] }, status: { phase: 'Terminating' } });
    assert.deepEqual(ns.status, { phase: 'Active' });
    assert.deepEqual((ns.spec as { finalizers: string[] }).finalizers, ['example.com/x', 'kubernetes']);
    assert.equal((ns.metadata?.labels ?? {})['kubernetes.io/metadata.name'], 'team-a');
  });

  it('changes finalizers only through finalize', () => {
    const stored = create(s, { kind: 'Namespace', metadata: { name: 'team-a' } });
    const next = structuredClone(stored);
    next.spec = { finalizers: [] };
    update(s, next, stored);
    assert.deepEqual((next.spec as { finalizers: string[] }).finalizers, ['kubernetes']);
  });
});

describe('Job strategy', () => {
  const s = kind('batch', 'Job');
  const uid = '5b8f9a1c-0000-4000-8000-000000000001';

  it('generates the selector and pod labels from the uid', () => {
    const job = create(s, { kind: 'Job', metadata: { name: 'pi' }, spec: { template: template({ app: 'pi' }, 'Never') }, status: { succeeded: 3 } });
    const spec = job.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
    assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(spec.template.metadata.labels, {
      app: 'pi', 'batch.kubernetes.io/controller-uid': uid, 'controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'job-name': 'pi',
    });
    assert.deepEqual(job.status, {});
  });

  it('leaves a manual selector alone', () => {
    const job = create(s, { kind: 'Job', metadata: { name: 'pi' }, spec: { manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: template({ app: 'pi' }, 'Never') } });
    const spec = job.spec as { selector: unknown; template: { metadata: { labels: Record<string, string> } } };
    assert.deepEqual(spec.selector, { matchLabels: { app: 'pi' } });
    assert.deepEqual(spec.template.metadata.labels, { app: 'pi' });
  });
});

describe('Service strategy', () => {
  const s = kind('', 'Service');

  it('fills clusterIPs from clusterIP and starts with an empty load balancer status', () => {
    const svc = create(s, { kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 80 }] } });
    assert.deepEqual((svc.spec as { clusterIPs: string[] }).clusterIPs, ['10.96.0.20']);
    assert.deepEqual(svc.status, { loadBalancer: {} });
  });

  it('keeps cluster IPs a client did not send back', () => {
    const stored = create(s, { kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 80 }] } });
    const next = structuredClone(stored);
    delete (next.spec as { clusterIPs?: string[] }).clusterIPs;
    update(s, next, stored);
    assert.deepEqual((next.spec as { clusterIPs: string[] }).clusterIPs, ['10.96.0.20']);
    assertNoErrors([...s.validate!(next), ...s.validateUpdate!(next, stored)]);
  });

  it('drops node ports and the external policy when leaving NodePort', () => {
    const stored = create(s, { kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort: 30080 }] } });
    const next = structuredClone(stored);
    (next.spec as { type: string }).type = 'ClusterIP';
    update(s, next, stored);
    const spec = next.spec as { ports: { nodePort?: number }[]; externalTrafficPolicy?: string };
    assert.equal(spec.ports[0].nodePort, undefined);
    assert.equal(spec.externalTrafficPolicy, undefined);
    assertNoErrors([...s.validate!(next), ...s.validateUpdate!(next, stored)]);
  });
});
