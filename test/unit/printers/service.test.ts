import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '../../../apiserver/api/types.ts';
import { servicePrinter } from '../../../apiserver/server/printers/service.ts';
import { ago, columnNames, row } from './helpers.ts';

function service(spec: NonNullable<Service['spec']>, status?: Service['status']): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago({ m: 7, s: 3 }) },
    spec, ...(status ? { status } : {}),
  };
}

describe('service printer: PORT(S)', () => {
  const cases: [string, NonNullable<Service['spec']>, string][] = [
    ['one ClusterIP port', { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] }, '80/TCP'],
    ['a NodePort port', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }, '80:30080/TCP'],
    ['several ports in order', {
      type: 'NodePort',
      ports: [{ port: 443, nodePort: 30443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }, { port: 80, nodePort: 30080, protocol: 'TCP' }],
    }, '443:30443/TCP,53/UDP,80:30080/TCP'],
    ['SCTP', { type: 'ClusterIP', ports: [{ port: 9000, protocol: 'SCTP' }] }, '9000/SCTP'],
    ['no ports at all', { type: 'ClusterIP', clusterIP: 'None' }, '<none>'],
  ];
  for (const [what, spec, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(servicePrinter, service(spec))['Port(s)'], want));
  }
});

describe('service printer: EXTERNAL-IP and CLUSTER-IP', () => {
  const cases: [string, Service, string][] = [
    ['ClusterIP without external IPs', service({ type: 'ClusterIP' }), '<none>'],
    ['ClusterIP with external IPs', service({ type: 'ClusterIP', externalIPs: ['1.2.3.4', '5.6.7.8'] }), '1.2.3.4,5.6.7.8'],
    ['NodePort without external IPs', service({ type: 'NodePort' }), '<none>'],
    ['LoadBalancer not provisioned yet', service({ type: 'LoadBalancer' }), '<pending>'],
    ['LoadBalancer with addresses, IP before hostname and sorted',
      service({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.1' }] } }),
      '203.0.113.1,203.0.113.9,lb.example.com'],
    ['LoadBalancer addresses then external IPs',
      service({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }, { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } }),
      '203.0.113.9,1.2.3.4'],
    ['LoadBalancer with only external IPs', service({ type: 'LoadBalancer', externalIPs: ['1.2.3.4'] }), '1.2.3.4'],
    ['ExternalName shows the name it aliases', service({ type: 'ExternalName', externalName: 'db.example.com' }), 'db.example.com'],
    ['no type', service({}), '<unknown>'],
  ];
  for (const [what, svc, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(row(servicePrinter, svc)['External-IP'], want));
  }

  it('CLUSTER-IP is the first cluster IP, "None" for headless, <none> for ExternalName', () => {
    assert.equal(row(servicePrinter, service({ type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::a'] }))['Cluster-IP'], '10.96.0.10');
    assert.equal(row(servicePrinter, service({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }))['Cluster-IP'], 'None');
    assert.equal(row(servicePrinter, service({ type: 'ExternalName', externalName: 'x.example.com' }))['Cluster-IP'], '<none>');
  });
});

describe('service printer: columns and cells', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(servicePrinter), {
      standard: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
      wide: ['Selector'],
    });
  });

  it('fills every cell', () => {
    const svc = service({
      type: 'NodePort', clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'],
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { tier: 'frontend', app: 'web' },
    });
    assert.deepEqual(Object.values(row(servicePrinter, svc)), ['web', 'NodePort', '10.96.12.34', '<none>', '80:30080/TCP', '7m3s', 'app=web,tier=frontend']);
  });

  it('prints <none> for a service without a selector', () => {
    assert.equal(row(servicePrinter, service({ type: 'ClusterIP' })).Selector, '<none>');
  });
});
