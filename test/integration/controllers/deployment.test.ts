// deployment-controller with replicaset-controller against a real apiserver, driven by the real kubectl. No
// scheduler or kubelet runs: the test plays the kubelet by marking pods Running and Ready through pods/status
// (except pods of the image `busybox:never`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PodTemplateSpec } from '../../../apiserver/api/types.ts';
import { watch } from '../../../apiserver/client/index.ts';
import { templateHash } from '../../../controllers/controller-revision.ts';
import { controllerFactories } from '../../../controllers/all.ts';
import { kubectlFor, type Kubectl } from '../../helpers/kubectl.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;
let dir: string;
let kubectl: Kubectl;
let kubeletLoop: Promise<void> | undefined;
let stopping = false;
/** The image whose pods the pretend kubelet never makes ready. */
const neverReady = 'busybox:never';

interface RSView {
  metadata: { name: string; uid: string; labels: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  status?: { replicas?: number; availableReplicas?: number };
}

interface DeployView {
  metadata: { uid: string; generation: number; annotations?: Record<string, string> };
  spec: { replicas: number; paused?: boolean };
  status?: {
    observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number;
    availableReplicas?: number; unavailableReplicas?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Plays the kubelet for every pod in `default`: Running and Ready, unless it runs the neverReady image. */
async function kubeletPass(): Promise<void> {
  const res = await api.request('GET', '/api/v1/namespaces/default/pods');
  for (const pod of (res.body?.items ?? []) as { metadata: { name: string; deletionTimestamp?: string }; spec: { containers: { image: string }[] }; status?: { phase?: string } }[]) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Running') continue;
    if (pod.spec.containers[0]?.image === neverReady) continue;
    const full = await api.request('GET', `/api/v1/namespaces/default/pods/${pod.metadata.name}`);
    if (full.status !== 200) continue;
    const body = { ...full.body, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] } };
    await api.request('PUT', `/api/v1/namespaces/default/pods/${pod.metadata.name}/status`, { body });
  }
}

before(async () => {
  api = await startApiserver();
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-deploy-'));
  kubectl = kubectlFor(api.kubeconfig, { cacheDir: path.join(dir, 'cache') });
  ctrl = await runControllers(api, [controllerFactories['deployment-controller'], controllerFactories['replicaset-controller']]);
  kubeletLoop = (async () => {
    while (!stopping) {
      try {
        await kubeletPass();
      } catch {
        // The apiserver may be going away at the end of the run.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
});
after(async () => {
  stopping = true;
  await kubeletLoop;
  await ctrl.stop();
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});



async function createDeployment(name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>,
  image = 'busybox:1'): Promise<void> {
  const res = await api.request('POST', '/apis/apps/v1/namespaces/default/deployments', {
    body: {
      metadata: { name, annotations },
      spec: {
        replicas: 3, selector: { matchLabels: { app: name } }, ...spec,
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
      },
    },
  });
  assert.equal(res.status, 201, res.text);
}

async function getDeployment(name: string): Promise<DeployView> {
  const res = await api.request('GET', `/apis/apps/v1/namespaces/default/deployments/${name}`);
  assert.equal(res.status, 200, res.text);
  return res.body as DeployView;
}

async function replicaSetsOf(app: string): Promise<RSView[]> {
  const res = await api.request('GET', `/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3D${app}`);
  return (res.body.items as RSView[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

const imageOf = (rs: RSView): string => rs.spec.template.spec.containers[0].image;
const revisionOf = (o: { metadata: { annotations?: Record<string, string> } }): string | undefined =>
  o.metadata.annotations?.['deployment.kubernetes.io/revision'];

async function waitForReplicaSets(app: string, want: (rss: RSView[]) => boolean, what: string): Promise<RSView[]> {
  return waitFor(`${app}: ${what}`, async () => {
    const rss = await replicaSetsOf(app);
    return want(rss) ? rss : undefined;
  }, 30_000);
}

async function rolloutStatus(name: string): Promise<string> {
  return kubectl('rollout', 'status', `deployment/${name}`, '--timeout=60s');
}

async function eventMessages(name: string): Promise<string[]> {
  const res = await api.request('GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${name}`);
  return (res.body.items as { reason: string; message: string }[]).filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
}

describe('deployment-controller', () => {
  it('rolls out a new Deployment: kubectl rollout status and get deploy', async () => {
    await createDeployment('web', {}, { 'kubernetes.io/change-cause': 'first' });
    assert.match(await rolloutStatus('web'), /deployment "web" successfully rolled out/);
    const [rs] = await replicaSetsOf('web');
    const hash = rs.metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.equal(rs.spec.replicas, 3);
    assert.equal(revisionOf(rs), '1');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '4');
    assert.equal(rs.metadata.annotations?.['kubernetes.io/change-cause'], 'first');
    const d = await getDeployment('web');
    assert.equal(rs.metadata.ownerReferences?.[0]?.uid, d.metadata.uid);
    assert.equal(revisionOf(d), '1');
    assert.equal(d.status?.observedGeneration, d.metadata.generation);
    assert.equal(d.status?.unavailableReplicas ?? 0, 0);
    const byType = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
    assert.equal(byType.Available.reason, 'MinimumReplicasAvailable');
    assert.equal(byType.Progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(byType.Progressing.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    assert.match(await kubectl('get', 'deploy', 'web'), /^web\s+3\/3\s+3\s+3\s+/m);
    assert.deepEqual(await eventMessages('web'), [`Scaled up replica set web-${hash} to 3`]);
  });

  it('kubectl set image rolls out a second ReplicaSet and scales the first to zero', async () => {
    await kubectl('set', 'image', 'deployment/web', 'c=busybox:2');
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    const rss = await waitForReplicaSets('web', (l) => l.length === 2 && l.every((r) => (r.status?.replicas ?? 0) === r.spec.replicas), 'two settled sets');
    const old = rss.find((r) => imageOf(r) === 'busybox:1')!;
    const fresh = rss.find((r) => imageOf(r) === 'busybox:2')!;
    assert.equal(old.spec.replicas, 0);
    assert.equal(fresh.spec.replicas, 3);
    assert.equal(revisionOf(fresh), '2');
    assert.equal(revisionOf(await getDeployment('web')), '2');
    assert.match(await kubectl('get', 'deploy', 'web'), /^web\s+3\/3\s+3\s+3\s+/m);
    const events = await eventMessages('web');
    assert.ok(events.includes(`Scaled up replica set ${fresh.metadata.name} to 1`), events.join('\n'));
    assert.ok(events.some((m) => m.startsWith(`Scaled down replica set ${old.metadata.name} to `) && m.endsWith(' from 3')), events.join('\n'));
  });

  it('kubectl rollout undo reuses the old ReplicaSet under a new revision; rollout history lists them', async () => {
    const history = await kubectl('rollout', 'history', 'deployment/web');
    assert.match(history, /^1\s+first$/m);
    assert.match(history, /^2\s+first$/m);
    const before = await replicaSetsOf('web');
    const first = before.find((r) => imageOf(r) === 'busybox:1')!;
    assert.match(await kubectl('rollout', 'undo', 'deployment/web'), /rolled back/);
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    const rss = await waitForReplicaSets('web', (l) => l.some((r) => r.metadata.name === first.metadata.name && r.spec.replicas === 3 && revisionOf(r) === '3'), 'first set back at 3');
    assert.equal(rss.length, 2, 'no third ReplicaSet');
    const reused = rss.find((r) => r.metadata.name === first.metadata.name)!;
    assert.equal(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    assert.equal(revisionOf(await getDeployment('web')), '3');
    const after = await kubectl('rollout', 'history', 'deployment/web');
    assert.match(after, /^2\s/m);
    assert.match(after, /^3\s/m);
    assert.doesNotMatch(after, /^1\s/m);
    assert.match(await kubectl('rollout', 'history', 'deployment/web', '--revision=3'), /busybox:1/);
  });

  it('kubectl scale resizes the ReplicaSet', async () => {
    await kubectl('scale', 'deployment/web', '--replicas=5');
    await waitForReplicaSets('web', (l) => l.some((r) => imageOf(r) === 'busybox:1' && r.spec.replicas === 5), 'scaled to 5');
    await rolloutStatus('web');
    await waitFor('READY 5/5', async () => (/^web\s+5\/5\s+5\s+5\s+/m.test(await kubectl('get', 'deploy', 'web')) ? true : undefined), 30_000);
  });

  it('a paused Deployment scales but does not roll out until resumed', async () => {
    await kubectl('rollout', 'pause', 'deployment/web');
    await kubectl('set', 'image', 'deployment/web', 'c=busybox:3');
    await kubectl('scale', 'deployment/web', '--replicas=2');
    const d = await waitFor('paused condition', async () => {
      const dep = await getDeployment('web');
      const cond = dep.status?.conditions?.find((c) => c.type === 'Progressing');
      return dep.status?.observedGeneration === dep.metadata.generation && cond?.reason === 'DeploymentPaused' ? dep : undefined;
    }, 30_000);
    assert.equal(d.spec.paused, true);
    const paused = await waitForReplicaSets('web', (l) => l.some((r) => imageOf(r) === 'busybox:1' && r.spec.replicas === 2), 'scaled to 2 while paused');
    assert.ok(!paused.some((r) => imageOf(r) === 'busybox:3'), 'no new ReplicaSet while paused');
    await kubectl('rollout', 'resume', 'deployment/web');
    assert.match(await rolloutStatus('web'), /successfully rolled out/);
    const rss = await waitForReplicaSets('web', (l) => l.some((r) => imageOf(r) === 'busybox:3' && r.spec.replicas === 2)
      && l.filter((r) => imageOf(r) !== 'busybox:3').every((r) => r.spec.replicas === 0), 'busybox:3 rolled out');
    assert.equal(revisionOf(rss.find((r) => imageOf(r) === 'busybox:3')!), '4');
  });

  it('Recreate scales the old ReplicaSet to zero, and waits for its pods, before creating the new one', async () => {
    await createDeployment('rec', { replicas: 2, strategy: { type: 'Recreate' } });
    await rolloutStatus('rec');
    // Watch the ReplicaSets to see what the old one looked like when the new one appeared.
    const seen: { type: string; rs: RSView }[] = [];
    const stop = new AbortController();
    const rsResource = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true };
    const watching = (async () => {
      for await (const ev of watch<RSView>(ctrl.client, rsResource, { namespace: 'default', labelSelector: 'app=rec', signal: stop.signal })) {
        if (ev.type !== 'ERROR') seen.push({ type: ev.type, rs: ev.object });
      }
    })();
    try {
      await waitFor('watch started', async () => (seen.length > 0 ? true : undefined));
      await kubectl('set', 'image', 'deployment/rec', 'c=busybox:2');
      assert.match(await rolloutStatus('rec'), /successfully rolled out/);
    } finally {
      stop.abort();
      await watching;
    }
    const added = seen.findIndex((e) => e.type === 'ADDED' && imageOf(e.rs) === 'busybox:2');
    assert.ok(added > 0, 'the new ReplicaSet was seen being created');
    const oldBefore = seen.slice(0, added).filter((e) => imageOf(e.rs) === 'busybox:1').at(-1)?.rs;
    assert.equal(oldBefore?.spec.replicas, 0);
    assert.equal(oldBefore?.status?.replicas ?? 0, 0);
    const rss = await replicaSetsOf('rec');
    const old = rss.find((r) => imageOf(r) === 'busybox:1')!;
    const fresh = rss.find((r) => imageOf(r) === 'busybox:2')!;
    assert.equal(old.spec.replicas, 0);
    assert.equal(fresh.spec.replicas, 2);
    const events = await eventMessages('rec');
    assert.ok(events.includes(`Scaled down replica set ${old.metadata.name} to 0 from 2`), events.join('\n'));
    assert.ok(events.includes(`Scaled up replica set ${fresh.metadata.name} to 2`), events.join('\n'));
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    await createDeployment('hist', { replicas: 1, revisionHistoryLimit: 1 });
    await rolloutStatus('hist');
    for (const tag of ['2', '3', '4']) {
      await kubectl('set', 'image', 'deployment/hist', `c=busybox:${tag}`);
      await rolloutStatus('hist');
    }
    const rss = await waitForReplicaSets('hist', (l) => l.length === 2, 'one old set kept');
    assert.deepEqual(rss.map(imageOf).sort(), ['busybox:3', 'busybox:4']);
  });

  it('adopts a matching orphan ReplicaSet instead of creating another', async () => {
    const res = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      body: {
        metadata: { name: 'adopt-manual', labels: { app: 'adopt', 'pod-template-hash': 'manual' } },
        spec: {
          replicas: 1, selector: { matchLabels: { app: 'adopt', 'pod-template-hash': 'manual' } },
          template: { metadata: { labels: { app: 'adopt', 'pod-template-hash': 'manual' } }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } },
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    await createDeployment('adopt', { replicas: 2 });
    const d = await getDeployment('adopt');
    assert.match(await rolloutStatus('adopt'), /successfully rolled out/);
    const rss = await replicaSetsOf('adopt');
    assert.deepEqual(rss.map((r) => r.metadata.name), ['adopt-manual']);
    assert.ok(rss[0].metadata.ownerReferences?.some((o) => o.controller && o.uid === d.metadata.uid));
    assert.equal(rss[0].spec.replicas, 2);
    assert.equal(revisionOf(rss[0]), '1');
  });

  it('spreads a scale-up over both ReplicaSets of a stuck rollout', async () => {
    // The documentation's example: 10 replicas, maxSurge 3, maxUnavailable 2, a new image that never gets ready.
    await createDeployment('prop', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    await rolloutStatus('prop');
    await kubectl('set', 'image', 'deployment/prop', `c=${neverReady}`);
    const sizes = (l: RSView[]): string => l.map((r) => `${imageOf(r)}=${r.spec.replicas}`).sort().join(',');
    await waitForReplicaSets('prop', (l) => sizes(l) === `busybox:1=8,${neverReady}=5`, 'stuck at 8 old and 5 new');
    await kubectl('scale', 'deployment/prop', '--replicas=15');
    await waitForReplicaSets('prop', (l) => sizes(l) === `busybox:1=11,${neverReady}=7`, '3 more old, 2 more new');
    const rss = await replicaSetsOf('prop');
    for (const r of rss) {
      assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '15');
      assert.equal(r.metadata.annotations?.['deployment.kubernetes.io/max-replicas'], '18');
    }
    // The eleventh old pod still has to start and be counted.
    await waitFor('READY 11/15', async () => (/^prop\s+11\/15\s+7\s+11\s+/m.test(await kubectl('get', 'deploy', 'prop')) ? true : undefined), 30_000);
  });

  it('releases a ReplicaSet whose labels no longer match', async () => {
    const old = (await replicaSetsOf('web')).find((r) => r.spec.replicas === 0)!;
    await kubectl('label', 'rs', old.metadata.name, 'app=gone', '--overwrite');
    await waitFor('released', async () => {
      const res = await api.request('GET', `/apis/apps/v1/namespaces/default/replicasets/${old.metadata.name}`);
      return (res.body as RSView).metadata.ownerReferences?.some((o) => o.controller) ? undefined : true;
    }, 30_000);
  });

  it('honours the deprecated rollbackTo request (apps/v1 carries it as an annotation)', async () => {
    await createDeployment('rb', { replicas: 1 });
    await rolloutStatus('rb');
    await kubectl('set', 'image', 'deployment/rb', 'c=busybox:2');
    await rolloutStatus('rb');
    await kubectl('annotate', 'deployment/rb', 'deprecated.deployment.rollback.to=1');
    const d = await waitFor('rolled back', async () => {
      const res = await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/rb');
      const dep = res.body as { metadata: { annotations?: Record<string, string> }; spec: { template: { spec: { containers: { image: string }[] } } } };
      return dep.spec.template.spec.containers[0].image === 'busybox:1' ? dep : undefined;
    }, 30_000);
    assert.equal(d.metadata.annotations?.['deprecated.deployment.rollback.to'], undefined);
    await rolloutStatus('rb');
    await waitFor('revision 3', async () => (revisionOf(await getDeployment('rb')) === '3' ? true : undefined), 30_000);
    const res = await api.request('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Drb');
    const messages = (res.body.items as { reason: string; message: string }[]).filter((e) => e.reason === 'DeploymentRollback').map((e) => e.message);
    assert.deepEqual(messages, ['Rolled back deployment "rb" to revision 1']);
  });

  it('bumps collisionCount when another ReplicaSet already has the hashed name', async () => {
    await createDeployment('col', { replicas: 1, paused: true });
    const stored = (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/col')).body as { spec: { template: PodTemplateSpec } };
    const taken = `col-${templateHash(stored.spec.template, 0)}`;
    const res = await api.request('POST', '/apis/apps/v1/namespaces/default/replicasets', {
      body: {
        metadata: { name: taken, labels: { app: 'squatter' } },
        spec: {
          replicas: 0, selector: { matchLabels: { app: 'squatter' } },
          template: { metadata: { labels: { app: 'squatter' } }, spec: { containers: [{ name: 'c', image: 'busybox:9' }] } },
        },
      },
    });
    assert.equal(res.status, 201, res.text);
    await kubectl('rollout', 'resume', 'deployment/col');
    assert.match(await rolloutStatus('col'), /successfully rolled out/);
    const d = (await api.request('GET', '/apis/apps/v1/namespaces/default/deployments/col')).body as { status: { collisionCount?: number } };
    assert.equal(d.status.collisionCount, 1);
    const [rs] = await replicaSetsOf('col');
    assert.equal(rs.metadata.name, `col-${templateHash(stored.spec.template, 1)}`);
  });

  it('reports ProgressDeadlineExceeded, and kubectl rollout status fails', async () => {
    await createDeployment('slow', { replicas: 1, progressDeadlineSeconds: 2 }, undefined, neverReady);
    const cond = await waitFor('deadline exceeded', async () => {
      const d = await getDeployment('slow');
      const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
      return c?.reason === 'ProgressDeadlineExceeded' ? c : undefined;
    }, 30_000);
    assert.equal(cond.status, 'False');
    assert.match(cond.message, /^ReplicaSet "slow-\w+" has timed out progressing\.$/);
    assert.match(await kubectl.fails('rollout', 'status', 'deployment/slow', '--timeout=20s'), /deployment "slow" exceeded its progress deadline/);
    const d = await getDeployment('slow');
    assert.equal(d.status?.conditions?.find((x) => x.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
    assert.match(await kubectl('get', 'deploy', 'slow'), /^slow\s+0\/1\s+1\s+0\s+/m);
  });
});
