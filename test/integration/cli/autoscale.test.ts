// skiffctl autoscale next to kubectl autoscale (kubectl 1.32). Both send an autoscaling/v1 HPA, which the apiserver
// stores as autoscaling/v2: outputs are compared byte for byte (result lines, errors, the objects built), and what
// each created is read back in v2, converted as an apiserver converts it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { autoscalerV1, autoscalerV2 } from '../../../cli/commands/autoscale.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { assertSame, makeTwins, type Twins } from './twins.ts';

let api: TestApiserver;
let t: Twins;

before(async () => {
  api = await startApiserver();
  t = await makeTwins(api, 'autoscale');
  for (const ns of [t.kns, t.sns]) {
    assert.equal((await t.kubectl(['create', 'deployment', 'web', '--image=nginx', '-n', ns])).code, 0);
    assert.equal((await t.kubectl(['create', 'service', 'clusterip', 'web', '--tcp=80', '-n', ns])).code, 0);
  }
});
after(async () => {
  await api.stop();
  api.cleanup();
});

interface V1 {
  metadata: Record<string, unknown>;
  spec: { scaleTargetRef: object; minReplicas?: number; maxReplicas: number; targetCPUUtilizationPercentage?: number };
}

/** An autoscaling/v1 HPA as an apiserver serves it in autoscaling/v2 (spec only). */
function v1ToV2Spec(v1: V1): Record<string, unknown> {
  const { targetCPUUtilizationPercentage: cpu, ...rest } = v1.spec;
  return {
    ...rest,
    ...(cpu !== undefined ? { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }] } : {}),
  };
}

describe('skiffctl autoscale', () => {
  it('prints what kubectl prints, dry runs and errors alike', async () => {
    for (const args of [
      ['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '--dry-run=client'],
      ['autoscale', 'deploy/web', '--max=3', '--name=other', '--dry-run=client', '-o', 'name'],
      ['autoscale', 'deployment', 'web', 'nope', '--max=3', '--dry-run=client'],
      ['autoscale', 'deployment', 'web'],
      ['autoscale', 'deployment', 'web', '--max=0'],
      ['autoscale', 'deployment', 'web', '--min=6', '--max=5'],
      ['autoscale', 'deployment', 'web', '--max=abc'],
      ['autoscale', 'deployment', 'web', '--max=3', '--cpu-percent=x'],
      ['autoscale', '--max=3'],
      ['autoscale', 'deployment', '--max=3'],
      ['autoscale', 'deployment', 'nope', '--max=3'],
      ['autoscale', 'service', 'web', '--max=3'],
      ['autoscale', 'deployment', 'web', '--max=3', '-o', 'wide', '--dry-run=client'],
    ]) {
      const [k, s] = await t.both(args);
      assertSame(k, s, args.join(' '));
    }
  });

  it('builds the object kubectl builds', async () => {
    for (const flags of [['--min=2', '--max=5', '--cpu-percent=80'], ['--max=3'], ['--min=0', '--max=1', '--cpu-percent=0']]) {
      const k = await t.kubectl(['autoscale', 'deployment', 'web', ...flags, '--dry-run=client', '-o', 'json', '-n', t.kns]);
      assert.equal(k.code, 0, k.stderr);
      const v1 = JSON.parse(k.stdout) as V1;
      const num = (f: string, d: number): number => Number(flags.find((x) => x.startsWith(`--${f}=`))?.split('=')[1] ?? d);
      const ours = autoscalerV1({ name: 'web', target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        min: num('min', -1), max: num('max', -1), cpuPercent: num('cpu-percent', -1) });
      assert.equal(`${JSON.stringify(ours, null, 4)}\n`, k.stdout, 'the autoscaling/v1 object, byte for byte');

      const s = await t.skiffctl(['autoscale', 'deployment', 'web', ...flags, '--dry-run=client', '-o', 'json', '-n', t.sns]);
      assert.equal(s.code, 0, s.stderr);
      // The same object (skiffctl's -o json sorts keys, where kubectl keeps its typed struct's field order).
      assert.deepEqual(JSON.parse(s.stdout), v1, 'skiffctl sends autoscaling/v1 where it is served, as kubectl does');

      // The v2 object skiffctl would send to a server without autoscaling/v1.
      const v2 = autoscalerV2({ name: 'web', target: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        min: num('min', -1), max: num('max', -1), cpuPercent: num('cpu-percent', -1) }) as { metadata: unknown; spec: unknown };
      assert.deepEqual(v2.metadata, v1.metadata);
      assert.deepEqual(v2.spec, v1ToV2Spec(v1));
    }
  });

  it('creates it, as kubectl does', async () => {
    const k = await t.kubectl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '-n', t.kns]);
    assert.deepEqual([k.stdout, k.stderr, k.code], ['horizontalpodautoscaler.autoscaling/web autoscaled\n', '', 0]);

    const dry = await t.skiffctl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '--dry-run=server', '-n', t.sns]);
    assert.deepEqual([dry.stdout, dry.stderr, dry.code], ['horizontalpodautoscaler.autoscaling/web autoscaled (server dry run)\n', '', 0]);
    assert.equal((await t.kubectl(['get', 'hpa', '-n', t.sns, '-o', 'name'])).stdout, '');

    const s = await t.skiffctl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '-n', t.sns]);
    assert.deepEqual([s.stdout, s.stderr, s.code], ['horizontalpodautoscaler.autoscaling/web autoscaled\n', '', 0]);
    const stored = JSON.parse((await t.kubectl(['get', 'hpa', 'web', '-n', t.sns, '-o', 'json'])).stdout) as { spec: unknown };
    const kubectls = JSON.parse((await t.kubectl(['get', 'hpa', 'web', '-n', t.kns, '-o', 'json'])).stdout) as { spec: unknown };
    const expected = JSON.parse((await t.kubectl(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=80', '--dry-run=client', '-o', 'json', '-n', t.kns])).stdout) as V1;
    assert.deepEqual(stored.spec, v1ToV2Spec(expected));
    assert.deepEqual(kubectls.spec, stored.spec);

    const [kAgain, again] = await t.both(['autoscale', 'deployment', 'web', '--max=5']);
    assertSame(kAgain, again, 'autoscale again');
    assert.deepEqual([again.stderr, again.code], ['Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "web" already exists\n', 1]);

    const [kSaved, saved] = await t.both(['autoscale', 'deployment', 'web', '--name=saved', '--max=4', '--save-config', '-o', 'yaml']);
    assert.equal(saved.code, 0, saved.stderr);
    // kubectl records its typed object: struct order, no annotations map.
    assert.match(saved.stdout, /kubectl\.kubernetes\.io\/last-applied-configuration: \|\n\s+\{"kind":"HorizontalPodAutoscaler","apiVersion":"autoscaling\/v1","metadata":\{"name":"saved","creationTimestamp":null\},"spec":\{"scaleTargetRef":/);
    const lastApplied = (out: string): string | undefined => /last-applied-configuration: \|\n\s+(\{.*\})\n/.exec(out)?.[1];
    assert.equal(lastApplied(saved.stdout), lastApplied(kSaved.stdout), 'the same last-applied configuration');
  });
});
