// What objects cost against a ResourceQuota (kube's quota evaluators), and the admission decision with kube's
// messages: exceeded quota, must specify, status unknown, scopes, updates charged for what they add.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, PersistentVolumeClaim, Pod, ResourceQuota, Service } from '../../../apiserver/api/types.ts';
import { checkRequest } from '../../../apiserver/quota/check-request.ts';
import { evaluatorFor, evaluatorsForNames, objectCountName, quotaMatches, resourceOfCountName } from '../../../apiserver/quota/evaluators.ts';
import { podConstraints, podMatchesScope, podUsage } from '../../../apiserver/quota/pod-usage.ts';
import { prettyPrint, toRecord, type ResourceList } from '../../../apiserver/quota/resource-list.ts';

const now = Date.parse('2025-06-01T12:00:00Z');
const rec = (l: ResourceList): Record<string, string> => toRecord(l);

const pod = (containers: NonNullable<Pod['spec']>['containers'], extra: Partial<NonNullable<Pod['spec']>> = {}, status?: Pod['status']): Pod => ({
  metadata: { name: 'p', namespace: 'team' }, spec: { containers, ...extra }, ...(status ? { status } : {}),
});
const res = (requests?: Record<string, string>, limits?: Record<string, string>) => ({ ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) });

const quota = (name: string, hard: Record<string, string>, used?: Record<string, string>, spec: Partial<NonNullable<ResourceQuota['spec']>> = {}): ResourceQuota => ({
  metadata: { name, namespace: 'team' },
  spec: { hard, ...spec },
  status: { hard, ...(used ? { used } : {}) },
});

describe('pod usage', () => {
  it('counts the pod, its requests (also as bare cpu/memory) and limits, summed in the first operand\'s format', () => {
    const p = pod([
      { name: 'a', image: 'x', resources: res({ cpu: '100m', memory: '64Mi' }, { cpu: '500m', memory: '128Mi' }) },
      { name: 'b', image: 'x', resources: res({ cpu: '250m', memory: '64Mi' }, { memory: '128Mi' }) },
    ]);
    assert.deepEqual(rec(podUsage(p, now)), {
      'count/pods': '1', cpu: '350m', 'limits.cpu': '500m', 'limits.memory': '256Mi', memory: '128Mi', pods: '1',
      'requests.cpu': '350m', 'requests.memory': '128Mi',
    });
  });

  it('init containers count by the largest one, sidecars add to everything; overhead adds to requests', () => {
    const p = pod([{ name: 'app', image: 'x', resources: res({ cpu: '200m' }) }], {
      initContainers: [
        { name: 'big', image: 'x', resources: res({ cpu: '1' }) },
        { name: 'side', image: 'x', restartPolicy: 'Always', resources: res({ cpu: '100m' }) },
        { name: 'small', image: 'x', resources: res({ cpu: '300m' }) },
      ],
      overhead: { cpu: '10m' },
    });
    // max(app+side = 300m, big = 1, side+small = 400m) = 1, plus 10m overhead.
    assert.equal(rec(podUsage(p, now))['requests.cpu'], '1010m');
  });

  it('a finished pod, or one terminating a grace period past its deletion time, uses only its object count', () => {
    const done = pod([{ name: 'a', image: 'x', resources: res({ cpu: '1' }) }], {}, { phase: 'Succeeded' });
    assert.deepEqual(rec(podUsage(done, now)), { 'count/pods': '1' });
    const stuck = { ...pod([{ name: 'a', image: 'x' }]), metadata: { name: 's', deletionTimestamp: '2025-06-01T11:59:00Z', deletionGracePeriodSeconds: 30 } };
    assert.deepEqual(rec(podUsage(stuck, now)), { 'count/pods': '1' });
    const leaving = { ...stuck, metadata: { ...stuck.metadata, deletionTimestamp: '2025-06-01T11:59:50Z' } };
    assert.equal(rec(podUsage(leaving, now)).pods, '1');
  });

  it('hugepages and extended resources are charged under their quota names', () => {
    const p = pod([{ name: 'a', image: 'x', resources: res({ 'hugepages-2Mi': '4Mi', 'example.com/gpu': '2' }) }]);
    const u = rec(podUsage(p, now));
    assert.equal(u['hugepages-2Mi'], '4Mi');
    assert.equal(u['requests.hugepages-2Mi'], '4Mi');
    assert.equal(u['requests.example.com/gpu'], '2');
  });

  it('scopes: Terminating by activeDeadlineSeconds, BestEffort by QoS, PriorityClass as a selector', () => {
    const best = pod([{ name: 'a', image: 'x' }]);
    const burst = pod([{ name: 'a', image: 'x', resources: res({ cpu: '1' }) }], { activeDeadlineSeconds: 30, priorityClassName: 'high' });
    assert.equal(podMatchesScope({ scopeName: 'BestEffort' }, best), true);
    assert.equal(podMatchesScope({ scopeName: 'NotBestEffort' }, burst), true);
    assert.equal(podMatchesScope({ scopeName: 'Terminating' }, burst), true);
    assert.equal(podMatchesScope({ scopeName: 'NotTerminating' }, best), true);
    assert.equal(podMatchesScope({ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }, burst), true);
    assert.equal(podMatchesScope({ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }, burst), false);
    assert.equal(podMatchesScope({ scopeName: 'PriorityClass', operator: 'NotIn', values: ['high'] }, best), true);
    assert.equal(podMatchesScope({ scopeName: 'PriorityClass', operator: 'Exists' }, best), false);
  });

  it('must specify: every container (init too) that lacks a limited cpu/memory value, sorted', () => {
    const p = pod([
      { name: 'app', image: 'x', resources: res({ cpu: '1' }) },
      { name: 'side', image: 'x' },
    ], { initContainers: [{ name: 'init', image: 'x', resources: res({ cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' }) }] });
    assert.equal(podConstraints(['limits.cpu', 'pods', 'requests.cpu'], p),
      'must specify limits.cpu for: app,side; requests.cpu for: side');
    assert.equal(podConstraints(['pods', 'count/pods'], p), undefined);
  });
});

describe('other kinds', () => {
  it('a NodePort Service takes a node port per port; a LoadBalancer also a load balancer', () => {
    const svc = (type: string, ports = 2): Service => ({ metadata: { name: 's' }, spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } });
    const ev = evaluatorFor('', 'services');
    assert.deepEqual(rec(ev.usage(svc('ClusterIP') as KubeObject, now)),
      { 'count/services': '1', services: '1', 'services.loadbalancers': '0', 'services.nodeports': '0' });
    assert.equal(rec(ev.usage(svc('NodePort') as KubeObject, now))['services.nodeports'], '2');
    assert.equal(rec(ev.usage(svc('LoadBalancer', 1) as KubeObject, now))['services.loadbalancers'], '1');
  });

  it('a claim counts once and for its storage, rounded up to bytes, in total and for its class', () => {
    const pvc: PersistentVolumeClaim = { metadata: { name: 'c' }, spec: { storageClassName: 'gold', resources: { requests: { storage: '1.5Gi' } } } };
    assert.deepEqual(rec(evaluatorFor('', 'persistentvolumeclaims').usage(pvc as KubeObject, now)), {
      'count/persistentvolumeclaims': '1', 'gold.storageclass.storage.k8s.io/persistentvolumeclaims': '1',
      'gold.storageclass.storage.k8s.io/requests.storage': '1536Mi', persistentvolumeclaims: '1', 'requests.storage': '1536Mi',
    });
  });

  it('everything else is an object count, under count/<resource>.<group> and the legacy bare names', () => {
    assert.deepEqual(rec(evaluatorFor('', 'configmaps').usage({}, now)), { configmaps: '1', 'count/configmaps': '1' });
    assert.deepEqual(rec(evaluatorFor('apps', 'deployments').usage({}, now)), { 'count/deployments.apps': '1' });
    assert.equal(objectCountName('coordination.k8s.io', 'leases'), 'count/leases.coordination.k8s.io');
    assert.deepEqual(resourceOfCountName('count/leases.coordination.k8s.io'), { group: 'coordination.k8s.io', plural: 'leases' });
    assert.deepEqual(evaluatorsForNames(['pods', 'count/deployments.apps', 'secrets']).map((e) => `${e.group}/${e.plural}`).sort(),
      ['/pods', '/secrets', 'apps/deployments']);
  });

  it('prettyPrint sorts by name', () => {
    assert.equal(prettyPrint(podUsage(pod([{ name: 'a', image: 'x', resources: res({ cpu: '1' }) }]), now)),
      'count/pods=1,cpu=1,pods=1,requests.cpu=1');
  });
});

describe('checkRequest', () => {
  const pods = evaluatorFor('', 'pods');
  const create = (object: KubeObject) => ({ operation: 'CREATE' as const, object, nowMs: now });
  const small = pod([{ name: 'app', image: 'x', resources: res({ cpu: '100m', memory: '64Mi' }, { cpu: '200m', memory: '64Mi' }) }]) as KubeObject;

  it('charges a fitting pod to every matching quota', () => {
    const d = checkRequest([quota('q', { pods: '2', 'requests.cpu': '1' }, { pods: '1', 'requests.cpu': '100m' })], pods, create(small));
    assert.ok(d.allowed);
    assert.deepEqual(d.charged.map((c) => c.used), [{ pods: '2', 'requests.cpu': '200m' }]);
  });

  it('refuses the pod that would pass a limit, with kube\'s message naming only what is exceeded', () => {
    const d = checkRequest([quota('q', { pods: '2', 'requests.cpu': '1' }, { pods: '2', 'requests.cpu': '200m' })], pods, create(small));
    assert.deepEqual(d, { allowed: false, reason: 'exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' });
    const two = checkRequest([quota('compute', { 'requests.cpu': '150m', 'requests.memory': '100Mi' }, { 'requests.cpu': '100m', 'requests.memory': '64Mi' })], pods, create(small));
    assert.deepEqual(two, {
      allowed: false,
      reason: 'exceeded quota: compute, requested: requests.cpu=100m,requests.memory=64Mi, used: requests.cpu=100m,requests.memory=64Mi, limited: requests.cpu=150m,requests.memory=100Mi',
    });
  });

  it('a quota on limits.cpu refuses a pod that does not set it', () => {
    const bare = pod([{ name: 'app', image: 'x' }]) as KubeObject;
    assert.deepEqual(checkRequest([quota('q', { 'limits.cpu': '2', pods: '5' }, { 'limits.cpu': '0', pods: '0' })], pods, create(bare)),
      { allowed: false, reason: 'failed quota: q: must specify limits.cpu for: app' });
  });

  it('a quota the controller has measured only in part is "status unknown"; one not measured at all does not apply', () => {
    const q = quota('q', { pods: '2', 'count/pods': '5' }, { pods: '0' });
    assert.deepEqual(checkRequest([q], pods, create(small)), { allowed: false, reason: 'status unknown for quota: q, resources: count/pods,pods' });
    const fresh: ResourceQuota = { metadata: { name: 'new' }, spec: { hard: { pods: '0' } } };
    assert.deepEqual(checkRequest([fresh], pods, create(small)), { allowed: true, charged: [] });
  });

  it('scoped quotas apply only to pods in their scopes; non-pod kinds are in no scope', () => {
    const best = quota('best', { pods: '0' }, { pods: '0' }, { scopes: ['BestEffort'] });
    assert.equal(quotaMatches(best, pods, small), false);
    assert.deepEqual(checkRequest([best], pods, create(small)), { allowed: true, charged: [] });
    const bare = pod([{ name: 'app', image: 'x' }]) as KubeObject;
    assert.equal(checkRequest([best], pods, create(bare)).allowed, false);
    const cms = evaluatorFor('', 'configmaps');
    assert.equal(quotaMatches(quota('s', { configmaps: '0' }, { configmaps: '0' }, { scopes: ['NotTerminating'] }), cms, {}), false);
  });

  it('an update is charged only for what it adds: a Service turned NodePort takes its node ports', () => {
    const services = evaluatorFor('', 'services');
    const old = { metadata: { name: 's' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } } as KubeObject;
    const next = { metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } as KubeObject;
    const q = quota('q', { services: '1', 'services.nodeports': '1' }, { services: '1', 'services.nodeports': '0' });
    const d = checkRequest([q], services, { operation: 'UPDATE', object: next, oldObject: old, nowMs: now });
    assert.ok(d.allowed);
    assert.deepEqual(d.charged[0].used, { services: '1', 'services.nodeports': '1' });
    // Pods are charged again on update only when they move between Terminating and NotTerminating.
    assert.deepEqual(checkRequest([quota('p', { pods: '0' }, { pods: '0' })], pods, { operation: 'UPDATE', object: small, oldObject: small, nowMs: now }),
      { allowed: true, charged: [] });
  });

  it('object counts: the third ConfigMap over count/configmaps=2', () => {
    const d = checkRequest([quota('objects', { 'count/configmaps': '2' }, { 'count/configmaps': '2' })], evaluatorFor('', 'configmaps'), create({}));
    assert.deepEqual(d, { allowed: false, reason: 'exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=2, limited: count/configmaps=2' });
  });
});
