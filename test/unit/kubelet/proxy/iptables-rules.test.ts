import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSlice, Service } from '../../../../apiserver/api/types.ts';
import { buildRules, chainHash, chainsInSave, hookRules, renderRestore } from '../../../../kubelet/proxy/iptables-rules.ts';
import { servicePortsFor, type ServicePortInfo } from '../../../../kubelet/proxy/service-ports.ts';

const opts = { prefix: 'KUBE', clusterCIDR: '10.244.0.0/16', serviceCIDRs: ['10.96.0.0/16'], serviceBridge: 'skiff-svc' };

function svc(spec: Partial<NonNullable<Service['spec']>>, name = 'web'): Service {
  return { metadata: { name, namespace: 'default' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], ...spec } };
}

type Conditions = NonNullable<EndpointSlice['endpoints'][number]['conditions']>;

function slice(ips: string[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }], conditions: Conditions = { ready: true }): EndpointSlice {
  return {
    metadata: { name: `web-${ips.join('-')}`, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4', ports, endpoints: ips.map((ip) => ({ addresses: [ip], conditions })),
  };
}

function eps(ips: string[], ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }]): EndpointSlice[] {
  return [slice(ips, ports)];
}

function port(endpoints: string[], extra: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return { id: 'default/web:http', clusterIP: '10.96.0.20', port: 80, protocol: 'TCP', endpoints: endpoints.map((ip) => ({ ip, port: 8080 })), ...extra };
}

const lines = (rules: ReturnType<typeof buildRules>, table: 'nat' | 'filter'): string[] => [...rules[table].values()].flat();

describe('chain names', () => {
  it('hash as kube-proxy does (its own test fixtures)', () => {
    assert.equal(chainHash('ns1/svc1:p80tcp'), 'XPGD46QRK7WJZT7O');
    assert.equal(chainHash('ns1/svc1:p80tcp10.180.0.1:80'), 'SXIVWICOYRO3J4NJ');
  });
});

describe('servicePortsFor', () => {
  it('pairs each Service port with the endpoint port of the same name', () => {
    const ports = servicePortsFor(svc({ ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }),
      eps(['10.244.0.5', '10.244.0.4'], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }]));
    assert.deepEqual(ports.map((p) => [p.id, p.endpoints]), [
      ['default/web:http', [{ ip: '10.244.0.4', port: 8080 }, { ip: '10.244.0.5', port: 8080 }]],
      ['default/web:metrics', [{ ip: '10.244.0.4', port: 9100 }, { ip: '10.244.0.5', port: 9100 }]],
    ]);
  });

  it('no rules for headless and ExternalName Services; NodePorts only for NodePort and LoadBalancer', () => {
    assert.deepEqual(servicePortsFor(svc({ clusterIP: 'None' }), eps(['10.244.0.5'])), []);
    assert.deepEqual(servicePortsFor(svc({ type: 'ExternalName', externalName: 'example.org', clusterIP: undefined }), []), []);
    assert.equal(servicePortsFor(svc({ type: 'ClusterIP', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), [])[0].nodePort, undefined);
    assert.equal(servicePortsFor(svc({ type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30080 }] }), [])[0].nodePort, 30080);
  });

  it('merges a Service\'s slices, each address:port once, and skips other ports, protocols and address types', () => {
    const moving = slice(['10.244.0.5']);
    const other = { ...slice(['10.244.0.9'], [{ name: 'admin', port: 9000, protocol: 'TCP' }]) };
    const udp = slice(['10.244.0.8'], [{ name: 'http', port: 8080, protocol: 'UDP' as 'TCP' }]);
    const fqdn = { ...slice(['db.example.org']), addressType: 'FQDN' };
    const [http] = servicePortsFor(svc({}), [slice(['10.244.0.4', '10.244.0.5']), moving, other, udp, fqdn]);
    assert.deepEqual(http.endpoints, [{ ip: '10.244.0.4', port: 8080 }, { ip: '10.244.0.5', port: 8080 }]);
  });

  it('uses ready endpoints (a missing condition counts as ready), and serving terminating ones only when none is ready', () => {
    const endpoints = (...slices: EndpointSlice[]) => servicePortsFor(svc({}), slices)[0].endpoints.map((e) => e.ip);
    const terminating = slice(['10.244.0.7'], undefined, { ready: false, serving: true, terminating: true });
    const gone = slice(['10.244.0.8'], undefined, { ready: false, serving: false, terminating: true });
    const notReady = slice(['10.244.0.9'], undefined, { ready: false });
    assert.deepEqual(endpoints(slice(['10.244.0.4'], undefined, {}), terminating, gone, notReady), ['10.244.0.4']);
    assert.deepEqual(endpoints(terminating, gone, notReady), ['10.244.0.7']);
    assert.deepEqual(endpoints(gone, notReady), []);
  });

  it('ClientIP affinity with kube\'s three-hour default', () => {
    assert.equal(servicePortsFor(svc({ sessionAffinity: 'ClientIP' }), [])[0].affinitySeconds, 10800);
    assert.equal(servicePortsFor(svc({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), [])[0].affinitySeconds, 60);
    assert.equal(servicePortsFor(svc({}), [])[0].affinitySeconds, undefined);
  });
});

describe('buildRules', () => {
  it('spreads over n endpoints with probabilities 1/n, 1/(n-1), ... and DNATs in each endpoint chain', () => {
    const nat = lines(buildRules([port(['10.244.0.4', '10.244.0.5', '10.244.0.6'])], opts), 'nat');
    const picks = nat.filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('-j KUBE-SEP-'));
    assert.equal(picks.length, 3);
    assert.match(picks[0], /--probability 0\.3333333333 -j KUBE-SEP-/);
    assert.match(picks[1], /--probability 0\.5000000000 -j KUBE-SEP-/);
    assert.doesNotMatch(picks[2], /statistic/);
    assert.ok(nat.some((l) => /^-A KUBE-SEP-\w+ .* -m tcp -p tcp -j DNAT --to-destination 10\.244\.0\.5:8080$/.test(l)));
    assert.ok(nat.some((l) => /^-A KUBE-SEP-\w+ .* -s 10\.244\.0\.5\/32 -j KUBE-MARK-MASQ$/.test(l)), 'hairpin masquerade');
    assert.ok(nat.some((l) => /^-A KUBE-SERVICES .*-d 10\.96\.0\.20\/32 --dport 80 -j KUBE-SVC-/.test(l)));
    assert.ok(nat.some((l) => /^-A KUBE-SVC-\w+ .* ! -s 10\.244\.0\.0\/16 -j KUBE-MARK-MASQ$/.test(l)), 'masquerade from outside the cluster CIDR');
    assert.match(nat.filter((l) => l.startsWith('-A KUBE-SERVICES')).at(-1)!, /--dst-type LOCAL -j KUBE-NODEPORTS$/);
  });

  it('rejects traffic to a Service with no endpoints, in the filter table', () => {
    const rules = buildRules([port([], { nodePort: 30080 })], opts);
    assert.ok(lines(rules, 'filter').some((l) => /^-A KUBE-SERVICES .*has no endpoints.*-d 10\.96\.0\.20\/32 --dport 80 -j REJECT$/.test(l)));
    assert.ok(lines(rules, 'filter').some((l) => /^-A KUBE-EXTERNAL-SERVICES .*--dport 30080 -j REJECT$/.test(l)));
    assert.ok(![...rules.nat.keys()].some((ch) => ch.startsWith('KUBE-SVC-')));
  });

  it('NodePorts jump through an EXT chain that masquerades', () => {
    const nat = lines(buildRules([port(['10.244.0.4'], { nodePort: 30080 })], opts), 'nat');
    assert.ok(nat.some((l) => /^-A KUBE-NODEPORTS .*--dport 30080 -j KUBE-EXT-/.test(l)));
    assert.ok(nat.some((l) => /^-A KUBE-EXT-\w+ -j KUBE-SVC-/.test(l)));
  });

  it('ClientIP affinity: a recent check before the random pick, a recent set with the DNAT', () => {
    const nat = lines(buildRules([port(['10.244.0.4', '10.244.0.5'], { affinitySeconds: 60 })], opts), 'nat');
    const svcRules = nat.filter((l) => l.startsWith('-A KUBE-SVC-'));
    assert.match(svcRules[1], /-m recent --name KUBE-SEP-\w+ --mask 255\.255\.255\.255 --rsource --rcheck --seconds 60 --reap/);
    assert.ok(nat.some((l) => / -m recent --name KUBE-SEP-\w+ --mask 255\.255\.255\.255 --rsource --set -m tcp -p tcp -j DNAT/.test(l)));
  });

  it('keeps packets for the service CIDR from leaving except into the service bridge', () => {
    assert.ok(lines(buildRules([], opts), 'filter').includes('-A KUBE-PROXY-GUARD -m comment --comment "service traffic with no rule never leaves the host" -d 10.96.0.0/16 ! -o skiff-svc -j DROP'));
  });

  it('uses the configured prefix everywhere', () => {
    const rules = buildRules([port(['10.244.0.4'], { nodePort: 30080 })], { ...opts, prefix: 'SKT1' });
    for (const ch of [...rules.nat.keys(), ...rules.filter.keys()]) assert.match(ch, /^SKT1-/);
    for (const [, , spec] of hookRules('SKT1')) assert.match(spec.at(-1)!, /^SKT1-/);
  });
});

describe('renderRestore', () => {
  const existingFrom = (r: ReturnType<typeof buildRules>) => ({ filter: [...r.filter.keys()], nat: [...r.nat.keys()] });

  it('writes every chain the first time, and afterwards only the fixed and the changed ones', () => {
    const a = [port(['10.244.0.4', '10.244.0.5']), { ...port(['10.244.1.1']), id: 'default/db:sql', clusterIP: '10.96.0.30' }];
    const first = buildRules(a, opts);
    const full = renderRestore(first, undefined, { filter: [], nat: [] }, 'KUBE');
    assert.equal(full.split('\n').filter((l) => l.startsWith(':')).length, first.filter.size + first.nat.size);
    const b = [port(['10.244.0.4']), a[1]];
    const second = buildRules(b, opts);
    const delta = renderRestore(second, first, existingFrom(first), 'KUBE');
    const declared = delta.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]);
    // db's chains did not change and are not touched; web's SVC chain changed; 10.244.0.5's SEP chain is gone.
    const dbChains = [...second.nat].filter(([ch, ls]) => ch !== 'KUBE-SERVICES' && ls.some((l) => l.includes('default/db:sql'))).map(([ch]) => ch);
    assert.equal(dbChains.length, 2);
    for (const ch of dbChains) assert.ok(!declared.includes(ch), `${ch} is unchanged`);
    const removed = delta.split('\n').filter((l) => l.startsWith('-X ')).map((l) => l.slice(3));
    assert.equal(removed.length, 1);
    assert.ok(removed[0].startsWith('KUBE-SEP-'));
    assert.ok(declared.includes('KUBE-SERVICES'));
    assert.ok(declared.length < first.nat.size + first.filter.size);
    assert.match(delta, /^\*filter\n[\s\S]*COMMIT\n\*nat\n[\s\S]*COMMIT\n$/);
  });

  it('reads chain names from iptables-save', () => {
    const save = '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SVC-AAA - [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n';
    assert.deepEqual(chainsInSave(save, 'nat'), ['PREROUTING', 'KUBE-SVC-AAA']);
    assert.deepEqual(chainsInSave(save, 'filter'), ['INPUT']);
  });
});
