// Validation tables for cluster plumbing: Namespaces, Nodes, Endpoints, Events, ServiceAccounts and Leases.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultEndpoints, defaultNode } from '../../../apiserver/api/defaults/core.ts';
import type { Endpoints, Event, Lease, Namespace, Node, ServiceAccount } from '../../../apiserver/api/types.ts';
import { validateEndpoints } from '../../../apiserver/api/validation/endpoints.ts';
import { validateEvent } from '../../../apiserver/api/validation/event.ts';
import { validateLease } from '../../../apiserver/api/validation/lease.ts';
import { validateNamespace, validateNamespaceStatusUpdate } from '../../../apiserver/api/validation/namespace.ts';
import { validateNode, validateNodeStatusUpdate, validateNodeUpdate } from '../../../apiserver/api/validation/node.ts';
import { validateServiceAccount } from '../../../apiserver/api/validation/serviceaccount.ts';
import { assertHasError, assertNoErrors, validationTable } from './field-errors.ts';
import { clone } from './fixtures.ts';

describe('Namespace validation', () => {
  const namespace = (): Namespace => ({ metadata: { name: 'team-a' }, spec: { finalizers: ['kubernetes', 'example.com/cleanup'] } });
  validationTable(namespace, validateNamespace, [
    { name: 'rejects unqualified finalizers other than kubernetes', mutate: (ns) => { ns.spec!.finalizers = ['cleanup']; }, field: 'spec.finalizers[0]', type: 'FieldValueInvalid', detail: 'name is neither a standard finalizer name nor is it fully qualified' },
    { name: 'rejects malformed finalizers', mutate: (ns) => { ns.spec!.finalizers = ['kubernetes', 'bad finalizer/x']; }, field: 'spec.finalizers[1]', type: 'FieldValueInvalid' },
  ]);

  it('ties the phase to deletion', () => {
    const ns = namespace();
    ns.status = { phase: 'Terminating' };
    assertHasError(validateNamespaceStatusUpdate(ns), 'status.Phase', 'FieldValueInvalid', "may only be 'Active' if `deletionTimestamp` is empty");
    (ns.metadata as { deletionTimestamp?: string }).deletionTimestamp = '2024-01-01T00:00:00Z';
    assertNoErrors(validateNamespaceStatusUpdate(ns));
    ns.status = { phase: 'Active' };
    assertHasError(validateNamespaceStatusUpdate(ns), 'status.Phase', 'FieldValueInvalid');
  });
});

describe('Node validation', () => {
  const node = (): Node => {
    const n: Node = {
      metadata: { name: 'worker-1' },
      spec: { podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
      status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
    };
    defaultNode(n);
    return n;
  };
  validationTable(node, validateNode, [
    { name: 'rejects a malformed pod CIDR', mutate: (n) => { n.spec!.podCIDRs = ['10.244.1.0/33']; }, field: 'spec.podCIDRs[0]', type: 'FieldValueInvalid' },
    { name: 'allows one pod CIDR per family', mutate: (n) => { n.spec!.podCIDRs = ['10.244.1.0/24', '10.244.2.0/24']; }, field: 'spec.podCIDRs', type: 'FieldValueInvalid', detail: 'may specify no more than one CIDR for each IP family' },
    { name: 'rejects an unknown taint effect', mutate: (n) => { n.spec!.taints![0].effect = 'NoRun'; }, field: 'spec.taints[0].effect', type: 'FieldValueNotSupported' },
    { name: 'requires a taint effect', mutate: (n) => { n.spec!.taints![0].effect = ''; }, field: 'spec.taints[0].effect', type: 'FieldValueRequired' },
    { name: 'rejects a malformed taint key', mutate: (n) => { n.spec!.taints![0].key = 'bad key'; }, field: 'spec.taints[0].key', type: 'FieldValueInvalid' },
    { name: 'rejects duplicate taints', mutate: (n) => { n.spec!.taints!.push({ key: 'dedicated', value: 'other', effect: 'NoSchedule' }); }, field: 'spec.taints[1]', type: 'FieldValueDuplicate', detail: 'taints must be unique by key and effect pair' },
    { name: 'rejects negative capacity', mutate: (n) => { n.status!.capacity!.cpu = '-1'; }, field: 'status.capacity[cpu]', type: 'FieldValueInvalid' },
    { name: 'rejects fractional pod capacity', mutate: (n) => { n.status!.capacity!.pods = '1500m'; }, field: 'status.capacity[pods]', type: 'FieldValueInvalid', detail: 'must be an integer' },
  ]);

  it('accepts the same taint key with different effects', () => {
    const n = node();
    n.spec!.taints!.push({ key: 'dedicated', value: 'gpu', effect: 'NoExecute' });
    assertNoErrors(validateNode(n));
  });

  it('fixes pod CIDRs and provider ID once set, and allows unschedulable changes', () => {
    const old = node();
    old.spec!.providerID = 'skiff://worker-1';
    const moved = clone(old);
    moved.spec!.podCIDRs = ['10.244.9.0/24'];
    assertHasError(validateNodeUpdate(moved, old), 'spec.podCIDRs', 'FieldValueForbidden', 'node updates may not change podCIDR except from "" to valid');
    const reprovided = clone(old);
    reprovided.spec!.providerID = 'other://x';
    assertHasError(validateNodeUpdate(reprovided, old), 'spec.providerID', 'FieldValueForbidden');
    const cordoned = clone(old);
    cordoned.spec!.unschedulable = true;
    assert.deepEqual(validateNodeUpdate(cordoned, old), []);
    const fresh = clone(old);
    delete fresh.spec!.podCIDRs;
    const assigned = clone(fresh);
    assigned.spec!.podCIDRs = ['10.244.3.0/24'];
    assert.deepEqual(validateNodeUpdate(assigned, fresh), []);
  });

  it('rejects duplicate addresses in status', () => {
    const n = node();
    n.status!.addresses = [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'InternalIP', address: '10.0.0.5' }];
    assertHasError(validateNodeStatusUpdate(n), 'status.addresses[1]', 'FieldValueDuplicate');
  });
});

describe('Endpoints validation', () => {
  const endpoints = (): Endpoints => {
    const ep: Endpoints = {
      metadata: { name: 'web' },
      subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'worker-1' }], ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] }],
    };
    defaultEndpoints(ep);
    return ep;
  };
  validationTable(endpoints, validateEndpoints, [
    { name: 'requires addresses', mutate: (ep) => { ep.subsets![0].addresses = []; }, field: 'subsets[0]', type: 'FieldValueRequired' },
    { name: 'rejects malformed IPs', mutate: (ep) => { ep.subsets![0].addresses![0].ip = 'ten.one'; }, field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { name: 'rejects loopback IPs', mutate: (ep) => { ep.subsets![0].addresses![0].ip = '127.0.0.1'; }, field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid', detail: 'may not be in the loopback range (127.0.0.0/8, ::1/128)' },
    { name: 'rejects link-local IPs', mutate: (ep) => { ep.subsets![0].addresses![0].ip = '169.254.169.254'; }, field: 'subsets[0].addresses[0].ip', type: 'FieldValueInvalid' },
    { name: 'rejects malformed not-ready IPs', mutate: (ep) => { ep.subsets![0].notReadyAddresses = [{ ip: '1.2.3.4.5' }]; }, field: 'subsets[0].notReadyAddresses[0].ip', type: 'FieldValueInvalid' },
    { name: 'requires port names when there are several ports', mutate: (ep) => { delete ep.subsets![0].ports![1].name; }, field: 'subsets[0].ports[1].name', type: 'FieldValueRequired' },
    { name: 'rejects port 0', mutate: (ep) => { ep.subsets![0].ports![0].port = 0; }, field: 'subsets[0].ports[0].port', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown protocol', mutate: (ep) => { ep.subsets![0].ports![0].protocol = 'QUIC'; }, field: 'subsets[0].ports[0].protocol', type: 'FieldValueNotSupported' },
  ]);
});

describe('Event validation', () => {
  const event = (): Event => ({
    metadata: { name: 'web.17a', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Started', message: 'Started container', type: 'Normal',
  });
  validationTable(event, validateEvent, [
    { name: 'requires the namespace of the involved object', mutate: (e) => { e.involvedObject.namespace = 'other'; }, field: 'involvedObject.namespace', type: 'FieldValueInvalid', detail: 'does not match event.namespace' },
    { name: 'puts events about cluster objects in default', mutate: (e) => { e.involvedObject = { kind: 'Node', name: 'worker-1' }; e.metadata!.namespace = 'kube-system'; }, field: 'involvedObject.namespace', type: 'FieldValueInvalid' },
    { name: 'requires reportingComponent on new-style events', mutate: (e) => { e.eventTime = '2024-01-01T00:00:00.000000Z'; e.reportingInstance = 'node-1'; e.action = 'Start'; }, field: 'reportingComponent', type: 'FieldValueRequired' },
    { name: 'requires action on new-style events', mutate: (e) => { e.eventTime = '2024-01-01T00:00:00.000000Z'; e.reportingComponent = 'kubelet'; e.reportingInstance = 'node-1'; }, field: 'action', type: 'FieldValueRequired' },
  ]);

  it('accepts events about cluster-scoped objects in default', () => {
    const e = event();
    e.involvedObject = { kind: 'Node', name: 'worker-1' };
    assertNoErrors(validateEvent(e));
  });
});

describe('ServiceAccount validation', () => {
  const sa = (): ServiceAccount => ({ metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'registry' }] });
  validationTable(sa, validateServiceAccount, [
    { name: 'requires image pull secret names', mutate: (s) => { s.imagePullSecrets = [{}]; }, field: 'imagePullSecrets[0].name', type: 'FieldValueRequired' },
  ]);
});

describe('Lease validation', () => {
  const lease = (): Lease => ({ metadata: { name: 'skiff-controller-manager' }, spec: { holderIdentity: 'cm-1', leaseDurationSeconds: 15, leaseTransitions: 0 } });
  validationTable(lease, validateLease, [
    { name: 'requires a positive duration', mutate: (l) => { l.spec!.leaseDurationSeconds = 0; }, field: 'spec.leaseDurationSeconds', type: 'FieldValueInvalid', detail: 'must be greater than 0' },
    { name: 'rejects negative transitions', mutate: (l) => { l.spec!.leaseTransitions = -1; }, field: 'spec.leaseTransitions', type: 'FieldValueInvalid' },
  ]);
});
