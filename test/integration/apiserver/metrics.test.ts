// The resource metrics API (metrics.k8s.io/v1beta1) of a real apiserver, fed by a fake kubelet: an HTTPS server
// answering /stats/summary with known figures, on the address and port its Node reports. A second node's kubelet
// is dead (nothing listens on its port). Real kubectl top and get --raw, and skiffctl top next to kubectl, must show
// the fake kubelet's numbers, leave the dead node out, and fail for unknown names as metrics-server does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, registerNodeAt, startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { startFakeKubelet, type FakeKubelet } from '../../helpers/fake-kubelet.ts';
import { both, kubectl as runKubectl, type RunResult } from '../cli/harness.ts';

let api: TestApiserver;
let kubelet: FakeKubelet;
let summaryRequests = 0;

const sampled = new Date(Date.now() - 3000).toISOString();
const usage = (nanoCores: number | undefined, bytes: number) => ({
  cpu: { time: sampled, usageCoreNanoSeconds: 9e12, ...(nanoCores === undefined ? {} : { usageNanoCores: nanoCores }) },
  memory: { time: sampled, workingSetBytes: bytes },
});
const Mi = 1024 * 1024;
const summary = {
  node: { nodeName: 'n1', ...usage(123_456_789, 1536 * Mi) },
  pods: [
    { podRef: { name: 'web', namespace: 'default' }, containers: [{ name: 'app', ...usage(250_000_000, 100 * Mi) }, { name: 'side', ...usage(1_234_567, 5 * Mi + 4096) }] },
    { podRef: { name: 'db', namespace: 'default' }, containers: [{ name: 'pg', ...usage(500_000_000, 50 * Mi) }] },
    // Started after the kubelet's last sample: no rate yet, so no metrics.
    { podRef: { name: 'fresh', namespace: 'default' }, containers: [{ name: 'c', ...usage(undefined, 4096) }] },
    { podRef: { name: 'dns', namespace: 'kube-system' }, containers: [{ name: 'dns', ...usage(3_000_000, 20 * Mi) }] },
    // Its Pod is Pending as far as the API is concerned: metrics-server does not count it.
    { podRef: { name: 'pending', namespace: 'default' }, containers: [{ name: 'c', ...usage(1_000_000, Mi) }] },
  ],
};

async function ok(method: string, url: string, body: unknown): Promise<Record<string, any>> {
  const res = await api.request(method, url, { body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
  return res.body;
}

before(async () => {
  api = await startApiserver();
  kubelet = await startFakeKubelet((req, res) => {
    if (req.url !== '/stats/summary') {
      res.writeHead(404).end();
      return;
    }
    summaryRequests++;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(summary));
  });
  const nodes: [string, number, Record<string, string>][] = [
    ['n1', kubelet.port, { zone: 'a' }],
    ['n2', await freePort(), { zone: 'b' }],
  ];
  for (const [name, port, labels] of nodes) {
    await registerNodeAt(api, name, port, {
      labels,
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
        capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '1800m', memory: '3Gi', pods: '110' },
      },
    });
  }
  const pods: [string, string, string[], string, string][] = [
    ['default', 'web', ['app', 'side'], 'Running', 'n1'],
    ['default', 'db', ['pg'], 'Running', 'n1'],
    ['default', 'fresh', ['c'], 'Running', 'n1'],
    ['kube-system', 'dns', ['dns'], 'Running', 'n1'],
    ['default', 'pending', ['c'], 'Pending', 'n1'],
    ['default', 'lost', ['c'], 'Running', 'n2'],
  ];
  for (const [namespace, name, containers, phase, nodeName] of pods) {
    const pod = await ok('POST', `/api/v1/namespaces/${namespace}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name, tier: name === 'dns' ? 'system' : 'app' } },
      spec: { nodeName, containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
    });
    await ok('PUT', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { ...pod, status: { phase } });
  }
});

after(async () => {
  await api.stop();
  api.cleanup();
  kubelet.close();
});

const kubectl = (...args: string[]): Promise<RunResult> => runKubectl(['--kubeconfig', api.kubeconfig, ...args]);

/** kubectl and skiffctl agree, exit code included; answers kubectl's result. */
async function same(...args: string[]): Promise<RunResult> {
  const [k, s] = await both(api, args);
  assert.deepEqual({ stdout: s.stdout, stderr: s.stderr, code: s.code }, { stdout: k.stdout, stderr: k.stderr, code: k.code }, args.join(' '));
  return k;
}

describe('metrics.k8s.io in discovery', () => {
  it('lists nodes and pods (get, list) under metrics.k8s.io/v1beta1', async () => {
    const r = await kubectl('api-resources', '--api-group=metrics.k8s.io', '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^nodes\s+metrics\.k8s\.io\/v1beta1\s+false\s+NodeMetrics\s+get,list\s*$/m);
    assert.match(r.stdout, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics\s+get,list\s*$/m);
    const groups = await api.request('GET', '/apis');
    assert.equal(groups.body.groups.at(-1).name, 'metrics.k8s.io');
    await same('api-versions');
  });
});

describe('NodeMetrics and PodMetrics', () => {
  it('serve the fake kubelet\'s figures; the dead kubelet\'s node is left out', async () => {
    const r = await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes');
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.equal(list.kind, 'NodeMetricsList');
    assert.equal(list.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.equal(list.items.length, 1);
    const [n1] = list.items;
    assert.equal(n1.metadata.name, 'n1');
    assert.deepEqual(n1.metadata.labels, { zone: 'a' });
    assert.deepEqual(n1.usage, { cpu: '123456789n', memory: '1536Mi' });
    assert.equal(n1.window, '10s');
    assert.equal(n1.timestamp, sampled.replace(/\.\d+Z$/, 'Z'));
    assert.match(api.logs(), /"node":"n2".*node left out of metrics/);
  });

  it('get of one pod, and lists in a namespace and across all of them', async () => {
    const web = JSON.parse((await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web')).stdout);
    assert.equal(web.kind, 'PodMetrics');
    assert.deepEqual(web.metadata.labels, { app: 'web', tier: 'app' });
    assert.deepEqual(web.containers, [
      { name: 'app', usage: { cpu: '250m', memory: '100Mi' } },
      { name: 'side', usage: { cpu: '1234567n', memory: '5124Ki' } },
    ]);
    const names = async (p: string) => JSON.parse((await kubectl('get', '--raw', p)).stdout).items
      .map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`);
    assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods'), ['default/db', 'default/web']);
    assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/pods'), ['default/db', 'default/web', 'kube-system/dns']);
    assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=tier%3Dsystem'), ['kube-system/dns']);
    assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Dweb'), ['default/web']);
    assert.deepEqual(await names('/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.namespace%21%3Ddefault'), ['kube-system/dns']);
    const nodes = JSON.parse((await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=zone%3Db')).stdout);
    assert.deepEqual(nodes.items, []);
  });

  it('answers NotFound as metrics-server does', async () => {
    const cases: [string, number, string][] = [
      ['/apis/metrics.k8s.io/v1beta1/nodes/n2', 404, 'nodemetrics.metrics.k8s.io "n2" not found'],
      ['/apis/metrics.k8s.io/v1beta1/nodes/nx', 404, 'node "nx" not found'],
      ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/fresh', 404, 'podmetrics.metrics.k8s.io "default/fresh" not found'],
      ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/lost', 404, 'podmetrics.metrics.k8s.io "default/lost" not found'],
      ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/pending', 404, 'pods "pending" not found'],
      ['/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope', 404, 'pods "nope" not found'],
      ['/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dn1', 400, '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"'],
      ['/apis/metrics.k8s.io/v1beta1/nodes?watch=1', 405, 'watch is not supported on resources of kind "nodes.metrics.k8s.io"'],
    ];
    for (const [url, code, message] of cases) {
      const res = await api.request('GET', url);
      assert.equal(res.status, code, url);
      assert.equal(res.body.kind, 'Status', url);
      assert.equal(res.body.message, message, url);
    }
    const post = await api.request('POST', '/apis/metrics.k8s.io/v1beta1/nodes', { body: { kind: 'NodeMetrics' } });
    assert.equal(post.status, 405);
    assert.equal((await api.request('GET', '/apis/metrics.k8s.io/v1beta1/nodes', { token: null })).status, 401);
    const fresh = await kubectl('top', 'pod', 'fresh');
    assert.equal(fresh.stderr, 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/fresh" not found\n');
  });

  it('asks a kubelet once for requests in quick succession', async () => {
    await api.request('GET', '/apis/metrics.k8s.io/v1beta1/nodes/n1');
    const before = summaryRequests;
    for (let i = 0; i < 3; i++) assert.equal((await api.request('GET', '/apis/metrics.k8s.io/v1beta1/pods')).status, 200);
    assert.ok(summaryRequests - before <= 1, `${summaryRequests - before} scrapes`);
  });

  it('prints as a table for kubectl get', async () => {
    const r = await kubectl('get', 'podmetrics', '-A');
    assert.equal(r.stdout, [
      'NAMESPACE     NAME   CPU          MEMORY     WINDOW',
      'default       db     500m         50Mi       10s',
      'default       web    251234567n   107524Ki   10s',
      'kube-system   dns    3m           20Mi       10s',
      '',
    ].join('\n'));
  });
});

describe('kubectl top and skiffctl top', () => {
  it('top node: usage and share of allocatable, <unknown> for the dead kubelet\'s node', async () => {
    const r = await same('top', 'node');
    assert.equal(r.stdout, [
      'NAME   CPU(cores)   CPU%        MEMORY(bytes)   MEMORY%     ',
      'n1     124m         6%          1536Mi          50%         ',
      'n2     <unknown>    <unknown>   <unknown>       <unknown>   ',
      '',
    ].join('\n'));
    assert.match((await same('top', 'node', 'n1', '--show-capacity', '--no-headers')).stdout, /^n1\s+124m\s+6%\s+1536Mi\s+37%\s+$/);
    assert.equal((await same('top', 'node', 'n2')).stderr, 'Error from server (NotFound): nodemetrics.metrics.k8s.io "n2" not found\n');
    assert.equal((await same('top', 'node', 'nx')).stderr, 'Error from server (NotFound): node "nx" not found\n');
    assert.equal((await same('top', 'node', '-l', 'zone=b')).stderr, 'error: metrics not available yet\n');
    await same('top', 'node', '--sort-by=memory');
    assert.equal((await same('top', 'node', '--sort-by=disk')).stderr, 'error: --sort-by accepts only cpu or memory\n');
  });

  it('top pod: sums of containers, per container, across namespaces, with a total', async () => {
    assert.equal((await same('top', 'pod')).stdout, [
      'NAME   CPU(cores)   MEMORY(bytes)   ',
      'db     500m         50Mi            ',
      'web    252m         105Mi           ',
      '',
    ].join('\n'));
    assert.equal((await same('top', 'pod', '-A', '--containers', '--sum')).stdout, [
      'NAMESPACE     POD   NAME   CPU(cores)   MEMORY(bytes)   ',
      'default       db    pg     500m         50Mi            ',
      'default       web   app    250m         100Mi           ',
      'default       web   side   2m           5Mi             ',
      'kube-system   dns   dns    3m           20Mi            ',
      '                           ________     ________        ',
      '                           755m         175Mi           ',
      '',
    ].join('\n'));
    for (const args of [
      ['top', 'pod', 'web', '--containers'], ['top', 'pods', '--sort-by=cpu'], ['top', 'po', '--sort-by=memory', '--containers'],
      ['top', 'pod', '-n', 'kube-system', '--no-headers'], ['top', 'pod', '-A', '--no-headers', '--containers', '--sum'],
      ['top', 'pod', '-l', 'tier=app', '--sum'], ['top', 'pod', '--field-selector', 'metadata.name=db'],
    ]) await same(...args);
  });

  it('top pod: no metrics, no pods, bad requests', async () => {
    assert.equal((await same('top', 'pod', 'fresh')).stderr, 'Error from server (NotFound): podmetrics.metrics.k8s.io "default/fresh" not found\n');
    assert.equal((await same('top', 'pod', 'pending')).stderr, 'Error from server (NotFound): pods "pending" not found\n');
    // Pods match, none has metrics yet (all younger than two minutes).
    assert.equal((await same('top', 'pod', '-l', 'app=fresh')).stderr, 'error: metrics not available yet\n');
    const none = await same('top', 'pod', '-l', 'app=none');
    assert.deepEqual([none.stdout, none.stderr, none.code], ['', 'No resources found in default namespace.\n', 0]);
    assert.equal((await same('top', 'pod', '-A', '-l', 'app=none')).stderr, 'No resources found\n');
    assert.match((await same('top', 'pod', '--field-selector', 'spec.nodeName=n1')).stderr, /^Error from server \(BadRequest\): "spec\.nodeName" is not a known field selector/);
    assert.equal((await same('top', 'pod', 'web', '-l', 'a=b')).stderr, 'error: only one of NAME or selector can be provided\n');
    assert.equal((await same('top', 'pod', '-l', 'a=(')).stderr, "error: unable to parse requirement: found '(', expected: identifier\n");
  });
});
