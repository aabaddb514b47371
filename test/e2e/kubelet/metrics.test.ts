// Resource metrics on a real cluster (the launcher's): the kubelet samples Docker's stats every 10 s, the
// apiserver serves metrics.k8s.io from the kubelets' /stats/summary, and real `kubectl top` (and skiffctl top) show
// what the pods really use: a busy loop held to 200m by its CPU limit, and 64 MiB written to a memory-backed
// emptyDir (tmpfs pages count in the writer's cgroup, so in its working set).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';
import { run, skiffctlCommand } from '../../integration/cli/harness.ts';

let cluster: Awaited<ReturnType<typeof testCluster>>;

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: burner, labels: {app: metrics-e2e}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: burn
    image: skiff.local/busybox:v1
    command: [sh, -c, 'while :; do :; done']
    resources: {limits: {cpu: 200m, memory: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: holder, labels: {app: metrics-e2e}}
spec:
  terminationGracePeriodSeconds: 1
  volumes: [{name: ram, emptyDir: {medium: Memory, sizeLimit: 128Mi}}]
  containers:
  - name: hold
    image: skiff.local/busybox:v1
    command: [sh, -c, 'dd if=/dev/zero of=/ram/fill bs=1M count=64 && sleep 3600']
    volumeMounts: [{name: ram, mountPath: /ram}]
    resources: {limits: {memory: 256Mi}}
`;

/** `kubectl top pod` rows by pod name: [cpu in m, memory in Mi]. */
function topRows(text: string): Map<string, [number, number]> {
  const rows = new Map<string, [number, number]>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s+(\d+)m\s+(\d+)Mi\s*$/.exec(line);
    if (m) rows.set(m[1], [Number(m[2]), Number(m[3])]);
  }
  return rows;
}

before(async () => {
  cluster = await testCluster({ name: 'metrics' });
  const up = await cluster.up();
  assert.equal(up.code, 0, up.stdout);
});
after(async () => {
  await cluster.reset();
});

describe('kubectl top on a real cluster', () => {
  it('shows a CPU-limited busy loop near its limit and a pod holding 64 MiB of tmpfs', async (t) => {
    await cluster.kubectl.apply(pods);
    await cluster.kubectl('wait', '--for=condition=Ready', 'pod/burner', 'pod/holder', '--timeout=120s');
    // The kubelet needs two samples (10 s apart) of a container for a rate; then metrics-server's shape is served.
    const usage = await waitFor('both pods in kubectl top pod', async () => {
      const out = await cluster.kubectl('top', 'pod', '-l', 'app=metrics-e2e').catch(() => '');
      const rows = topRows(out);
      return rows.has('burner') && rows.has('holder') ? { out, rows } : undefined;
    }, 90_000);
    const [burnerCpu] = usage.rows.get('burner')!;
    const [, holderMemory] = usage.rows.get('holder')!;
    t.diagnostic(`kubectl top pod: burner ${burnerCpu}m (limit 200m), holder ${holderMemory}Mi (64 MiB in tmpfs)`);
    assert.ok(burnerCpu >= 100 && burnerCpu <= 250, `burner at ${burnerCpu}m (limit 200m)`);
    assert.ok(holderMemory >= 60, `holder at ${holderMemory}Mi (64 MiB written to tmpfs)`);

    const containers = await cluster.kubectl('top', 'pod', 'holder', '--containers');
    assert.match(containers, /^holder\s+hold\s+\d+m\s+\d+Mi\s*$/m);
    const argv = skiffctlCommand();
    const skiff = await run(argv[0], [...argv.slice(1), '--kubeconfig', cluster.kubeconfig, 'top', 'pod', '-l', 'app=metrics-e2e']);
    assert.equal(skiff.code, 0, skiff.stderr);
    assert.deepEqual([...topRows(skiff.stdout).keys()].sort(), ['burner', 'holder']);
  });

  it('shows the node in kubectl top node', async (t) => {
    const out = await waitFor('the node in kubectl top node', async () => {
      const text = await cluster.kubectl('top', 'node').catch(() => '');
      return new RegExp(`^${cluster.nodeNames[0]}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%\\s*$`, 'm').test(text) ? text : undefined;
    }, 60_000);
    t.diagnostic(`kubectl top node: ${out.split('\n')[1]?.trim()}`);
    const raw = JSON.parse(await cluster.kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes'));
    assert.equal(raw.items[0].metadata.name, cluster.nodeNames[0]);
    assert.match(raw.items[0].usage.cpu, /^\d+(n|u|m)?$/);
    assert.match(raw.items[0].usage.memory, /^\d+(Ki|Mi|Gi)?$/);
    assert.equal(raw.items[0].window, '10s');
  });
});
