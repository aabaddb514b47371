// skiffctl describe against kubectl describe, byte for byte, for the kinds with dedicated layouts beyond those in
// describe.test.ts: namespaces (quota and limit range sections), services, endpoints, secrets, service accounts,
// jobs, cron jobs, daemon sets, stateful sets, replication controllers, volumes and claims, storage classes and
// autoscalers, each filled in with events and with its optional fields left out (describe-fixtures.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { createKindFixtures, ns } from './describe-fixtures.ts';
import { assertSameRun, compare } from './harness.ts';

let api: TestApiserver;

before(async () => {
  api = await startApiserver();
  await createKindFixtures(api);
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

/** Namespaced kinds are described in the fixtures' namespace. */
const inNs = (...args: string[]): Promise<string> => same('-n', ns, ...args);

describe('skiffctl describe matches kubectl for the other kinds', () => {
  it('namespaces: status, then "No resource quota." or the quota and limit range tables', async () => {
    const out = await same('describe', 'namespace', ns);
    assert.match(out, /^No resource quota\.$/m);
    assert.match(out, /^No LimitRange resource\.$/m);
    const limited = await same('describe', 'ns', 'limited');
    assert.match(limited, /^Resource Quotas$/m);
    assert.match(limited, /^ Container +memory +- +1Gi +128Mi +256Mi +-$/m);
    const closing = await same('describe', 'ns', 'closing');
    assert.match(closing, /^  NamespaceDeletionDiscoveryFailure +False +/m);
    await same('describe', 'namespaces');
  });

  it('services: ports, target ports, node ports, endpoints, events', async () => {
    const out = await inNs('describe', 'service', 'web');
    assert.match(out, /^TargetPort: +metrics\/TCP$/m);
    assert.match(out, /^Events:\n  Type +Reason/m);
    await inNs('describe', 'svc', 'nodes');
    await inNs('describe', 'svc', 'outside');
    await inNs('describe', 'svc', 'headless');
    await inNs('describe', 'services');
  });

  it('endpoints: subsets with ready and not-ready addresses; none', async () => {
    const out = await inNs('describe', 'endpoints', 'web');
    assert.match(out, /^  NotReadyAddresses: +10\.244\.0\.9$/m);
    await inNs('describe', 'ep', 'empty');
  });

  it('secrets show sizes, never values (but a service account token)', async () => {
    const out = await inNs('describe', 'secret', 'creds');
    assert.match(out, /^password: +12 bytes$/m);
    assert.doesNotMatch(out, /s3cr3t/);
    await inNs('describe', 'secret', 'robot-token');
    await inNs('describe', 'secret', 'nothing');
  });

  it('service accounts: pull, mountable and token secrets, missing ones marked', async () => {
    const out = await inNs('describe', 'serviceaccount', 'robot');
    assert.match(out, /^Mountable secrets: +robot-token$/m);
    assert.match(out, /^ +gone \(not found\)$/m);
    await inNs('describe', 'sa', 'plain');
  });

  it('jobs and cron jobs: completion settings, times, pod statuses, templates', async () => {
    const out = await inNs('describe', 'job', 'nightly-1');
    assert.match(out, /^Controlled By: +CronJob\/nightly$/m);
    assert.match(out, /^Duration: +5m$/m);
    await inNs('describe', 'job', 'indexed');
    await inNs('describe', 'job', 'pending');
    const cron = await inNs('describe', 'cronjob', 'nightly');
    assert.match(cron, /^Active Jobs: +nightly-1, nightly-2$/m);
    await inNs('describe', 'cj', 'bare');
  });

  it('daemon sets, stateful sets and replication controllers count their own pods', async () => {
    const ds = await inNs('describe', 'daemonset', 'agent');
    assert.match(ds, /^Pods Status: +1 Running \/ 1 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    await inNs('describe', 'ds', 'bare');
    const sts = await inNs('describe', 'statefulset', 'db');
    assert.match(sts, /^Volume Claims:$/m);
    assert.match(sts, /Topology Spread Constraints: +zone:DoNotSchedule when max skew 1 is exceeded for selector app=db/);
    await inNs('describe', 'sts', 'cache');
    const rc = await inNs('describe', 'rc', 'legacy');
    assert.match(rc, /^Pods Status: +0 Running \/ 0 Waiting \/ 1 Succeeded \/ 0 Failed$/m);
    await inNs('describe', 'rc', 'plain');
  });

  it('volumes, claims and storage classes', async () => {
    const pv = await same('describe', 'pv', 'pv-local');
    assert.match(pv, /^    Term 0: +kubernetes\.io\/hostname in \[node-1, node-2\]$/m);
    await same('describe', 'pv', 'pv-host');
    await same('describe', 'pv', 'pv-csi');
    await same('describe', 'pv', 'pv-nfs');
    const pvc = await inNs('describe', 'pvc', 'data');
    assert.match(pvc, /^Used By: +user-a\n +user-b$/m);
    await inNs('describe', 'pvc', 'waiting');
    await same('describe', 'storageclass', 'fast');
    await same('describe', 'sc', 'slow');
  });

  it('horizontal pod autoscalers: every metric kind, behavior, conditions; defaults', async () => {
    const out = await inNs('describe', 'hpa', 'web');
    assert.match(out, /^  resource cpu on pods  \(as a percentage of request\): +75% \(150m\) \/ 60%$/m);
    await inNs('describe', 'hpa', 'bare');
  });

  it('leases keep the generic layout (kubectl has no Lease describer)', async () => {
    await same('describe', 'leases', '-n', 'kube-node-lease');
  });

  it('several kinds at once', async () => {
    await inNs('describe', 'all');
    await same('describe', 'pv,sc,ns');
  });

  it('--show-events=false leaves the Events section out', async () => {
    const out = await inNs('describe', 'job', 'nightly-1', '--show-events=false');
    assert.doesNotMatch(out, /^Events:/m);
  });
});
