// skiffctl expose, run (without attaching), explain and top next to kubectl: the services expose makes (selector,
// ports, labels from the object), the pods run makes, explain's pages read from the server's OpenAPI document, and
// top's answer from a server with no kubelets to measure.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, comparable, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'expose');
  for (const ns of [t.kns, t.sns]) {
    assert.equal((await t.kubectl(['create', 'deployment', 'web', '--image=nginx', '--port=80', '-n', ns])).code, 0);
    const file = t.file('multi.yaml', `apiVersion: apps/v1
kind: Deployment
metadata: {name: multi, labels: {tier: edge}}
spec:
  selector: {matchLabels: {app: multi}}
  template:
    metadata: {labels: {app: multi}}
    spec:
      containers:
      - {name: a, image: nginx, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}
      - {name: b, image: nginx, ports: [{containerPort: 53, protocol: TCP}]}
`);
    assert.equal((await t.kubectl(['apply', '-f', file, '-n', ns])).code, 0);
  }
});
after(async () => {
  await api.stop();
  api.cleanup();
});

/** A service as both made it, without what the server assigns (cluster IPs, node ports). */
function service(json: string): unknown {
  const svc = comparable(json) as { spec?: { clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[] } };
  delete svc.spec?.clusterIP;
  delete svc.spec?.clusterIPs;
  for (const p of svc.spec?.ports ?? []) delete p.nodePort;
  return svc;
}

describe('skiffctl expose', () => {
  it('makes the same services as kubectl', async () => {
    for (const [args, name] of [
      [['expose', 'deployment', 'web'], 'web'],
      [['expose', 'deploy/web', '--name=web-np', '--port=8080', '--target-port=80', '--type=NodePort'], 'web-np'],
      [['expose', 'deployment', 'multi'], 'multi'],
      [['expose', 'deployment', 'web', '--name=headless', '--cluster-ip=None', '--selector=app=web', '--labels=a=b', '-o', 'name'], 'headless'],
      [['expose', 'service', 'web', '--name=again', '--port=99'], 'again'],
    ] as const) {
      const [k, s] = await t.both([...args]);
      assertSame(k, s, args.join(' '));
      const [kg, sg] = await Promise.all([t.kubectl(['get', 'svc', name, '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'svc', name, '-n', t.sns, '-o', 'json'])]);
      assert.deepEqual(service(sg.stdout), service(kg.stdout), `service ${name}`);
    }
  });

  it('dry runs and failures', async () => {
    for (const args of [
      ['expose', 'deployment', 'web', '--name=dry', '--dry-run=client', '-o', 'yaml'],
      ['expose', 'deployment', 'web'],
      ['expose', 'configmap', 'x'],
      ['expose', 'deployment', 'missing'],
      ['expose'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
  });
});

describe('skiffctl run', () => {
  it('makes the same pods as kubectl, and fails as it does', async () => {
    for (const args of [
      ['run', 'plain', '--image=busybox'],
      ['run', 'full', '--image=busybox', '--env=A=1', '--labels=app=x,tier=y', '--port=80', '--restart=Never', '--command', '--', 'sleep', '10'],
      ['run', 'args', '--image=busybox', '--dry-run=client', '-o', 'yaml', '--', 'echo', 'hi'],
      ['run', 'plain', '--image=busybox'],
      ['run'],
      ['run', 'x'],
      ['run', 'x', '--image=busybox', '--restart=Sometimes'],
      ['run', 'x', '--image=busybox', '--rm'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
    for (const name of ['plain', 'full']) {
      const [kg, sg] = await Promise.all([t.kubectl(['get', 'pod', name, '-n', t.kns, '-o', 'json']), t.skiffctl(['get', 'pod', name, '-n', t.sns, '-o', 'json'])]);
      assert.deepEqual(comparable(sg.stdout), comparable(kg.stdout), `pod ${name}`);
    }
  });
});

describe('skiffctl explain', () => {
  it('prints the same pages as kubectl for kinds and fields', async () => {
    for (const args of [
      ['explain', 'pods'],
      ['explain', 'pod.spec.containers'],
      ['explain', 'deployments.apps.spec.strategy'],
      ['explain', 'deploy.spec.replicas'],
      ['explain', 'svc.spec.type'],
      ['explain', 'node.spec.taints'],
      ['explain', 'configmap.data'],
      ['explain', 'pod.spec.containers.resources', '--recursive'],
      ['explain', 'statefulset', '--api-version=apps/v1'],
      ['explain', 'pod.spec.nothing'],
      ['explain'],
      ['explain', 'pods', 'services'],
    ]) {
      const [k, s] = await t.both(args, { noNamespace: true });
      assertSame(k, s, args.join(' '));
    }
    const [k, s] = await t.both(['explain', 'podz'], { noNamespace: true });
    assert.equal(s.stderr, `${k.stderr.trimEnd()}; did you mean "pods"?\n`);
    assert.equal(s.code, 1);
  });
});

describe('skiffctl top', () => {
  it('says so when there is no usage to show (no kubelets), as kubectl does', async () => {
    for (const args of [['top', 'node'], ['top', 'pod'], ['top', 'pods', '-A']]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
      if (args[1] === 'node') assert.equal(s.stderr, 'error: metrics not available yet\n');
    }
  });
});
