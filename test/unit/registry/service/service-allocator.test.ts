import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../../apiserver/api/errors.ts';
import type { Service } from '../../../../apiserver/api/types.ts';
import { ServiceAllocator } from '../../../../apiserver/registry/service/service-allocator.ts';

const newAllocator = (nodePortRange = '30000-32767') => new ServiceAllocator({ clusterIPRange: '10.96.0.0/16', nodePortRange });

// Specs carry clusterIP and clusterIPs together, as the Service strategy leaves them before allocation.
function svc(name: string, spec: Service['spec'], namespace = 'ns'): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: structuredClone(spec) };
}

function refusal(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return { code: e.code, message: e.message };
  }
  assert.fail('expected the allocation to be refused');
}

const clusterIP = (ports = [{ port: 80 }]): Service['spec'] => ({ type: 'ClusterIP', ports });
const nodePort = (ports: { port: number; nodePort?: number; protocol?: string; name?: string }[]): Service['spec'] => ({ type: 'NodePort', ports });

describe('ServiceAllocator: create', () => {
  it('gives a ClusterIP Service an address of the range and records it in both fields', () => {
    const a = newAllocator();
    const s = svc('a', clusterIP());
    a.allocateCreate(s, false).commit();
    const ip = s.spec!.clusterIP!;
    assert.match(ip, /^10\.96\.\d+\.\d+$/);
    assert.deepEqual(s.spec!.clusterIPs, [ip]);
    assert.equal(a.ips.has(ip), true);
  });

  it('holds the first address for the kubernetes Service alone', () => {
    const a = newAllocator();
    assert.equal(a.kubernetesServiceIP, '10.96.0.1');
    assert.match(refusal(() => a.allocateCreate(svc('x', { ...clusterIP(), clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }), false)).message,
      /failed to allocate IP 10\.96\.0\.1: provided IP is already allocated/);
    const k = svc('kubernetes', { ...clusterIP([{ port: 443 }]), clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }, 'default');
    a.allocateCreate(k, false).commit();
    assert.equal(k.spec!.clusterIP, '10.96.0.1');
    // Deleting it does not free the address for anyone else.
    a.release(k);
    assert.equal(a.ips.has('10.96.0.1'), true);
  });

  it('refuses an explicit address outside the range or taken, with kube\'s message', () => {
    const a = newAllocator();
    a.allocateCreate(svc('a', { ...clusterIP(), clusterIP: '10.96.100.100', clusterIPs: ['10.96.100.100'] }), false).commit();
    const taken = refusal(() => a.allocateCreate(svc('b', { ...clusterIP(), clusterIP: '10.96.100.100', clusterIPs: ['10.96.100.100'] }), false));
    assert.equal(taken.code, 422);
    assert.equal(taken.message, 'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.100.100"}: failed to allocate IP 10.96.100.100: provided IP is already allocated');
    const outside = refusal(() => a.allocateCreate(svc('c', { ...clusterIP(), clusterIP: '10.97.0.5', clusterIPs: ['10.97.0.5'] }), false));
    assert.equal(outside.message, 'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.97.0.5"}: failed to allocate IP 10.97.0.5: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/16');
  });

  it('headless and ExternalName Services get no address', () => {
    const a = newAllocator();
    const headless = svc('h', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    a.allocateCreate(headless, false).commit();
    assert.deepEqual(headless.spec!.clusterIPs, ['None']);
    const external = svc('e', { type: 'ExternalName', externalName: 'example.com' });
    a.allocateCreate(external, false).commit();
    assert.equal(external.spec!.clusterIP, undefined);
    assert.equal(a.ips.free, a.ips.size - 1); // only the kubernetes address is held
  });

  it('gives every NodePort port a node port; one port number shares one node port across protocols', () => {
    const a = newAllocator();
    const s = svc('np', nodePort([{ port: 80, name: 'http' }, { port: 53, protocol: 'UDP', name: 'dns' }, { port: 53, protocol: 'TCP', name: 'dns-tcp' }]));
    a.allocateCreate(s, false).commit();
    const [http, dns, dnsTcp] = s.spec!.ports!.map((p) => p.nodePort!);
    assert.ok(http >= 30000 && http <= 32767);
    assert.notEqual(http, dns);
    assert.equal(dns, dnsTcp);
  });

  it('refuses node ports outside the range or taken, with kube\'s messages', () => {
    const a = newAllocator();
    a.allocateCreate(svc('a', nodePort([{ port: 80, nodePort: 30080 }])), false).commit();
    assert.equal(refusal(() => a.allocateCreate(svc('b', nodePort([{ port: 80, nodePort: 30080 }])), false)).message,
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    assert.equal(refusal(() => a.allocateCreate(svc('c', nodePort([{ port: 80 }, { port: 81, nodePort: 8080 }])), false)).message,
      'Service "c" is invalid: spec.ports[1].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('a refused create keeps nothing it took on the way', () => {
    const a = newAllocator('30000-30009');
    const freeIPs = a.ips.free;
    refusal(() => a.allocateCreate(svc('c', nodePort([{ port: 80 }, { port: 81, nodePort: 8080 }])), false));
    assert.equal(a.ips.free, freeIPs);
    assert.equal(a.nodePorts.free, 10);
  });

  it('revert gives back what a create took (the write failed)', () => {
    const a = newAllocator('30000-30009');
    const s = svc('a', nodePort([{ port: 80 }]));
    a.allocateCreate(s, false).revert();
    assert.equal(a.ips.has(s.spec!.clusterIP!), false);
    assert.equal(a.nodePorts.has(s.spec!.ports![0].nodePort!), false);
  });

  it('a dry run shows values but keeps none', () => {
    const a = newAllocator('30000-30009');
    const s = svc('a', nodePort([{ port: 80 }]));
    a.allocateCreate(s, true);
    assert.ok(s.spec!.clusterIP);
    assert.ok(s.spec!.ports![0].nodePort);
    assert.equal(a.ips.has(s.spec!.clusterIP!), false);
    assert.equal(a.nodePorts.free, 10);
  });

  it('a full range is an internal error, as in kube', () => {
    const a = newAllocator('30000-30000');
    a.allocateCreate(svc('a', nodePort([{ port: 80 }])), false).commit();
    const full = refusal(() => a.allocateCreate(svc('b', nodePort([{ port: 80 }])), false));
    assert.equal(full.code, 500);
    assert.match(full.message, /failed to allocate a nodePort: range is full/);
  });

  it('LoadBalancers: node ports unless allocateLoadBalancerNodePorts is false; a health check port for Local', () => {
    const a = newAllocator();
    const lb = svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    a.allocateCreate(lb, false).commit();
    assert.ok(lb.spec!.ports![0].nodePort);
    assert.ok(lb.spec!.healthCheckNodePort);
    assert.notEqual(lb.spec!.healthCheckNodePort, lb.spec!.ports![0].nodePort);
    const bare = svc('bare', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80 }] });
    a.allocateCreate(bare, false).commit();
    assert.equal(bare.spec!.ports![0].nodePort, undefined);
  });
});

describe('ServiceAllocator: update and delete', () => {
  function created(a: ServiceAllocator, name: string, spec: Service['spec']): Service {
    const s = svc(name, spec);
    a.allocateCreate(s, false).commit();
    return s;
  }

  it('ClusterIP -> NodePort allocates node ports; NodePort -> ClusterIP frees them on commit', () => {
    const a = newAllocator('30000-30009');
    const old = created(a, 'a', clusterIP());
    const asNodePort = structuredClone(old);
    asNodePort.spec!.type = 'NodePort';
    const txn = a.allocateUpdate(asNodePort, old, false);
    const port = asNodePort.spec!.ports![0].nodePort!;
    assert.ok(a.nodePorts.has(port));
    txn.commit();

    const back = structuredClone(asNodePort);
    back.spec!.type = 'ClusterIP';
    delete back.spec!.ports![0].nodePort;
    const undo = a.allocateUpdate(back, asNodePort, false);
    assert.ok(a.nodePorts.has(port), 'still held until the update is stored');
    undo.commit();
    assert.equal(a.nodePorts.has(port), false);
  });

  it('a failed update keeps what the stored object holds and gives back what it took', () => {
    const a = newAllocator();
    const old = created(a, 'a', nodePort([{ port: 80, nodePort: 30080 }]));
    const next = structuredClone(old);
    next.spec!.ports![0].nodePort = 30081;
    a.allocateUpdate(next, old, false).revert();
    assert.equal(a.nodePorts.has(30080), true);
    assert.equal(a.nodePorts.has(30081), false);
  });

  it('changing a node port takes the new one and frees the old one', () => {
    const a = newAllocator();
    const old = created(a, 'a', nodePort([{ port: 80, nodePort: 30080 }]));
    const other = created(a, 'b', nodePort([{ port: 80, nodePort: 30090 }]));
    const next = structuredClone(old);
    next.spec!.ports![0].nodePort = 30090;
    assert.match(refusal(() => a.allocateUpdate(next, old, false)).message, /spec.ports\[0\].nodePort: Invalid value: 30090: provided port is already allocated/);
    a.release(other);
    a.allocateUpdate(next, old, false).commit();
    assert.equal(a.nodePorts.has(30090), true);
    assert.equal(a.nodePorts.has(30080), false);
  });

  it('ExternalName -> ClusterIP allocates an address; ClusterIP -> ExternalName frees it', () => {
    const a = newAllocator();
    const ext = created(a, 'e', { type: 'ExternalName', externalName: 'example.com' });
    const withIP = structuredClone(ext);
    withIP.spec = { type: 'ClusterIP', ports: [{ port: 80 }] };
    a.allocateUpdate(withIP, ext, false).commit();
    const ip = withIP.spec.clusterIP!;
    assert.ok(a.ips.has(ip));
    const backToExt = structuredClone(withIP);
    backToExt.spec = { type: 'ExternalName', externalName: 'example.com' };
    a.allocateUpdate(backToExt, withIP, false).commit();
    assert.equal(a.ips.has(ip), false);
  });

  it('a Service stored without an address (before allocation existed) gets one on its next update', () => {
    const a = newAllocator();
    const legacy = svc('old', { type: 'ClusterIP', ports: [{ port: 80 }] });
    const next = structuredClone(legacy);
    a.allocateUpdate(next, legacy, false).commit();
    assert.ok(a.ips.has(next.spec!.clusterIP!));
    assert.deepEqual(next.spec!.clusterIPs, [next.spec!.clusterIP]);
  });

  it('release frees the address, node ports and health check port of a deleted Service', () => {
    const a = newAllocator();
    const s = created(a, 'lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
    a.release(s);
    assert.equal(a.ips.has(s.spec!.clusterIP!), false);
    assert.equal(a.nodePorts.has(s.spec!.ports![0].nodePort!), false);
    assert.equal(a.nodePorts.has(s.spec!.healthCheckNodePort!), false);
  });
});

describe('ServiceAllocator: restore', () => {
  it('marks what stored Services hold, and reports duplicates and strays', () => {
    const a = newAllocator();
    const problems = a.restore([
      svc('a', { type: 'NodePort', clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'], ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }, { port: 53, protocol: 'TCP', nodePort: 30053 }] }),
      svc('b', { type: 'ClusterIP', clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'] }),
      svc('c', { type: 'ClusterIP', clusterIP: '10.200.0.1', clusterIPs: ['10.200.0.1'] }),
      svc('kubernetes', { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'] }, 'default'),
      svc('h', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
    ]);
    assert.deepEqual(problems, [
      'the cluster IP 10.96.0.50 for service ns/b was assigned to multiple services; please recreate',
      'Cluster IP 10.200.0.1 of service ns/c is not within the configured Service CIDR 10.96.0.0/16; please recreate service',
    ]);
    assert.equal(a.ips.has('10.96.0.50'), true);
    assert.equal(a.nodePorts.has(30053), true);
    assert.match(refusal(() => a.allocateCreate(svc('d', { ...clusterIP(), clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'] }), false)).message, /already allocated/);
  });
});
