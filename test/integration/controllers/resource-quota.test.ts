// LimitRange and ResourceQuota enforced by a real apiserver, with the resource-quota controller (and the
// deployment and replicaset controllers) running in the test process and real kubectl as the user. No kubelet:
// the pods are never bound, so deleting one removes it at once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-quota-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, ['resourcequota-controller', 'deployment-controller', 'replicaset-controller']
    .map((n) => controllerFactories[n]));
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const podYaml = (name: string, namespace: string, resources = '') => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  containers:
  - name: app
    image: busybox
${resources}`;

const quotaYaml = (name: string, namespace: string, hard: Record<string, string>) => `apiVersion: v1
kind: ResourceQuota
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  hard:
${Object.entries(hard).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}
`;

/** The quota as the controller last wrote it, once it says `used` for every name. */
async function quotaUsed(namespace: string, name: string, want?: Record<string, string>): Promise<Record<string, string>> {
  return waitFor(`quota ${namespace}/${name} used ${JSON.stringify(want ?? 'measured')}`, async () => {
    const res = await api.request('GET', `/api/v1/namespaces/${namespace}/resourcequotas/${name}`);
    const used = res.body?.status?.used as Record<string, string> | undefined;
    const hard = res.body?.spec?.hard as Record<string, string> | undefined;
    if (!used || !hard || Object.keys(hard).some((k) => !(k in used))) return undefined;
    if (want && JSON.stringify(used) !== JSON.stringify(want)) return undefined;
    return used;
  }, 15_000);
}

describe('LimitRange', () => {
  before(async () => {
    await kubectl('create', 'namespace', 'limits');
    await kubectl.apply(`apiVersion: v1
kind: LimitRange
metadata:
  name: cpu-mem
  namespace: limits
spec:
  limits:
  - type: Container
    default:
      cpu: 500m
      memory: 128Mi
    defaultRequest:
      cpu: 100m
    max:
      cpu: "1"
`);
  });

  it('a pod without resources gets the defaults, and the annotation says so (kubectl get -o yaml)', async () => {
    await kubectl.apply(podYaml('plain', 'limits'));
    const yaml = await kubectl('get', 'pod', 'plain', '-n', 'limits', '-o', 'yaml');
    // YAML folds the long annotation; jsonpath shows it whole.
    assert.match(yaml, /kubernetes\.io\/limit-ranger: 'LimitRanger plugin set: cpu, memory request for container\s+app; cpu, memory limit for container app'/);
    assert.equal(await kubectl('get', 'pod', 'plain', '-n', 'limits', '-o', 'jsonpath={.metadata.annotations.kubernetes\\.io/limit-ranger}'),
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
    assert.match(yaml, /resources:\n\s+limits:\n\s+cpu: 500m\n\s+memory: 128Mi\n\s+requests:\n\s+cpu: 100m\n\s+memory: 128Mi/);
    assert.match(yaml, /qosClass: Burstable/);
  });

  it('a pod over the max is refused with kube\'s message', async () => {
    const out = await kubectl.apply(podYaml('hog', 'limits', `    resources:
      limits:
        cpu: "2"
`)).then(() => 'admitted', (e: Error) => e.message);
    assert.match(out, /Error from server \(Forbidden\): error when creating "STDIN": pods "hog" is forbidden: maximum cpu usage per Container is 1, but limit is 2\n/);
  });
});

describe('ResourceQuota', () => {
  it('a quota of 2 pods refuses the third with kube\'s message; get and describe show used/hard', async () => {
    await kubectl('create', 'namespace', 'quota');
    await kubectl.apply(quotaYaml('pod-quota', 'quota', { pods: '2' }));
    await quotaUsed('quota', 'pod-quota', { pods: '0' });
    await kubectl.apply(podYaml('p1', 'quota'));
    await kubectl.apply(podYaml('p2', 'quota'));
    const refused = await kubectl.apply(podYaml('p3', 'quota')).then(() => 'admitted', (e: Error) => e.message);
    assert.match(refused, /Error from server \(Forbidden\): error when creating "STDIN": pods "p3" is forbidden: exceeded quota: pod-quota, requested: pods=1, used: pods=2, limited: pods=2\n/);
    assert.match(await kubectl('get', 'quota', '-n', 'quota'), /^NAME\s+REQUEST\s+LIMIT\s+AGE\npod-quota\s+pods: 2\/2\s+\d+s$/m);
    const described = await kubectl('describe', 'quota', 'pod-quota', '-n', 'quota');
    assert.match(described, /^Name:\s+pod-quota$/m);
    assert.match(described, /^Resource\s+Used\s+Hard$/m);
    assert.match(described, /^pods\s+2\s+2$/m);
  });

  it('deleting a pod frees its slot once the controller has measured again', async () => {
    await kubectl('delete', 'pod', 'p1', '-n', 'quota');
    await quotaUsed('quota', 'pod-quota', { pods: '1' });
    await kubectl.apply(podYaml('p3', 'quota'));
    assert.match(await kubectl('get', 'quota', 'pod-quota', '-n', 'quota'), /pods: 2\/2/);
  });

  it('a quota on limits.cpu refuses a pod that does not state it', async () => {
    await kubectl('create', 'namespace', 'compute');
    await kubectl.apply(quotaYaml('compute', 'compute', { 'limits.cpu': '1', 'requests.memory': '1Gi' }));
    await quotaUsed('compute', 'compute');
    const refused = await kubectl.apply(podYaml('bare', 'compute')).then(() => 'admitted', (e: Error) => e.message);
    assert.match(refused, /pods "bare" is forbidden: failed quota: compute: must specify limits\.cpu for: app; requests\.memory for: app\n/);
    await kubectl.apply(podYaml('sized', 'compute', `    resources:
      limits:
        cpu: 600m
        memory: 256Mi
`));
    await quotaUsed('compute', 'compute', { 'limits.cpu': '600m', 'requests.memory': '256Mi' });
    assert.match(await kubectl('get', 'quota', '-n', 'compute'), /requests\.memory: 256Mi\/1Gi\s+limits\.cpu: 600m\/1/);
  });

  it('of ten creates racing for the last three slots exactly three are admitted', async () => {
    await kubectl('create', 'namespace', 'race');
    await kubectl.apply(quotaYaml('race', 'race', { pods: '3' }));
    await quotaUsed('race', 'race', { pods: '0' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => api.request('POST', '/api/v1/namespaces/race/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `r${i}` }, spec: { containers: [{ name: 'app', image: 'busybox' }] } },
    })));
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 201, 201, 403, 403, 403, 403, 403, 403, 403]);
    for (const r of results.filter((x) => x.status === 403)) {
      assert.match(r.body.message, /^pods "r\d" is forbidden: exceeded quota: race, requested: pods=1, used: pods=3, limited: pods=3$/);
      assert.equal(r.body.reason, 'Forbidden');
    }
    const list = await api.request('GET', '/api/v1/namespaces/race/pods');
    assert.equal(list.body.items.length, 3);
    // The controller, measuring what is stored, agrees with what admission charged.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.deepEqual(await quotaUsed('race', 'race'), { pods: '3' });
  });

  it('a Deployment under quota gets FailedCreate events on its ReplicaSet with the quota message', async () => {
    await kubectl('create', 'namespace', 'deploy');
    await kubectl.apply(quotaYaml('deploy-quota', 'deploy', { pods: '2' }));
    await quotaUsed('deploy', 'deploy-quota', { pods: '0' });
    await kubectl('create', 'deployment', 'web', '--image=busybox', '--replicas=3', '-n', 'deploy');
    const event = await waitFor('a FailedCreate event', async () => {
      const res = await api.request('GET', '/api/v1/namespaces/deploy/events');
      return (res.body.items as { reason: string; message: string; involvedObject: { kind: string; name: string } }[])
        .find((e) => e.reason === 'FailedCreate' && e.involvedObject.kind === 'ReplicaSet');
    }, 20_000);
    assert.match(event.involvedObject.name, /^web-[a-z0-9]+$/);
    assert.match(event.message, new RegExp(`^Error creating: pods "${event.involvedObject.name}-[a-z0-9]{5}" is forbidden: exceeded quota: deploy-quota, requested: pods=1, used: pods=2, limited: pods=2$`));
    const pods = await api.request('GET', '/api/v1/namespaces/deploy/pods');
    assert.equal(pods.body.items.length, 2);
    const rs = await kubectl('describe', 'rs', event.involvedObject.name, '-n', 'deploy');
    assert.match(rs, /ReplicaFailure\s+True\s+FailedCreate/);
    assert.match(rs, /Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods ".*" is forbidden: exceeded quota: deploy-quota/);
  });
});
