// Deployment benchmark (issue #5): a 100-replica Deployment on a real cluster started by the launcher (two kubelets
// on this host: one node's 110-pod limit would not hold the rolling update's surge), timed from `kubectl apply` to
// every pod Running, then a rolling update (new image tag) timed until `kubectl rollout status` returns and every
// pod of the new template is Running.
//   npx tsx test/bench/deployment.bench.ts [replicas]
import { testCluster } from '../helpers/cluster.ts';

const replicas = Number(process.argv[2] ?? 100);
const cluster = await testCluster({ name: 'bench', nodes: 2 });


async function runningWith(image: string): Promise<number> {
  const out = await cluster.kubectl('get', 'pods', '-l', 'app=bench', '-o',
    'jsonpath={range .items[*]}{.status.phase} {.spec.containers[0].image} {.metadata.deletionTimestamp}{"\\n"}{end}');
  return out.split('\n').filter((l) => l.split(' ')[0] === 'Running' && l.split(' ')[1] === image && !l.split(' ')[2]).length;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 250));
}

const manifest = (image: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: bench}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: bench}}
  template:
    metadata: {labels: {app: bench}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: main, image: ${image}, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}]
`;

try {
  const up = await cluster.up();
  if (up.code !== 0) throw new Error(up.stdout);
  // Both tags built once up front, so the figures are about starting pods, not building images.
  await cluster.kubectl('run', 'warm1', '--image=skiff.local/busybox:bench1', '--restart=Never', '--', 'true');
  await cluster.kubectl('run', 'warm2', '--image=skiff.local/busybox:bench2', '--restart=Never', '--', 'true');
  await until(async () => /Completed.*\n.*Completed/s.test(await cluster.kubectl('get', 'pods', 'warm1', 'warm2', '--no-headers')));

  let t = Date.now();
  await cluster.kubectl.apply(manifest('skiff.local/busybox:bench1'));
  await until(async () => (await runningWith('skiff.local/busybox:bench1')) === replicas);
  console.log(`${replicas} replicas: apply -> all Running in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  t = Date.now();
  await cluster.kubectl('set', 'image', 'deployment/bench', 'main=skiff.local/busybox:bench2');
  await cluster.kubectl('rollout', 'status', 'deployment/bench', '--timeout=600s');
  const rolled = Date.now();
  await until(async () => (await runningWith('skiff.local/busybox:bench2')) === replicas);
  console.log(`rolling update (maxSurge 25%, maxUnavailable 25%): rollout status done in ${((rolled - t) / 1000).toFixed(1)} s, all new pods Running in ${((Date.now() - t) / 1000).toFixed(1)} s`);
} finally {
  await cluster.reset();
}
