// skiffctl describe against kubectl describe, byte for byte: pods (containers, states, mounts, conditions,
// events), nodes (conditions, capacity, allocated resources, events) and deployments (template, replica sets and
// rollout events, with the deployment and replicaset controllers running), plus the generic layout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newDeploymentController } from '../../../controllers/deployment.ts';
import { newReplicaSetController } from '../../../controllers/replicaset.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { runControllers, type RunningControllers } from '../controllers/harness.ts';
import { createFixtures } from './fixtures.ts';
import { assertSameRun, compare, waitFor } from './harness.ts';

let api: TestApiserver;
let controllers: RunningControllers;

before(async () => {
  api = await startApiserver();
  await createFixtures(api);
  controllers = await runControllers(api, [newDeploymentController, newReplicaSetController]);
  // A rollout: the first template, then a new image, so there are an old and a new ReplicaSet and their events.
  await waitFor(async () => (await api.request('GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items.length === 1, 20_000, () => 'first replicaset');
  const patch = await api.request('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {
    body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } } } },
    contentType: 'application/strategic-merge-patch+json',
  });
  assert.equal(patch.status, 200, patch.text);
  await waitFor(async () => (await api.request('GET', '/apis/apps/v1/namespaces/default/replicasets')).body.items.length === 2, 20_000, () => 'second replicaset');
  await waitFor(async () => {
    const events = (await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.kind%3DDeployment')).body.items;
    return events.length >= 2;
  }, 20_000, () => 'rollout events');
  await controllers.stop();
});
after(async () => {
  await api.stop();
  api.cleanup();
});

async function same(...args: string[]): Promise<string> {
  const [k, s] = await compare(api, args, { tries: 6 });
  assertSameRun(k, s, args.join(' '), assert);
  return s.stdout;
}

describe('skiffctl describe matches kubectl', () => {
  it('a running pod: containers, state, last state, probes, env, mounts, conditions, events', async () => {
    const out = await same('describe', 'pod', 'runner');
    assert.match(out, /^Events:\n  Type +Reason +Age +From +Message$/m);
    assert.match(out, /Back-off restarting failed container app$/m);
  });

  it('pending and failed pods, several at once, and by name prefix', async () => {
    await same('describe', 'pods');
    await same('describe', 'pods', '-A');
    await same('describe', 'pod', 'wait');
    await same('describe', 'pods', '-l', 'app=waiting');
    await same('describe', 'pod/runner', 'pod/waiting');
  });

  it('a node: conditions, capacity, the pods on it, allocated resources, events', async () => {
    const out = await same('describe', 'node', 'node-1');
    assert.match(out, /^Non-terminated Pods: +\(1 in total\)$/m);
    assert.match(out, /NodeReady/);
    await same('describe', 'nodes');
  });

  it('a deployment: template, conditions, old and new replica sets, rollout events', async () => {
    const out = await same('describe', 'deployment', 'web');
    assert.match(out, /^NewReplicaSet: +web-\w+ \(\d+\/\d+ replicas created\)$/m);
    assert.match(out, /ScalingReplicaSet/);
  });

  it('config maps, and the generic layout for other kinds', async () => {
    await same('describe', 'configmap', 'settings');
    await same('describe', 'leases', '-A');
    await same('describe', 'replicasets');
  });

  it('what is not there', async () => {
    await same('describe', 'pod', 'nope');
    await same('describe', 'pods', '-n', 'kube-public');
  });
});
