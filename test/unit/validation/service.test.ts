// Validation table for Services, and the update rules for cluster IPs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultService } from '../../../apiserver/api/defaults/service.ts';
import type { Service } from '../../../apiserver/api/types.ts';
import { setStatus } from '../../../apiserver/api/writable-status.ts';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from '../../../apiserver/api/validation/service.ts';
import { assertHasError, assertNoErrors, validationTable, type BrokenCase } from './field-errors.ts';
import { clone } from './fixtures.ts';

function service(): Service {
  const svc: Service = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { app: 'web' },
      clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'],
      ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090, targetPort: 'metrics' }],
    },
  };
  defaultService(svc);
  return svc;
}

function withType(type: string): (svc: Service) => void {
  return (svc) => {
    svc.spec!.type = type;
    defaultService(svc);
  };
}

const cases: BrokenCase<Service>[] = [
  { name: 'requires ports', mutate: (s) => { s.spec!.ports = []; }, field: 'spec.ports', type: 'FieldValueRequired' },
  { name: 'rejects port 0', mutate: (s) => { s.spec!.ports![0].port = 0; }, field: 'spec.ports[0].port', type: 'FieldValueInvalid' },
  { name: 'rejects port 70000', mutate: (s) => { s.spec!.ports![0].port = 70000; }, field: 'spec.ports[0].port', type: 'FieldValueInvalid' },
  { name: 'rejects an unknown protocol', mutate: (s) => { s.spec!.ports![0].protocol = 'ICMP'; }, field: 'spec.ports[0].protocol', type: 'FieldValueNotSupported' },
  { name: 'requires port names when there are several ports', mutate: (s) => { delete s.spec!.ports![1].name; }, field: 'spec.ports[1].name', type: 'FieldValueRequired' },
  { name: 'requires port names to be DNS labels', mutate: (s) => { s.spec!.ports![0].name = 'HTTP_Port'; }, field: 'spec.ports[0].name', type: 'FieldValueInvalid' },
  { name: 'rejects duplicate port names', mutate: (s) => { s.spec!.ports![1].name = 'http'; }, field: 'spec.ports[1].name', type: 'FieldValueDuplicate' },
  { name: 'rejects duplicate ports', mutate: (s) => { s.spec!.ports![1].port = 80; }, field: 'spec.ports[1]', type: 'FieldValueDuplicate' },
  { name: 'rejects a target port out of range', mutate: (s) => { s.spec!.ports![0].targetPort = 0x10000; }, field: 'spec.ports[0].targetPort', type: 'FieldValueInvalid' },
  { name: 'rejects a target port name that is no IANA name', mutate: (s) => { s.spec!.ports![1].targetPort = 'not_a_port_name'; }, field: 'spec.ports[1].targetPort', type: 'FieldValueInvalid' },
  { name: 'forbids node ports on ClusterIP services', mutate: (s) => { s.spec!.ports![0].nodePort = 30080; }, field: 'spec.ports[0].nodePort', type: 'FieldValueForbidden' },
  { name: 'rejects an unknown type', mutate: (s) => { s.spec!.type = 'Magic'; }, field: 'spec.type', type: 'FieldValueNotSupported' },
  { name: 'allows clusterIP None only for ClusterIP services', mutate: (s) => { s.spec!.clusterIP = 'None'; s.spec!.clusterIPs = ['None']; withType('NodePort')(s); }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid', detail: "may not be set to 'None' for NodePort services" },
  { name: 'keeps clusterIP and clusterIPs in step', mutate: (s) => { s.spec!.clusterIPs = ['10.96.0.11']; }, field: 'spec.clusterIPs', type: 'FieldValueInvalid', detail: 'first value must match `clusterIP`' },
  { name: 'rejects a malformed cluster IP', mutate: (s) => { s.spec!.clusterIP = '10.96.0.300'; s.spec!.clusterIPs = ['10.96.0.300']; }, field: 'spec.clusterIPs[0]', type: 'FieldValueInvalid' },
  { name: 'requires externalName for ExternalName services', mutate: (s) => { s.spec!.clusterIP = ''; s.spec!.clusterIPs = []; withType('ExternalName')(s); }, field: 'spec.externalName', type: 'FieldValueRequired' },
  { name: 'requires externalName to be a DNS name', mutate: (s) => { s.spec!.clusterIP = ''; s.spec!.clusterIPs = []; s.spec!.externalName = 'not a host'; withType('ExternalName')(s); }, field: 'spec.externalName', type: 'FieldValueInvalid' },
  { name: 'forbids cluster IPs on ExternalName services', mutate: (s) => { s.spec!.externalName = 'db.example.com'; withType('ExternalName')(s); }, field: 'spec.clusterIPs', type: 'FieldValueForbidden' },
  { name: 'rejects an unknown session affinity', mutate: (s) => { s.spec!.sessionAffinity = 'Cookie'; }, field: 'spec.sessionAffinity', type: 'FieldValueNotSupported' },
  { name: 'caps the ClientIP affinity timeout', mutate: (s) => { s.spec!.sessionAffinity = 'ClientIP'; s.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86401 } }; }, field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', type: 'FieldValueInvalid', detail: 'must be greater than 0 and less than 86400' },
  { name: 'forbids affinity config with affinity None', mutate: (s) => { s.spec!.sessionAffinityConfig = { clientIP: { timeoutSeconds: 60 } }; }, field: 'spec.sessionAffinityConfig', type: 'FieldValueForbidden' },
  { name: 'validates selector labels', mutate: (s) => { s.spec!.selector = { app: 'web server' }; }, field: 'spec.selector', type: 'FieldValueInvalid', under: true },
  { name: 'rejects malformed external IPs', mutate: (s) => { s.spec!.externalIPs = ['1.2.3']; }, field: 'spec.externalIPs[0]', type: 'FieldValueInvalid' },
  { name: 'keeps externalTrafficPolicy to externally accessible services', mutate: (s) => { s.spec!.externalTrafficPolicy = 'Local'; }, field: 'spec.externalTrafficPolicy', type: 'FieldValueInvalid' },
  { name: 'rejects an unknown internalTrafficPolicy', mutate: (s) => { s.spec!.internalTrafficPolicy = 'Nearby'; }, field: 'spec.internalTrafficPolicy', type: 'FieldValueNotSupported' },
  { name: 'requires internalTrafficPolicy', mutate: (s) => { delete s.spec!.internalTrafficPolicy; }, field: 'spec.internalTrafficPolicy', type: 'FieldValueRequired' },
  { name: 'keeps loadBalancerSourceRanges to load balancers', mutate: (s) => { s.spec!.loadBalancerSourceRanges = ['10.0.0.0/8']; }, field: 'spec.loadBalancerSourceRanges', type: 'FieldValueForbidden' },
  { name: 'rejects a duplicate node port', mutate: (s) => { withType('NodePort')(s); s.spec!.ports![0].nodePort = 30080; s.spec!.ports![1].nodePort = 30080; }, field: 'spec.ports[1].nodePort', type: 'FieldValueDuplicate' },
];

describe('Service validation', () => {
  validationTable(service, validateService, cases);

  it('accepts headless, NodePort, LoadBalancer and ExternalName services', () => {
    const headless = service();
    headless.spec!.clusterIP = 'None';
    headless.spec!.clusterIPs = ['None'];
    headless.spec!.ports = [];
    assertNoErrors(validateService(headless), 'headless Service');

    const nodePort = service();
    withType('NodePort')(nodePort);
    nodePort.spec!.ports![0].nodePort = 30080;
    assertNoErrors(validateService(nodePort), 'NodePort Service');

    const lb = service();
    withType('LoadBalancer')(lb);
    lb.spec!.loadBalancerSourceRanges = ['10.0.0.0/8'];
    assertNoErrors(validateService(lb), 'LoadBalancer Service');

    const external = service();
    external.spec!.clusterIP = '';
    external.spec!.clusterIPs = [];
    external.spec!.externalName = 'db.example.com.';
    delete external.spec!.internalTrafficPolicy;
    withType('ExternalName')(external);
    assertNoErrors(validateService(external), 'ExternalName Service');
  });

  it('fixes cluster IPs once set', () => {
    const old = service();
    const moved = clone(old);
    moved.spec!.clusterIP = '10.96.0.11';
    moved.spec!.clusterIPs = ['10.96.0.11'];
    assertHasError(validateServiceUpdate(moved, old), 'spec.clusterIPs[0]', 'FieldValueInvalid', 'may not change once set');
    const cleared = clone(old);
    cleared.spec!.clusterIP = '';
    cleared.spec!.clusterIPs = [];
    assertHasError(validateServiceUpdate(cleared, old), 'spec.clusterIPs[0]', 'FieldValueInvalid', 'primary clusterIP can not be unset');
    const same = clone(old);
    same.spec!.ports![0].port = 81;
    assert.deepEqual(validateServiceUpdate(same, old), []);
  });

  it('lets cluster IPs go when switching to or from ExternalName', () => {
    const old = service();
    const external = clone(old);
    external.spec!.type = 'ExternalName';
    external.spec!.clusterIP = '';
    external.spec!.clusterIPs = [];
    assert.deepEqual(validateServiceUpdate(external, old), []);
  });

  it('checks load balancer ingress in status', () => {
    const svc = service();
    setStatus(svc, { loadBalancer: { ingress: [{ ip: '300.1.1.1' }, { hostname: '10.0.0.1' }] } });
    const errs = validateServiceStatusUpdate(svc);
    assertHasError(errs, 'status.loadBalancer.ingress[0].ip', 'FieldValueInvalid');
    assertHasError(errs, 'status.loadBalancer.ingress[1].hostname', 'FieldValueInvalid', 'must be a DNS name, not an IP address');
  });
});
