import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Service } from '../../../../apiserver/api/types.ts';
import { dropTypeDependentFields, patchAllocatedValues } from '../../../../apiserver/registry/strategies/service-fields.ts';

const svc = (spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });

describe('patchAllocatedValues', () => {
  it('keeps the allocated address when the client sends its manifest again without one', () => {
    const old = svc({ type: 'ClusterIP', clusterIP: '10.96.4.4', clusterIPs: ['10.96.4.4'], ports: [{ port: 80 }] });
    const next = svc({ type: 'ClusterIP', ports: [{ port: 80 }] });
    patchAllocatedValues(next, old);
    assert.equal(next.spec?.clusterIP, '10.96.4.4');
    assert.deepEqual(next.spec?.clusterIPs, ['10.96.4.4']);
  });

  it('does not patch an address into an ExternalName Service, or from one', () => {
    const old = svc({ type: 'ClusterIP', clusterIP: '10.96.4.4', clusterIPs: ['10.96.4.4'] });
    const next = svc({ type: 'ExternalName', externalName: 'example.com' });
    patchAllocatedValues(next, old);
    assert.equal(next.spec?.clusterIP, undefined);
  });

  it('keeps node ports by port name, unless the value is already used by another port', () => {
    const old = svc({ type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30002 }] });
    const next = svc({ type: 'NodePort', ports: [{ name: 'a', port: 8080 }, { name: 'b', port: 81, nodePort: 30001 }] });
    patchAllocatedValues(next, old);
    // a's old value 30001 is now b's, so a gets a new one later; b keeps what it asked for.
    assert.deepEqual(next.spec?.ports?.map((p) => p.nodePort), [undefined, 30001]);

    const again = svc({ type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] });
    patchAllocatedValues(again, old);
    assert.deepEqual(again.spec?.ports?.map((p) => p.nodePort), [30001, 30002]);
  });

  it('keeps the health check port of a Local load balancer', () => {
    const spec = { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30001 }] };
    const old = svc({ ...spec, healthCheckNodePort: 30500 });
    const next = svc(structuredClone(spec));
    patchAllocatedValues(next, old);
    assert.equal(next.spec?.healthCheckNodePort, 30500);
  });
});

describe('dropTypeDependentFields', () => {
  it('drops the health check port when a load balancer goes from Local to Cluster', () => {
    const old = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30500, ports: [{ port: 80 }] });
    const next = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', healthCheckNodePort: 30500, ports: [{ port: 80 }] });
    dropTypeDependentFields(next, old);
    assert.equal(next.spec?.healthCheckNodePort, undefined);
  });

  it('drops unchanged node ports when the type leaves NodePort', () => {
    const old = svc({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
    const next = svc({ type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', nodePort: 30001 }] });
    dropTypeDependentFields(next, old);
    assert.equal(next.spec?.ports?.[0].nodePort, undefined);
  });
});
