import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../../../apiserver/api/errors.ts';
import type { Service } from '../../../../apiserver/api/types.ts';
import { initIPFamilyFields } from '../../../../apiserver/registry/service/ip-families.ts';

const svc = (spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });
const v4 = ['IPv4'] as const;

function init(service: Service, old?: Service): string[] {
  return initIPFamilyFields(service, old, v4).map(formatFieldError);
}

describe('initIPFamilyFields on a single-stack IPv4 cluster', () => {
  it('defaults a new Service to SingleStack IPv4', () => {
    const s = svc({ type: 'ClusterIP', selector: { app: 'a' }, ports: [{ port: 80 }] });
    assert.deepEqual(init(s), []);
    assert.equal(s.spec?.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(s.spec?.ipFamilies, ['IPv4']);
  });

  it('a headless Service without a selector may carry both families', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
    assert.deepEqual(init(s), []);
    assert.equal(s.spec?.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(s.spec?.ipFamilies, ['IPv4', 'IPv6']);
  });

  it('a headless Service with a selector is single-stack', () => {
    const s = svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'a' } });
    assert.deepEqual(init(s), []);
    assert.equal(s.spec?.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(s.spec?.ipFamilies, ['IPv4']);
  });

  it('PreferDualStack gets what the cluster has; RequireDualStack is refused', () => {
    const prefer = svc({ type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ports: [{ port: 80 }] });
    assert.deepEqual(init(prefer), []);
    assert.deepEqual(prefer.spec?.ipFamilies, ['IPv4']);
    assert.deepEqual(init(svc({ type: 'ClusterIP', ipFamilyPolicy: 'RequireDualStack', ports: [{ port: 80 }] })),
      ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']);
  });

  it('refuses families and addresses of a family the cluster does not serve', () => {
    assert.deepEqual(init(svc({ type: 'ClusterIP', ipFamilies: ['IPv6'], ports: [{ port: 80 }] })),
      ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']);
    assert.deepEqual(init(svc({ type: 'ClusterIP', clusterIP: 'fd00::1', clusterIPs: ['fd00::1'], ports: [{ port: 80 }] })),
      ['spec.clusterIPs[0]: Invalid value: []string{"fd00::1"}: IPv6 is not configured on this cluster']);
  });

  it('SingleStack with two families is refused', () => {
    assert.deepEqual(init(svc({ type: 'ClusterIP', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'], ports: [{ port: 80 }] })),
      ["spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"]);
  });

  it('an update without a policy keeps the stored one', () => {
    const old = svc({ type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'], clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] });
    const next = svc({ type: 'ClusterIP', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'] });
    assert.deepEqual(init(next, old), []);
    assert.equal(next.spec?.ipFamilyPolicy, 'PreferDualStack');
    assert.deepEqual(next.spec?.ipFamilies, ['IPv4']);
  });

  it('leaves ExternalName Services alone', () => {
    const s = svc({ type: 'ExternalName', externalName: 'example.com' });
    assert.deepEqual(init(s), []);
    assert.equal(s.spec?.ipFamilyPolicy, undefined);
    assert.equal(s.spec?.ipFamilies, undefined);
  });
});
