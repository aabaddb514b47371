import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Answer } from 'dns-packet';
import type { EndpointSlice, Endpoints, Pod, Service } from '../../../../apiserver/api/types.ts';
import {
  addressFromReverse, buildZone, lookup, type ClusterObjects, type Lookup, type ZoneOptions,
} from '../../../../kubelet/dns/records.ts';

const domain = 'cluster.local';

function svc(name: string, spec: NonNullable<Service['spec']>, namespace = 'default'): Service {
  return { metadata: { name, namespace }, spec };
}

type Subset = NonNullable<Endpoints['subsets']>[number];

/** A Service's slices, written as Endpoints subsets for brevity: one slice per subset, not-ready addresses too. */
function eps(name: string, subsets: Subset[], namespace = 'default'): EndpointSlice[] {
  return subsets.map((subset, i) => ({
    metadata: { name: `${name}-${i}`, namespace, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: subset.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    endpoints: [
      ...(subset.addresses ?? []).map((a) => ({ addresses: [a.ip], hostname: a.hostname, conditions: { ready: true } })),
      ...(subset.notReadyAddresses ?? []).map((a) => ({ addresses: [a.ip], hostname: a.hostname, conditions: { ready: false } })),
    ],
  }));
}

function pod(name: string, ip: string, namespace = 'default', extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra }, status: { podIP: ip, podIPs: [{ ip }] } };
}

const web = svc('web', { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] });
const webEndpoints = eps('web', [{
  addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }],
  notReadyAddresses: [{ ip: '10.244.0.9' }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }],
}]);
const db = svc('db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] });
const dbEndpoints = eps('db', [{
  addresses: [
    { ip: '10.244.1.10', hostname: 'db-0' }, { ip: '10.244.1.11', hostname: 'db-1' }, { ip: '10.244.1.12' },
  ],
  notReadyAddresses: [{ ip: '10.244.1.13', hostname: 'db-3' }],
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
}]);
const empty = svc('empty', { clusterIP: 'None', ports: [{ name: 'x', port: 1 }] });
const ext = svc('ext', { type: 'ExternalName', externalName: 'example.org.' });
const alias = svc('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' });
const dual = svc('dual', { clusterIP: '10.96.0.30', clusterIPs: ['10.96.0.30', 'fd00:10:96::30'], ipFamilies: ['IPv4', 'IPv6'], ports: [{ port: 443 }] }, 'prod');

const world: ClusterObjects = {
  services: [web, db, empty, ext, alias, dual],
  endpointSlices: [...webEndpoints, ...dbEndpoints],
  pods: [pod('web-a', '10.244.0.5'), pod('lonely', '10.244.2.7', 'prod'), pod('host', '192.168.1.10', 'default', { hostNetwork: true })],
  namespaces: ['default', 'prod', 'kube-system'],
};

function zoneFor(objects: ClusterObjects = world, options: Partial<ZoneOptions> = {}) {
  return buildZone(objects, { domain, serial: 1700000000, ...options });
}

const zone = zoneFor();

function ask(name: string, type: string, z = zone): Extract<Lookup, { kind: 'answer' }> {
  const r = lookup(z, { name, type });
  assert.equal(r.kind, 'answer', `${type} ${name} should be answered in the zone`);
  return r as Extract<Lookup, { kind: 'answer' }>;
}

function data(answers: Answer[]): unknown[] {
  return answers.map((a) => ('data' in a ? a.data : undefined));
}

function assertNxdomain(name: string, type = 'A', z = zone): void {
  const r = ask(name, type, z);
  assert.equal(r.rcode, 'NXDOMAIN', `${type} ${name}`);
  assert.deepEqual(r.answers, []);
  assert.deepEqual(r.authorities.map((a) => a.type), ['SOA']);
}

function assertNodata(name: string, type: string, z = zone): void {
  const r = ask(name, type, z);
  assert.equal(r.rcode, 'NOERROR', `${type} ${name}`);
  assert.deepEqual(r.answers, [], `${type} ${name} should have no answers`);
  assert.deepEqual(r.authorities.map((a) => a.type), ['SOA'], `${type} ${name} should carry the SOA`);
}

describe('Service A records', () => {
  it('a ClusterIP Service answers its ClusterIP, TTL 5, owned by the name as asked', () => {
    const r = ask('web.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '10.96.0.20' }]);
    assert.deepEqual(r.authorities, []);
  });

  it('names are case-insensitive; the answer keeps the question\'s spelling (0x20 randomisation)', () => {
    const r = ask('WeB.DeFault.SVC.Cluster.LOCAL', 'A');
    assert.deepEqual(data(r.answers), ['10.96.0.20']);
    assert.equal(r.answers[0].name, 'WeB.DeFault.SVC.Cluster.LOCAL');
  });

  it('a trailing dot is the same name', () => {
    assert.deepEqual(data(ask('web.default.svc.cluster.local.', 'A').answers), ['10.96.0.20']);
  });

  it('AAAA for an IPv4-only Service is NODATA, not NXDOMAIN', () => {
    assertNodata('web.default.svc.cluster.local', 'AAAA');
  });

  it('a dual-stack Service answers A and AAAA from its clusterIPs', () => {
    assert.deepEqual(data(ask('dual.prod.svc.cluster.local', 'A').answers), ['10.96.0.30']);
    const v6 = ask('dual.prod.svc.cluster.local', 'AAAA');
    assert.deepEqual(v6.answers.map((a) => a.type), ['AAAA']);
    assert.deepEqual(data(v6.answers), ['fd00:10:96::30']);
  });

  it('a headless Service answers its ready addresses only', () => {
    assert.deepEqual(data(ask('db.default.svc.cluster.local', 'A').answers), ['10.244.1.10', '10.244.1.11', '10.244.1.12']);
  });

  it('an address in two slices (different ports) is answered once', () => {
    const z = zoneFor({ ...world, endpointSlices: eps('db', [
      { addresses: [{ ip: '10.244.1.10' }], ports: [{ name: 'pg', port: 5432 }] },
      { addresses: [{ ip: '10.244.1.10' }, { ip: '10.244.1.20' }], ports: [{ name: 'metrics', port: 9187 }] },
    ]) });
    assert.deepEqual(data(ask('db.default.svc.cluster.local', 'A', z).answers), ['10.244.1.10', '10.244.1.20']);
  });

  it('an endpoint briefly in two slices with the same ports is named once; a missing ready condition counts as ready', () => {
    const [first] = eps('db', [{ addresses: [{ ip: '10.244.1.10', hostname: 'db-0' }], ports: [{ name: 'pg', port: 5432 }] }]);
    const second = { ...first, metadata: { ...first.metadata, name: 'db-moved' }, endpoints: [{ addresses: ['10.244.1.10'], hostname: 'db-0' }] };
    const z = zoneFor({ ...world, endpointSlices: [first, second] });
    assert.deepEqual(data(ask('db.default.svc.cluster.local', 'A', z).answers), ['10.244.1.10']);
    assert.deepEqual(data(ask('db-0.db.default.svc.cluster.local', 'A', z).answers), ['10.244.1.10']);
    const unknown = zoneFor({ ...world, endpointSlices: [second] });
    assert.deepEqual(data(ask('db.default.svc.cluster.local', 'A', unknown).answers), ['10.244.1.10']);
  });

  it('slices of other Services, and FQDN slices, give no names', () => {
    const [fqdn] = eps('db', [{ addresses: [{ ip: 'db.example.org' }] }]);
    const [stranger] = eps('other', [{ addresses: [{ ip: '10.244.1.10' }] }]);
    const z = zoneFor({ ...world, endpointSlices: [{ ...fqdn, addressType: 'FQDN' }, stranger] });
    assertNxdomain('db.default.svc.cluster.local', 'A', z);
  });

  it('a headless Service without ready endpoints is NXDOMAIN, as CoreDNS', () => {
    assertNxdomain('empty.default.svc.cluster.local');
  });

  it('a headless Service whose endpoints publish no ports still has A records (but no SRV)', () => {
    const z = zoneFor({ ...world, endpointSlices: eps('db', [{ addresses: [{ ip: '10.244.1.10' }] }]) });
    assert.deepEqual(data(ask('db.default.svc.cluster.local', 'A', z).answers), ['10.244.1.10']);
    assertNodata('db.default.svc.cluster.local', 'SRV', z);
  });

  it('a ClusterIP Service without endpoints still answers its ClusterIP', () => {
    const z = zoneFor({ ...world, endpointSlices: [] });
    assert.deepEqual(data(ask('web.default.svc.cluster.local', 'A', z).answers), ['10.96.0.20']);
  });

  it('the same Service name in another namespace is another name', () => {
    assertNxdomain('web.prod.svc.cluster.local');
  });
});

describe('endpoint names', () => {
  it('<hostname>.<svc> answers that endpoint (StatefulSet pods behind a headless Service)', () => {
    assert.deepEqual(data(ask('db-0.db.default.svc.cluster.local', 'A').answers), ['10.244.1.10']);
    assert.deepEqual(data(ask('DB-1.db.default.svc.cluster.local', 'A').answers), ['10.244.1.11']);
  });

  it('an endpoint without a hostname is named by its address with dashes', () => {
    assert.deepEqual(data(ask('10-244-1-12.db.default.svc.cluster.local', 'A').answers), ['10.244.1.12']);
    assert.deepEqual(data(ask('10-244-0-5.web.default.svc.cluster.local', 'A').answers), ['10.244.0.5']);
  });

  it('unknown and not-ready endpoints are NXDOMAIN', () => {
    assertNxdomain('db-9.db.default.svc.cluster.local');
    assertNxdomain('db-3.db.default.svc.cluster.local');
  });

  it('an endpoint name asked for SRV lists that endpoint\'s ports', () => {
    const r = ask('db-0.db.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r.answers), [{ priority: 0, weight: 100, port: 5432, target: 'db-0.db.default.svc.cluster.local' }]);
  });
});

describe('SRV records', () => {
  it('_<port>._<proto> of a ClusterIP Service: the Service name as target, its address as additional', () => {
    const r = ask('_http._tcp.web.default.svc.cluster.local', 'SRV');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, [{
      name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV', ttl: 5, class: 'IN',
      data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
    }]);
    assert.deepEqual(r.additionals, [{ name: 'web.default.svc.cluster.local', type: 'A', ttl: 5, class: 'IN', data: '10.96.0.20' }]);
  });

  it('protocol and port names match case-insensitively; UDP ports by _udp', () => {
    assert.deepEqual(data(ask('_DNS._UDP.web.default.svc.cluster.local', 'SRV').answers).map((d) => (d as { port: number }).port), [53]);
  });

  it('headless: one SRV per endpoint, named by hostname or dashed address, weights split evenly, A records additional', () => {
    const r = ask('_pg._tcp.db.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r.answers), [
      { priority: 0, weight: 33, port: 5432, target: 'db-0.db.default.svc.cluster.local' },
      { priority: 0, weight: 33, port: 5432, target: 'db-1.db.default.svc.cluster.local' },
      { priority: 0, weight: 33, port: 5432, target: '10-244-1-12.db.default.svc.cluster.local' },
    ]);
    assert.deepEqual(r.additionals.map((a) => [a.name, a.type, 'data' in a ? a.data : undefined]), [
      ['db-0.db.default.svc.cluster.local', 'A', '10.244.1.10'],
      ['db-1.db.default.svc.cluster.local', 'A', '10.244.1.11'],
      ['10-244-1-12.db.default.svc.cluster.local', 'A', '10.244.1.12'],
    ]);
  });

  it('SRV on the Service name lists every port', () => {
    const r = ask('web.default.svc.cluster.local', 'SRV');
    assert.deepEqual(data(r.answers), [
      { priority: 0, weight: 50, port: 80, target: 'web.default.svc.cluster.local' },
      { priority: 0, weight: 50, port: 53, target: 'web.default.svc.cluster.local' },
    ]);
    assert.equal(r.additionals.length, 1, 'the target\'s address once');
  });

  it('a dual-stack target has one SRV and both addresses as additionals', () => {
    const r = ask('dual.prod.svc.cluster.local', 'SRV');
    assert.equal(r.answers.length, 1);
    assert.deepEqual(r.additionals.map((a) => a.type), ['A', 'AAAA']);
  });

  it('underscores are optional, as CoreDNS parses them', () => {
    assert.equal(ask('http.tcp.web.default.svc.cluster.local', 'SRV').answers.length, 1);
  });

  it('A on the SRV name answers the addresses behind that port (CoreDNS)', () => {
    assert.deepEqual(data(ask('_http._tcp.web.default.svc.cluster.local', 'A').answers), ['10.96.0.20']);
  });

  it('an unknown port name or the wrong protocol is NXDOMAIN', () => {
    assertNxdomain('_https._tcp.web.default.svc.cluster.local', 'SRV');
    assertNxdomain('_http._udp.web.default.svc.cluster.local', 'SRV');
  });

  it('more labels than _port._proto is NXDOMAIN', () => {
    assertNxdomain('x._http._tcp.web.default.svc.cluster.local', 'SRV');
  });
});

describe('ExternalName', () => {
  it('A is a CNAME to spec.externalName, left for the upstream to complete', () => {
    const r = ask('ext.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answers, [{ name: 'ext.default.svc.cluster.local', type: 'CNAME', ttl: 5, class: 'IN', data: 'example.org' }]);
    assert.equal(r.external, 'example.org');
  });

  it('CNAME asks get the CNAME; SRV and TXT are NODATA', () => {
    assert.deepEqual(data(ask('ext.default.svc.cluster.local', 'CNAME').answers), ['example.org']);
    assertNodata('ext.default.svc.cluster.local', 'SRV');
    assertNodata('ext.default.svc.cluster.local', 'TXT');
  });

  it('a target inside the zone is followed: CNAME, then the target\'s A', () => {
    const r = ask('alias.default.svc.cluster.local', 'A');
    assert.deepEqual(r.answers.map((a) => [a.name, a.type, 'data' in a ? a.data : undefined]), [
      ['alias.default.svc.cluster.local', 'CNAME', 'web.default.svc.cluster.local'],
      ['web.default.svc.cluster.local', 'A', '10.96.0.20'],
    ]);
    assert.equal(r.external, undefined);
  });

  it('a CNAME loop inside the zone ends', () => {
    const z = zoneFor({ ...world, services: [
      svc('a', { type: 'ExternalName', externalName: 'b.default.svc.cluster.local' }),
      svc('b', { type: 'ExternalName', externalName: 'a.default.svc.cluster.local' }),
    ] });
    const r = ask('a.default.svc.cluster.local', 'A', z);
    assert.ok(r.answers.length <= 9);
    assert.ok(r.answers.every((a) => a.type === 'CNAME'));
  });

  it('an ExternalName Service has no endpoint names', () => {
    assertNxdomain('x.ext.default.svc.cluster.local');
  });
});

describe('pod records (pods insecure)', () => {
  it('<a-b-c-d>.<ns>.pod answers the address in the name, without looking for the pod', () => {
    assert.deepEqual(data(ask('10-244-0-5.default.pod.cluster.local', 'A').answers), ['10.244.0.5']);
    assert.deepEqual(data(ask('1-2-3-4.default.pod.cluster.local', 'A').answers), ['1.2.3.4']);
  });

  it('IPv6 pods: colons as dashes, answered for AAAA', () => {
    const r = ask('fd00--5.default.pod.cluster.local', 'AAAA');
    assert.deepEqual(data(r.answers), ['fd00::5']);
    assertNodata('fd00--5.default.pod.cluster.local', 'A');
  });

  it('not an address, an unknown namespace or extra labels: NXDOMAIN', () => {
    assertNxdomain('web-a.default.pod.cluster.local');
    assertNxdomain('10-244-0-256.default.pod.cluster.local');
    assertNxdomain('10-244-0-5.nowhere.pod.cluster.local');
    assertNxdomain('x.10-244-0-5.default.pod.cluster.local');
  });

  it('pods verified answers only an address a pod in that namespace has', () => {
    const z = zoneFor(world, { podMode: 'verified' });
    assert.deepEqual(data(ask('10-244-0-5.default.pod.cluster.local', 'A', z).answers), ['10.244.0.5']);
    assertNxdomain('10-244-2-7.default.pod.cluster.local', 'A', z);
    assertNxdomain('192-168-1-10.default.pod.cluster.local', 'A', z);
  });

  it('pods disabled answers none', () => {
    assertNxdomain('10-244-0-5.default.pod.cluster.local', 'A', zoneFor(world, { podMode: 'disabled' }));
  });
});

describe('names that do not exist, names without the type', () => {
  it('NXDOMAIN carries the zone\'s SOA (CoreDNS: ns.dns, hostmaster, 7200 1800 86400, minimum = TTL)', () => {
    const r = ask('nope.default.svc.cluster.local', 'A');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.deepEqual(r.authorities, [{
      name: 'cluster.local', type: 'SOA', ttl: 5, class: 'IN',
      data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', serial: 1700000000, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
    }]);
  });

  it('unknown namespaces, kinds other than svc and pod, and over-long names are NXDOMAIN', () => {
    assertNxdomain('web.nowhere.svc.cluster.local');
    assertNxdomain('nowhere.svc.cluster.local');
    assertNxdomain('web.default.cluster.local');
    assertNxdomain('web.default.node.cluster.local');
    assertNxdomain('a.b.c.web.default.svc.cluster.local');
    assertNxdomain('web.default.svc.cluster.local.default.svc.cluster.local');
  });

  it('the apex, svc, pod and an existing namespace exist: NODATA', () => {
    assertNodata('cluster.local', 'A');
    assertNodata('svc.cluster.local', 'A');
    assertNodata('pod.cluster.local', 'A');
    assertNodata('default.svc.cluster.local', 'A');
    assertNodata('kube-system.svc.cluster.local', 'A');
    assertNodata('kube-system.pod.cluster.local', 'AAAA');
  });

  it('an existing name asked for a type it does not have: NODATA', () => {
    for (const type of ['MX', 'TXT', 'CNAME', 'PTR', 'NS', 'SOA', 'ANY', 'CAA']) assertNodata('web.default.svc.cluster.local', type);
  });

  it('the SOA\'s TTL is capped at 300 while its minimum follows the TTL', () => {
    const z = zoneFor(world, { ttl: 3600 });
    const r = ask('nope.default.svc.cluster.local', 'A', z);
    assert.equal(r.authorities[0].type === 'SOA' && r.authorities[0].ttl, 300);
    assert.equal(r.authorities[0].type === 'SOA' && r.authorities[0].data.minimum, 3600);
  });
});

describe('outside the cluster domain', () => {
  it('other names are not ours, however close they look', () => {
    for (const name of ['example.org', 'local', 'xcluster.local', 'cluster.local.example.org', 'web.default.svc.cluster.loca']) {
      assert.deepEqual(lookup(zone, { name, type: 'A' }), { kind: 'outside' }, name);
    }
  });

  it('another cluster domain', () => {
    const z = zoneFor(world, { domain: 'Skiff.Example.' });
    assert.deepEqual(data(ask('web.default.svc.skiff.example', 'A', z).answers), ['10.96.0.20']);
    assert.deepEqual(lookup(z, { name: 'web.default.svc.cluster.local', type: 'A' }), { kind: 'outside' });
  });
});

describe('the zone apex and specials', () => {
  it('SOA at the apex', () => {
    const r = ask('cluster.local', 'SOA');
    assert.equal(r.answers.length, 1);
    assert.equal(r.answers[0].type, 'SOA');
  });

  it('NS at the apex names ns.dns.<domain>, with this server\'s address as glue; ns.dns answers A', () => {
    const z = zoneFor(world, { nameservers: ['169.254.20.10'] });
    const r = ask('cluster.local', 'NS', z);
    assert.deepEqual(data(r.answers), ['ns.dns.cluster.local']);
    assert.deepEqual(r.additionals.map((a) => [a.name, 'data' in a ? a.data : undefined]), [['ns.dns.cluster.local', '169.254.20.10']]);
    assert.deepEqual(data(ask('ns.dns.cluster.local', 'A', z).answers), ['169.254.20.10']);
    assertNodata('ns.dns.cluster.local', 'AAAA', z);
  });

  it('TXT dns-version is the schema version', () => {
    const r = ask('dns-version.cluster.local', 'TXT');
    assert.deepEqual(r.answers, [{ name: 'dns-version.cluster.local', type: 'TXT', ttl: 28800, class: 'IN', data: '1.1.0' }]);
  });
});

describe('PTR', () => {
  it('a ClusterIP names its Service', () => {
    assert.deepEqual(data(ask('20.0.96.10.in-addr.arpa', 'PTR').answers), ['web.default.svc.cluster.local']);
  });

  it('an endpoint address names the endpoint (hostname or dashed address)', () => {
    assert.deepEqual(data(ask('10.1.244.10.in-addr.arpa', 'PTR').answers), ['db-0.db.default.svc.cluster.local']);
    assert.deepEqual(data(ask('12.1.244.10.in-addr.arpa', 'PTR').answers), ['10-244-1-12.db.default.svc.cluster.local']);
    assert.deepEqual(data(ask('5.0.244.10.in-addr.arpa', 'PTR').answers), ['10-244-0-5.web.default.svc.cluster.local']);
  });

  it('a pod IP in no Service names the pod record; host-network pods get none', () => {
    assert.deepEqual(data(ask('7.2.244.10.in-addr.arpa', 'PTR').answers), ['10-244-2-7.prod.pod.cluster.local']);
    assert.deepEqual(lookup(zone, { name: '10.1.168.192.in-addr.arpa', type: 'PTR' }), { kind: 'outside' });
  });

  it('an IPv6 ClusterIP in ip6.arpa', () => {
    const name = [...'fd000010009600000000000000000030'].reverse().join('.') + '.ip6.arpa';
    assert.deepEqual(data(ask(name, 'PTR').answers), ['dual.prod.svc.cluster.local']);
  });

  it('unknown addresses and other types fall through to the upstream', () => {
    assert.deepEqual(lookup(zone, { name: '8.8.8.8.in-addr.arpa', type: 'PTR' }), { kind: 'outside' });
    assert.deepEqual(lookup(zone, { name: '20.0.96.10.in-addr.arpa', type: 'A' }), { kind: 'outside' });
    assert.deepEqual(lookup(zone, { name: '0.96.10.in-addr.arpa', type: 'PTR' }), { kind: 'outside' });
  });

  it('reverse names parse strictly', () => {
    assert.equal(addressFromReverse('4.3.2.1.in-addr.arpa.'), '1.2.3.4');
    assert.equal(addressFromReverse('4.3.2.1.IN-ADDR.ARPA'), '1.2.3.4');
    assert.equal(addressFromReverse('256.3.2.1.in-addr.arpa'), '');
    assert.equal(addressFromReverse('04.3.2.1.in-addr.arpa'), '');
    assert.equal(addressFromReverse(`${'1.'.repeat(31)}0.ip6.arpa`), '111:1111:1111:1111:1111:1111:1111:1111');
    assert.equal(addressFromReverse('1.0.ip6.arpa'), '');
  });
});

describe('namespaces', () => {
  it('without a namespace list, a namespace exists when something is in it', () => {
    const z = zoneFor({ services: [web], endpointSlices: [], pods: [pod('p', '10.244.3.3', 'jobs')] });
    assertNodata('default.svc.cluster.local', 'A', z);
    assertNodata('jobs.svc.cluster.local', 'A', z);
    assert.deepEqual(data(ask('10-244-3-3.jobs.pod.cluster.local', 'A', z).answers), ['10.244.3.3']);
    assertNxdomain('kube-system.svc.cluster.local', 'A', z);
  });
});
