// A StatefulSet on a real cluster with local-path volumes: pods made in order with stable names and DNS names,
// scaled down from the highest ordinal, its PersistentVolumeClaims kept, and a pod that comes back finding its data.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

let cluster: Awaited<ReturnType<typeof testCluster>>;


const manifest = (replicas: number): string => `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: tcp, port: 7000}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: ${replicas}
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: db
        image: skiff.local/busybox
        command: [sh, -c, 'touch /tmp/ready; exec sleep 3600']
        readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 1}
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

async function pods(): Promise<{ name: string; created: number }[]> {
  const out = await cluster.kubectl('get', 'pods', '-l', 'app=db', '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.metadata.creationTimestamp} {.status.phase} {.metadata.deletionTimestamp}{"\\n"}{end}');
  return out.split('\n').filter(Boolean).map((l) => l.split(' ')).filter((f) => f[2] === 'Running' && !f[3])
    .map(([name, created]) => ({ name, created: Date.parse(created) })).sort((a, b) => a.name.localeCompare(b.name));
}

before(async () => {
  cluster = await testCluster({ name: 'sts' });
  const up = await cluster.up();
  assert.equal(up.code, 0, up.stdout);
});
after(async () => {
  await cluster.reset();
});

describe('StatefulSet with local-path volumes', () => {
  it('creates db-0, db-1, db-2 in order, each with its own bound claim', async () => {
    await cluster.kubectl.apply(manifest(3));
    await cluster.kubectl('rollout', 'status', 'statefulset/db', '--timeout=120s');
    const p = await pods();
    assert.deepEqual(p.map((x) => x.name), ['db-0', 'db-1', 'db-2']);
    assert.ok(p[0].created <= p[1].created && p[1].created <= p[2].created, 'OrderedReady creates one after another');
    const claims = await cluster.kubectl('get', 'pvc', '--no-headers');
    for (const n of ['data-db-0', 'data-db-1', 'data-db-2']) assert.match(claims, new RegExp(`^${n}\\s+Bound\\s+pvc-\\S+\\s+1Gi\\s+RWO\\s+local-path`, 'm'));
  });

  it('gives each pod a stable DNS name through the headless Service', async () => {
    const ip = (await cluster.kubectl('get', 'pod', 'db-1', '-o', 'jsonpath={.status.podIP}')).trim();
    const out = await cluster.kubectl('exec', 'db-0', '--', 'nslookup', 'db-1.db.default.svc.cluster.local');
    assert.ok(out.includes(ip), out);
  });

  it('scales down from the highest ordinal and keeps the claims; a returning pod finds its data', async () => {
    await cluster.kubectl('exec', 'db-1', '--', 'sh', '-c', 'echo kept > /data/marker');
    await cluster.kubectl('scale', 'statefulset/db', '--replicas=1');
    await waitFor('only db-0 left', async () => {
      const p = await pods();
      return p.length === 1 && p[0].name === 'db-0' ? true : undefined;
    }, 60_000);
    const claims = await cluster.kubectl('get', 'pvc', '--no-headers');
    assert.equal(claims.split('\n').filter((l) => /^data-db-\d\s+Bound/.test(l)).length, 3, claims);
    await cluster.kubectl('scale', 'statefulset/db', '--replicas=2');
    await cluster.kubectl('rollout', 'status', 'statefulset/db', '--timeout=120s');
    assert.equal((await cluster.kubectl('exec', 'db-1', '--', 'cat', '/data/marker')).trim(), 'kept');
  });
});
