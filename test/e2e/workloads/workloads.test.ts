// The workload controllers on a real two-node cluster (the launcher's), driven by real kubectl: a Deployment rolled
// from one image tag to another and back, a Job, a CronJob, a DaemonSet on both nodes, a namespace deleted with
// everything in it, a killed node agent's pods recreated on the other node, and a controller-manager killed and
// restarted without duplicating pods.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

let cluster: Awaited<ReturnType<typeof testCluster>>;


async function podsOf(selector: string, namespace = 'default'): Promise<{ name: string; node: string; phase: string; image: string }[]> {
  const out = await cluster.kubectl('get', 'pods', '-n', namespace, '-l', selector, '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.phase} {.spec.containers[0].image} {.metadata.deletionTimestamp}{"\\n"}{end}');
  return out.split('\n').filter(Boolean).map((l) => l.split(' ')).filter((f) => !f[4])
    .map(([name, node, phase, image]) => ({ name, node, phase, image }));
}

const sleeper = (name: string, replicas: number, image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: ${image}, command: [sleep, '3600']}]
`;

before(async () => {
  cluster = await testCluster({ name: 'wl', nodes: 2 });
  // A short node grace period, so that a killed kubelet's node is noticed in seconds; the kubelets renew their
  // Leases every 2 s (a quarter of 8), well inside it, so that live nodes never read as gone.
  const up = await cluster.up('--extra-arg', 'controller-manager=--node-monitor-grace-period=8s',
    '--extra-arg', 'controller-manager=--node-monitor-period=1s', '--extra-arg', 'kubelet=--node-lease-duration-seconds=8');
  assert.equal(up.code, 0, up.stdout);
});
after(async () => {
  await cluster.reset();
});

describe('workloads on a real cluster', () => {
  it('rolls a Deployment from one image tag to another, rolls it back and scales it (kubectl rollout)', async () => {
    await cluster.kubectl.apply(sleeper('roll', 3, 'skiff.local/busybox:v1'));
    assert.match(await cluster.kubectl('rollout', 'status', 'deployment/roll', '--timeout=120s'), /successfully rolled out/);
    await cluster.kubectl('set', 'image', 'deployment/roll', 'main=skiff.local/busybox:v2');
    assert.match(await cluster.kubectl('rollout', 'status', 'deployment/roll', '--timeout=120s'), /successfully rolled out/);
    let pods = await podsOf('app=roll');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.image === 'skiff.local/busybox:v2' && p.phase === 'Running'), JSON.stringify(pods));
    assert.match(await cluster.kubectl('rollout', 'history', 'deployment/roll'), /^1\s/m);
    await cluster.kubectl('rollout', 'undo', 'deployment/roll');
    assert.match(await cluster.kubectl('rollout', 'status', 'deployment/roll', '--timeout=120s'), /successfully rolled out/);
    pods = await waitFor('v1 pods only', async () => {
      const p = await podsOf('app=roll');
      return p.length === 3 && p.every((x) => x.image === 'skiff.local/busybox:v1') ? p : undefined;
    }, 60_000);
    await cluster.kubectl('scale', 'deployment/roll', '--replicas=5');
    assert.match(await cluster.kubectl('rollout', 'status', 'deployment/roll', '--timeout=120s'), /successfully rolled out/);
    assert.match(await cluster.kubectl('get', 'deploy', 'roll'), /^roll\s+5\/5\s+5\s+5\s/m);
    const nodes = new Set((await podsOf('app=roll')).map((p) => p.node));
    assert.equal(nodes.size, 2, 'the scheduler spreads the replicas over both nodes');
  });

  it('runs a Job with completions 3 and parallelism 2 to completion', async () => {
    await cluster.kubectl.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: three}
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: work, image: skiff.local/busybox, command: [sh, -c, 'sleep 1; echo done']}]
`);
    await cluster.kubectl('wait', '--for=condition=Complete', 'job/three', '--timeout=120s');
    const out = await cluster.kubectl('get', 'job', 'three');
    assert.match(out, /^three\s+Complete\s+3\/3\s/m);
    assert.equal((await podsOf('job-name=three')).filter((p) => p.phase === 'Succeeded').length, 3);
  });

  it('runs a DaemonSet pod on each of the two nodes', async () => {
    await cluster.kubectl.apply(`
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: agent, image: skiff.local/busybox, command: [sleep, '3600']}]
`);
    // rollout status alone may answer while a node is still tainted not-ready (nothing desired there yet).
    const pods = await waitFor('an agent Running on each node', async () => {
      const p = (await podsOf('app=agent')).filter((x) => x.phase === 'Running');
      return p.length === cluster.nodeNames.length ? p : undefined;
    }, 120_000);
    assert.deepEqual(pods.map((p) => p.node).sort(), [...cluster.nodeNames].sort());
    assert.match(await cluster.kubectl('rollout', 'status', 'daemonset/agent', '--timeout=120s'), /successfully rolled out/);
  });

  it('fires a CronJob every minute', async () => {
    await cluster.kubectl.apply(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: '* * * * *'
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: tick, image: skiff.local/busybox, command: [date]}]
`);
    const job = await waitFor('a Job from the CronJob', async () => {
      const out = await cluster.kubectl('get', 'jobs', '-o', 'jsonpath={.items[*].metadata.name}');
      return out.split(' ').find((n) => n.startsWith('tick-'));
    }, 75_000);
    await cluster.kubectl('wait', '--for=condition=Complete', `job/${job}`, '--timeout=60s');
    assert.match(await cluster.kubectl('get', 'cronjob', 'tick', '-o', 'jsonpath={.status.lastScheduleTime}'), /^\d{4}-/);
  });

  it('deleting a namespace deletes everything in it, then the namespace', async () => {
    await cluster.kubectl('create', 'namespace', 'scratch');
    await cluster.kubectl('create', 'deployment', 'tmp', '-n', 'scratch', '--image=skiff.local/busybox', '--replicas=2', '--', 'sleep', '3600');
    await cluster.kubectl('create', 'configmap', 'cfg', '-n', 'scratch', '--from-literal=a=b');
    await waitFor('tmp pods running', async () => ((await podsOf('app=tmp', 'scratch')).filter((p) => p.phase === 'Running').length === 2 ? true : undefined), 60_000);
    await cluster.kubectl('delete', 'namespace', 'scratch', '--timeout=120s');
    assert.match(await cluster.kubectlFails('get', 'namespace', 'scratch'), /NotFound/);
    assert.equal((await cluster.kubectl('get', 'pods', '-A', '--no-headers')).split('\n').filter((l) => l.startsWith('scratch ')).length, 0);
  });

  it('a controller-manager killed and restarted does not duplicate pods', async () => {
    await cluster.kubectl.apply(sleeper('steady', 4, 'skiff.local/busybox:v1'));
    await cluster.kubectl('rollout', 'status', 'deployment/steady', '--timeout=120s');
    const before = (await podsOf('app=steady')).map((p) => p.name).sort();
    const pid = Number(readFileSync(path.join(cluster.stateDir, 'run', 'controller-manager.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const restarted = await cluster.launcher('up');
    assert.equal(restarted.code, 0, restarted.stdout);
    assert.match(restarted.stdout, /^started controller-manager/m);
    // Give the new leader time to sync and (wrongly) act; then the same four pods must be there.
    await new Promise((r) => setTimeout(r, 5000));
    assert.deepEqual((await podsOf('app=steady')).map((p) => p.name).sort(), before);
    assert.match(await cluster.kubectl('get', 'deploy', 'steady'), /^steady\s+4\/4\s/m);
  });

  it('a killed node agent\'s pods are evicted and recreated on the other node', async () => {
    await cluster.kubectl.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: survivor}
spec:
  replicas: 4
  selector: {matchLabels: {app: survivor}}
  template:
    metadata: {labels: {app: survivor}}
    spec:
      terminationGracePeriodSeconds: 1
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2}
      containers: [{name: main, image: skiff.local/busybox, command: [sleep, '3600']}]
`);
    await cluster.kubectl('rollout', 'status', 'deployment/survivor', '--timeout=120s');
    const [, victim] = cluster.nodeNames;
    const onVictim = (await podsOf('app=survivor')).filter((p) => p.node === victim);
    assert.ok(onVictim.length > 0, 'the scheduler put some replicas on the second node');
    const pid = Number(readFileSync(path.join(cluster.stateDir, 'run', `kubelet-${victim}.pid`), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitFor(`${victim} Unknown and tainted`, async () => {
      const taints = await cluster.kubectl('get', 'node', victim, '-o', 'jsonpath={.spec.taints[*].key}');
      return taints.includes('node.kubernetes.io/unreachable') ? true : undefined;
    }, 60_000);
    const moved = await waitFor('4 Running replicas on the surviving node', async () => {
      const pods = (await podsOf('app=survivor')).filter((p) => p.phase === 'Running' && p.node === cluster.nodeNames[0]);
      return pods.length === 4 ? pods : undefined;
    }, 90_000);
    assert.equal(moved.length, 4);
    const events = await cluster.kubectl('get', 'events', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={.items[*].involvedObject.name}');
    for (const p of onVictim) assert.ok(events.includes(p.name), `${p.name} evicted: ${events}`);
    // The node agent comes back (as systemd would restart it): the node is Ready and untainted again.
    const back = await cluster.launcher('up');
    assert.equal(back.code, 0, back.stdout);
    await waitFor(`${victim} untainted`, async () => {
      const taints = await cluster.kubectl('get', 'node', victim, '-o', 'jsonpath={.spec.taints[*].key}');
      return taints.includes('unreachable') ? undefined : true;
    }, 60_000);
  });
});
