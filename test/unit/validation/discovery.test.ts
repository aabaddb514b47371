// EndpointSlice (discovery.k8s.io/v1): validation with kube's messages, defaulting, and the strategy's generation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFieldError } from '../../../apiserver/api/errors.ts';
import type { EndpointSlice, KubeObject } from '../../../apiserver/api/types.ts';
import { validateEndpointSlice, validateEndpointSliceUpdate } from '../../../apiserver/api/validation/endpointslice.ts';
import { strategyFor } from '../../../apiserver/registry/strategies/index.ts';
import { assertHasError, assertNoErrors, validationTable } from './field-errors.ts';

const slice = (): EndpointSlice => ({
  metadata: { name: 'web-abcde' },
  addressType: 'IPv4',
  endpoints: [
    { addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: 'node-1', hostname: 'web-0', zone: 'a' },
    { addresses: ['10.244.0.6'], hints: { forZones: [{ name: 'a' }] } },
  ],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }, { name: '', port: 53, protocol: 'UDP' }],
});

const messages = (s: EndpointSlice): string[] => validateEndpointSlice(s).map(formatFieldError);

describe('EndpointSlice validation', () => {
  validationTable(slice, validateEndpointSlice, [
    { name: 'requires an address type', mutate: (s) => { s.addressType = ''; }, field: 'addressType', type: 'FieldValueRequired' },
    { name: 'knows three address types', mutate: (s) => { s.addressType = 'IP'; }, field: 'addressType', type: 'FieldValueNotSupported', detail: 'supported values: "FQDN", "IPv4", "IPv6"' },
    { name: 'wants at least one address an endpoint', mutate: (s) => { s.endpoints[0].addresses = []; }, field: 'endpoints[0].addresses', type: 'FieldValueRequired', detail: 'must contain at least 1 address' },
    { name: 'refuses an IPv6 address in an IPv4 slice', mutate: (s) => { s.endpoints[0].addresses = ['fd00::1']; }, field: 'endpoints[0].addresses[0]', type: 'FieldValueInvalid', detail: 'must be a valid IPv4 address' },
    { name: 'refuses loopback addresses', mutate: (s) => { s.endpoints[1].addresses = ['127.0.0.1']; }, field: 'endpoints[1].addresses[0]', type: 'FieldValueInvalid', detail: 'may not be in the loopback range (127.0.0.0/8, ::1/128)' },
    { name: 'checks node names', mutate: (s) => { s.endpoints[0].nodeName = 'Node_1'; }, field: 'endpoints[0].nodeName', type: 'FieldValueInvalid' },
    { name: 'checks hostnames as DNS labels', mutate: (s) => { s.endpoints[0].hostname = 'a.b'; }, field: 'endpoints[0].hostname', type: 'FieldValueInvalid', detail: 'must not contain dots' },
    { name: 'refuses duplicate zone hints', mutate: (s) => { s.endpoints[1].hints = { forZones: [{ name: 'a' }, { name: 'a' }] }; }, field: 'endpoints[1].hints.forZones[1].name', type: 'FieldValueDuplicate' },
    { name: 'refuses duplicate port names', mutate: (s) => { s.ports![1].name = 'http'; }, field: 'ports[1].name', type: 'FieldValueDuplicate' },
    { name: 'checks port names as DNS labels', mutate: (s) => { s.ports![0].name = 'HTTP'; }, field: 'ports[0].name', type: 'FieldValueInvalid' },
    { name: 'knows three protocols', mutate: (s) => { s.ports![0].protocol = 'ICMP'; }, field: 'ports[0].protocol', type: 'FieldValueNotSupported', detail: 'supported values: "SCTP", "TCP", "UDP"' },
    { name: 'checks app protocols as qualified names', mutate: (s) => { s.ports![0].appProtocol = 'a/b/c'; }, field: 'ports[0].appProtocol', type: 'FieldValueInvalid' },
  ]);

  it('words its errors as kube does', () => {
    const s = slice();
    s.endpoints[0].addresses = ['fd00::1'];
    s.ports![1].name = 'http';
    s.ports![0].protocol = 'ICMP';
    assert.deepEqual(messages(s), [
      'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
      'ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'ports[1].name: Duplicate value: "http"',
    ]);
  });

  it('caps a slice at 1000 endpoints and an endpoint at 100 addresses', () => {
    const s = slice();
    s.endpoints = Array.from({ length: 1001 }, (_, i) => ({ addresses: [`10.0.${i >> 8}.${(i & 255) + 1}`] }));
    assert.deepEqual(messages(s), ['endpoints: Too many: 1001: must have at most 1000 items']);
    const wide = slice();
    wide.endpoints[0].addresses = Array.from({ length: 101 }, (_, i) => `10.1.0.${i + 1}`);
    assertHasError(validateEndpointSlice(wide), 'endpoints[0].addresses', 'FieldValueTooMany');
  });

  it('reads FQDN addresses as domain names of two labels or more', () => {
    const s: EndpointSlice = { addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com.'] }, { addresses: ['localhost'] }, { addresses: ['Bad_Host.example'] }] };
    assert.deepEqual(messages(s), [
      'endpoints[1].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
      'endpoints[2].addresses[0]: Invalid value: "Bad_Host.example": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ]);
  });

  it('keeps the address type once created', () => {
    const old = slice();
    const next = slice();
    next.addressType = 'IPv6';
    next.endpoints = [{ addresses: ['fd00::5'] }];
    assert.deepEqual(validateEndpointSliceUpdate(next, old).map(formatFieldError), ['addressType: Invalid value: "IPv6": field is immutable']);
    assertNoErrors(validateEndpointSliceUpdate(slice(), old));
  });
});

describe('EndpointSlice strategy', () => {
  const strategy = strategyFor({ group: 'discovery.k8s.io', kind: 'EndpointSlice' });

  it('defaults ports to TCP and a name of \'\', and stores missing lists as null, as kube prints them', () => {
    const s = { kind: 'EndpointSlice', metadata: { name: 'p' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ port: 80 }] } as KubeObject;
    strategy.default!(s);
    assert.deepEqual(s.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints, [{ addresses: ['10.0.0.1'], conditions: {} }]);
    const empty = { kind: 'EndpointSlice', metadata: { name: 'e' }, addressType: 'IPv4', endpoints: [] } as KubeObject;
    strategy.default!(empty);
    assert.equal(empty.endpoints, null);
    assert.equal(empty.ports, null);
    assertNoErrors(strategy.validate!(empty));
  });

  it('drops the v1beta1 topology on write, unless an update leaves the endpoints alone', () => {
    const s = { kind: 'EndpointSlice', metadata: { name: 'p' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { a: 'b' } }] } as KubeObject;
    strategy.prepareForCreate!(s);
    assert.deepEqual(s.endpoints, [{ addresses: ['10.0.0.1'] }]);
    const old = { ...s, endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { a: 'b' } }] } as KubeObject;
    const relabel = structuredClone(old);
    strategy.prepareForUpdate!(relabel, old);
    assert.deepEqual(relabel.endpoints, old.endpoints);
  });

  it('counts a generation for endpoint, port and label changes, not for annotations', () => {
    const old = { metadata: { name: 'p', labels: { a: '1' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }] } as KubeObject;
    const changed = (mutate: (o: KubeObject & { metadata: NonNullable<KubeObject['metadata']> }) => void): boolean => {
      const next = structuredClone(old) as KubeObject & { metadata: NonNullable<KubeObject['metadata']> };
      mutate(next);
      return strategy.generationChanged!(next, old);
    };
    assert.equal(changed(() => undefined), false);
    assert.equal(changed((o) => { o.metadata.annotations = { x: 'y' }; }), false);
    assert.equal(changed((o) => { o.metadata.labels = { a: '2' }; }), true);
    assert.equal(changed((o) => { o.endpoints = [{ addresses: ['10.0.0.2'] }]; }), true);
    assert.equal(strategy.hasStatusSubresource, false);
  });
});
