// Defaults of Services.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultService } from '../../../apiserver/api/defaults/service.ts';
import type { Service } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

const minimal = (): Service => ({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 'https' }] } });

describe('Service defaults', () => {
  it('makes a ClusterIP service with TCP ports to the same port', () => {
    const svc = minimal();
    defaultService(svc);
    const spec = svc.spec!;
    assert.equal(spec.type, 'ClusterIP');
    assert.equal(spec.sessionAffinity, 'None');
    assert.equal(spec.internalTrafficPolicy, 'Cluster');
    assert.equal(spec.externalTrafficPolicy, undefined);
    assert.deepEqual(spec.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 'https', protocol: 'TCP' }]);
  });

  it('replaces a zero or empty targetPort', () => {
    const svc = minimal();
    svc.spec!.ports = [{ port: 80, targetPort: 0 }, { port: 81, targetPort: '' }];
    defaultService(svc);
    assert.deepEqual(svc.spec!.ports!.map((p) => p.targetPort), [80, 81]);
  });

  it('gives ClientIP affinity a three hour timeout', () => {
    const svc = minimal();
    svc.spec!.sessionAffinity = 'ClientIP';
    defaultService(svc);
    assert.deepEqual(svc.spec!.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });

  it('drops affinity config when affinity is None', () => {
    const svc = minimal();
    svc.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 5 } };
    defaultService(svc);
    assert.equal(svc.spec!.sessionAffinityConfig, undefined);
  });

  it('sets externalTrafficPolicy for NodePort and LoadBalancer services', () => {
    for (const type of ['NodePort', 'LoadBalancer']) {
      const svc = minimal();
      svc.spec!.type = type;
      defaultService(svc);
      assert.equal(svc.spec!.externalTrafficPolicy, 'Cluster', type);
      assert.equal(svc.spec!.internalTrafficPolicy, 'Cluster', type);
    }
    const lb = minimal();
    lb.spec!.type = 'LoadBalancer';
    defaultService(lb);
    assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  });

  it('sets no traffic policies on ExternalName services', () => {
    const svc: Service = { metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } };
    defaultService(svc);
    assert.equal(svc.spec!.internalTrafficPolicy, undefined);
    assert.equal(svc.spec!.externalTrafficPolicy, undefined);
  });

  it('is idempotent', () => {
    assertIdempotent(defaultService, minimal());
    const lb = minimal();
    lb.spec!.type = 'LoadBalancer';
    lb.spec!.sessionAffinity = 'ClientIP';
    assertIdempotent(defaultService, lb);
  });
});
