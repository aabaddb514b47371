import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../../apiserver/api/errors.ts';
import {
  fieldsOf, matchesFields, parseFieldSelector, parseFieldTerms, supportedFields, type FieldRequirement,
} from '../../../apiserver/api/fields.ts';
import { resources } from '../../../apiserver/api/resources.ts';

const badRequest = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === message, message);
const eq = (field: string, value: string): FieldRequirement => ({ field, operator: '=', value });
const ne = (field: string, value: string): FieldRequirement => ({ field, operator: '!=', value });
const selects = (selector: string, plural: string, obj: Parameters<typeof fieldsOf>[1]) =>
  matchesFields(parseFieldSelector(selector, plural), fieldsOf(plural, obj));

describe('parseFieldTerms: syntax as fields.ParseSelector', () => {
  const cases: [string, FieldRequirement[]][] = [
    ['', []],
    [',', []],
    ['a=b', [eq('a', 'b')]],
    ['a==b', [eq('a', 'b')]],
    ['a!=b', [ne('a', 'b')]],
    ['a=', [eq('a', '')]],
    // Terms are sorted; the first operator from the left splits a term; nothing is trimmed.
    ['z=1,a=2', [eq('a', '2'), eq('z', '1')]],
    ['a =b', [eq('a ', 'b')]],
    ['a=b\\,c', [eq('a', 'b,c')]],
    ['a=b\\=c\\\\d', [eq('a', 'b=c\\d')]],
    ['a\\,b=c', [eq('a\\,b', 'c')]],
    ['a=\\,', [eq('a', ',')]],
  ];
  for (const [input, want] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseFieldTerms(input), want));
  }
  it('errors are 400s with Kubernetes\' messages', () => {
    badRequest(() => parseFieldTerms('nonsense'), "invalid selector: 'nonsense'; can't understand 'nonsense'");
    badRequest(() => parseFieldTerms('a=b,c'), "invalid selector: 'a=b,c'; can't understand 'c'");
    // "!==" splits at "!=": the value "=b" holds an unescaped '=', which Go prints as its code point.
    badRequest(() => parseFieldTerms('a!==b'), 'invalid field selector: unescaped character in value: 61');
    badRequest(() => parseFieldTerms('a=b=c'), 'invalid field selector: unescaped character in value: 61');
    badRequest(() => parseFieldTerms('a=b\\x'), 'invalid field selector: invalid escape sequence: \\x');
    badRequest(() => parseFieldTerms('a=b\\'), 'invalid field selector: invalid escape sequence: \\');
  });
  it('the first bad term in sorted order is the one reported', () => {
    badRequest(() => parseFieldTerms('z,y'), "invalid selector: 'z,y'; can't understand 'y'");
  });
});

describe('parseFieldSelector: the fields each resource accepts', () => {
  it('pods: the fields kubectl and the kubelet select on', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed', 'pods'),
      [eq('spec.nodeName', 'n1'), ne('status.phase', 'Failed'), ne('status.phase', 'Succeeded')]);
    assert.deepEqual(supportedFields('pods'), [
      'metadata.name', 'metadata.namespace', 'status.podIPs', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
      'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName',
    ]);
    // Pre-1.0 clients sent spec.host; it still means spec.nodeName.
    assert.deepEqual(parseFieldSelector('spec.host=n1', 'pods'), [eq('spec.nodeName', 'n1')]);
  });
  it('events, nodes, namespaces, secrets, services, replication controllers, jobs', () => {
    assert.deepEqual(supportedFields('events').sort(), [
      'involvedObject.apiVersion', 'involvedObject.fieldPath', 'involvedObject.kind', 'involvedObject.name',
      'involvedObject.namespace', 'involvedObject.resourceVersion', 'involvedObject.uid', 'metadata.name',
      'metadata.namespace', 'reason', 'reportingComponent', 'source', 'type',
    ]);
    assert.deepEqual(supportedFields('nodes'), ['metadata.name', 'spec.unschedulable']);
    assert.deepEqual(supportedFields('namespaces'), ['metadata.name', 'status.phase']);
    assert.deepEqual(supportedFields('secrets'), ['metadata.name', 'metadata.namespace', 'type']);
    assert.deepEqual(supportedFields('services'), ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type']);
    assert.deepEqual(supportedFields('replicationcontrollers'), ['metadata.name', 'metadata.namespace', 'status.replicas']);
    assert.deepEqual(supportedFields('jobs'), ['metadata.name', 'metadata.namespace', 'status.successful']);
  });
  it('every other kind: metadata.name and metadata.namespace only', () => {
    for (const plural of ['configmaps', 'deployments', 'replicasets', 'persistentvolumeclaims', 'leases', 'cronjobs']) {
      assert.deepEqual(supportedFields(plural), ['metadata.name', 'metadata.namespace'], plural);
    }
  });
  it('every served kind supports metadata.name (kubectl wait and delete watch by name)', () => {
    for (const ri of resources) assert.ok(supportedFields(ri.plural).includes('metadata.name'), ri.plural);
  });
  it('a field the resource does not offer is a 400 worded as its conversion words it', () => {
    badRequest(() => parseFieldSelector('spec.nope=x', 'pods'), 'field label not supported: spec.nope');
    badRequest(() => parseFieldSelector('metadata.namespace=x', 'nodes'), 'field label not supported: metadata.namespace');
    badRequest(() => parseFieldSelector('spec.type=x', 'namespaces'), 'field label not supported: spec.type');
    badRequest(() => parseFieldSelector('status.active=1', 'jobs'), 'field label "status.active" not supported for batchv1.Job');
    badRequest(() => parseFieldSelector('spec.nodeName=x', 'configmaps'), '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"');
    badRequest(() => parseFieldSelector('status.replicas=1', 'replicasets'), '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
    badRequest(() => parseFieldSelector('metadata.name =x', 'pods'), 'field label not supported: metadata.name ');
  });
  it('syntax errors come before unsupported fields', () => {
    badRequest(() => parseFieldSelector('spec.nope=x,junk', 'pods'), "invalid selector: 'spec.nope=x,junk'; can't understand 'junk'");
  });
});

describe('fieldsOf and matchesFields', () => {
  const pod = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default', hostNetwork: true },
    status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }], nominatedNodeName: '' },
  };
  it('pods', () => {
    assert.deepEqual(fieldsOf('pods', pod), {
      'metadata.name': 'p', 'metadata.namespace': 'ns', 'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': 'default', 'spec.hostNetwork': 'true',
      'status.phase': 'Running', 'status.podIP': '10.0.0.5', 'status.nominatedNodeName': '',
    });
    assert.ok(selects('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed', 'pods', pod));
    assert.ok(!selects('status.phase==Pending', 'pods', pod));
    assert.ok(selects('spec.host=n1', 'pods', pod));
    // An unset field is "": a pod not yet scheduled matches spec.nodeName= (what the scheduler watches for).
    assert.ok(selects('spec.nodeName=,spec.hostNetwork=false,status.podIP=', 'pods', { metadata: { name: 'q' } }));
    // status.podIP wins over podIPs, as the v1 conversion decides.
    assert.ok(selects('status.podIP=10.9.9.9', 'pods', { status: { podIP: '10.9.9.9', podIPs: [{ ip: '10.0.0.5' }] } }));
    // status.podIPs is accepted but not in the field set: it matches only the empty value, as in Kubernetes.
    assert.ok(selects('status.podIPs=', 'pods', pod));
    assert.ok(!selects('status.podIPs=10.0.0.5', 'pods', pod));
  });
  it('events by involved object, with source falling back to the reporting controller', () => {
    const ev = {
      metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'u1', namespace: 'ns', apiVersion: 'v1' },
      reason: 'Started', type: 'Normal', source: { component: 'kubelet' }, reportingComponent: 'kubelet-x',
    };
    assert.ok(selects('involvedObject.kind=Pod,involvedObject.uid=u1,involvedObject.name=p,source=kubelet,type=Normal,reason=Started', 'events', ev));
    assert.ok(selects('reportingComponent=kubelet-x,involvedObject.fieldPath=', 'events', ev));
    assert.ok(selects('source=default-scheduler', 'events', { reportingComponent: 'default-scheduler' }));
  });
  it('nodes, namespaces, secrets, services, replication controllers, jobs', () => {
    assert.ok(selects('spec.unschedulable=false', 'nodes', { metadata: { name: 'n' } }));
    assert.ok(selects('spec.unschedulable=true,metadata.name=n', 'nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } }));
    assert.ok(selects('status.phase=Terminating', 'namespaces', { metadata: { name: 'x' }, status: { phase: 'Terminating' } }));
    assert.ok(selects('type=kubernetes.io/tls', 'secrets', { type: 'kubernetes.io/tls' }));
    assert.ok(selects('spec.type=NodePort,spec.clusterIP!=None', 'services', { spec: { type: 'NodePort', clusterIP: '10.96.0.9' } }));
    assert.ok(selects('status.replicas=0', 'replicationcontrollers', { status: {} }));
    assert.ok(selects('status.replicas=3', 'replicationcontrollers', { status: { replicas: 3 } }));
    assert.ok(selects('status.successful=2', 'jobs', { status: { succeeded: 2 } }));
    assert.ok(selects('status.successful=0', 'jobs', {}));
  });
  it('metadata fields of any kind', () => {
    assert.ok(selects('metadata.name=p,metadata.namespace=ns', 'configmaps', pod));
    assert.ok(selects('metadata.name!=q', 'configmaps', pod));
    badRequest(() => selects('metadata.name=a,b', 'configmaps', { metadata: { name: 'a,b' } }),
      "invalid selector: 'metadata.name=a,b'; can't understand 'b'");
    assert.ok(selects('metadata.name=a\\,b', 'configmaps', { metadata: { name: 'a,b' } }));
  });
  it('a missing field reads as ""', () => {
    assert.ok(matchesFields([eq('nowhere', '')], {}));
    assert.ok(!matchesFields([eq('nowhere', 'x')], {}));
    assert.ok(matchesFields([ne('nowhere', 'x')], {}));
    assert.ok(matchesFields([eq('toString', '')], {}), 'inherited properties are no fields');
  });
});

describe('field selectors: properties', () => {
  const escape = (v: string) => v.replace(/[\\,=]/g, (c) => `\\${c}`);
  const value = fc.string({ unit: fc.constantFrom('a', 'b', ',', '=', '\\', '!', ' ', 'é'), maxLength: 12 });
  it('any value escaped with \\ reads back as itself', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('metadata.name', 'metadata.namespace'), fc.constantFrom('=', '==', '!='), value), { maxLength: 4 }),
      (terms) => {
        const text = terms.map(([f, op, v]) => `${f}${op}${escape(v)}`).join(',');
        const parsed = parseFieldSelector(text, 'configmaps');
        const want = terms.map(([f, op, v]) => ({ field: f, operator: op === '!=' ? '!=' : '=', value: v }));
        const key = (r: { field: string; operator: string; value: string }) => JSON.stringify([r.field, r.operator, r.value]);
        assert.deepEqual(parsed.map(key).sort(), want.map(key).sort(), text);
      }), { numRuns: 1000 });
  });
  it('an object always matches the equality selector of its own fields', () => {
    fc.assert(fc.property(fc.record({ name: value, namespace: value, nodeName: value, phase: value }), ({ name, namespace, nodeName, phase }) => {
      const obj = { metadata: { name, namespace }, spec: { nodeName }, status: { phase } };
      const text = Object.entries(fieldsOf('pods', obj)).map(([f, v]) => `${f}=${escape(v)}`).join(',');
      assert.ok(matchesFields(parseFieldSelector(text, 'pods'), fieldsOf('pods', obj)), text);
    }), { numRuns: 500 });
  });
  it('never throws anything but a 400 on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), fc.constantFrom('pods', 'nodes', 'configmaps', 'jobs'), (s, plural) => {
      try {
        parseFieldSelector(s, plural);
      } catch (e) {
        assert.ok(e instanceof ApiError && e.code === 400, String(e));
      }
    }), { numRuns: 2000 });
  });
});
