import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../../apiserver/api/types.ts';
import { Backoff } from '../../../../kubelet/pods/backoff.ts';
import { parseResolvConf, podDnsConfig } from '../../../../kubelet/pods/dns.ts';
import { fieldRefValue, resourceFieldRefValue } from '../../../../kubelet/pods/downward-api.ts';
import { ContainerConfigError, containerEnv, expandVars } from '../../../../kubelet/pods/env.ts';

describe('Backoff', () => {
  it('doubles from 10 s to a 5 minute cap and forgets after 10 quiet minutes', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, () => now);
    assert.equal(b.isInBackoffSince('k', now), false);
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.next('k');
      delays.push(b.delayMs('k'));
    }
    assert.deepEqual(delays, [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    assert.equal(b.isInBackoffSince('k', now), true);
    assert.equal(b.remainingMs('k', now - 100_000), 200_000);
    now += 600_001;
    assert.equal(b.delayMs('k'), 0, 'reset after twice the cap without a failure');
    b.next('k');
    assert.equal(b.delayMs('k'), 10_000);
  });
});

describe('container environment', () => {
  const pod: Pod = {
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' } },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'x', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] },
  };
  const sources = {
    configMap: async (_ns: string, name: string) => (name === 'cfg' ? { data: { MODE: 'fast', 'bad key': 'x' } } : undefined),
    secret: async (_ns: string, name: string) => (name === 'sec' ? { data: { PASSWORD: Buffer.from('s3cret').toString('base64') } } : undefined),
  };
  const ctx = { podIP: '10.0.0.9', hostIP: '192.168.0.2', nodeAllocatable: { cpuMilli: 2000, memoryBytes: 8 << 30 } };

  it('expands $(VAR) references, leaves unknown ones and unescapes $$', () => {
    const vars = new Map([['A', '1']]);
    assert.equal(expandVars('$(A)-$(B)-$$(A)-$', vars), '1-$(B)-$(A)-$');
  });

  it('builds env from values, envFrom, configMap/secret keys and the downward API in kube\'s order', async () => {
    const container = {
      name: 'app', image: 'x',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      env: [
        { name: 'GREETING', value: 'hello $(CFG_MODE)' },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'sec', key: 'PASSWORD' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      ],
    };
    const r = await containerEnv(pod, container, sources, ctx, [{ name: 'DB_SERVICE_HOST', value: '10.96.0.5' }]);
    assert.deepEqual(Object.fromEntries(r.env.map((e) => [e.name, e.value])), {
      DB_SERVICE_HOST: '10.96.0.5', CFG_MODE: 'fast', GREETING: 'hello fast', PW: 's3cret', POD_IP: '10.0.0.9',
      NS: 'shop', APP: 'web', CPU: '500', MEM: '128',
    });
    assert.deepEqual(r.skippedKeys, ['CFG_bad key']);
  });

  it('fails with kube\'s messages for missing objects and keys, unless optional', async () => {
    const run = (env: object[]) => containerEnv(pod, { name: 'app', env } as never, sources, ctx);
    await assert.rejects(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }]),
      (e: Error) => e instanceof ContainerConfigError && e.message === 'configmap "nope" not found');
    await assert.rejects(run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }]),
      /couldn't find key k in ConfigMap shop\/cfg/);
    await assert.rejects(run([{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }]), /secret "nope" not found/);
    const optional = await run([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } }]);
    assert.deepEqual(optional.env, []);
  });

  it('renders label maps and falls back to node allocatable for a missing limit', () => {
    assert.equal(fieldRefValue(pod, 'metadata.labels', ctx), 'app="web"\ntier="front"');
    const noLimits: Pod = { ...pod, spec: { containers: [{ name: 'app' }] } };
    assert.equal(resourceFieldRefValue(noLimits, 'app', { resource: 'limits.cpu' }, ctx), '2');
    assert.throws(() => fieldRefValue(pod, 'spec.bogus', ctx), /unsupported fieldPath/);
  });
});

describe('pod DNS', () => {
  const host = parseResolvConf('nameserver 127.0.0.53\nnameserver 192.168.0.1\nsearch lab.example\noptions edns0\n');
  const settings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };
  const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p', namespace: 'team' }, spec: { containers: [], ...spec } });

  it('drops loopback nameservers from the host resolver', () => {
    assert.deepEqual(host, { nameservers: ['192.168.0.1'], searches: ['lab.example'], options: ['edns0'] });
  });

  it('points ClusterFirst pods at the cluster DNS with the namespace search path and ndots:5', () => {
    assert.deepEqual(podDnsConfig(pod(), settings), {
      nameservers: ['10.96.0.10'],
      searches: ['team.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab.example'],
      options: ['ndots:5'],
    });
  });

  it('uses the node resolver for Default, for host-network pods, and when no cluster DNS is configured', () => {
    assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), settings).nameservers, ['192.168.0.1']);
    assert.deepEqual(podDnsConfig(pod({ hostNetwork: true }), settings).nameservers, ['192.168.0.1']);
    assert.deepEqual(podDnsConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), settings).nameservers, ['10.96.0.10']);
    assert.deepEqual(podDnsConfig(pod(), { ...settings, clusterDNS: [] }).nameservers, ['192.168.0.1']);
  });

  it('takes only dnsConfig with policy None, merging options by name', () => {
    const cfg = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['x.y'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), settings);
    assert.deepEqual(cfg, { nameservers: ['1.2.3.4'], searches: ['x.y'], options: ['ndots:2', 'edns0'] });
    const merged = podDnsConfig(pod({ dnsConfig: { options: [{ name: 'ndots', value: '1' }] } }), settings);
    assert.deepEqual(merged.options, ['ndots:1']);
  });
});
