import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../apiserver/api/errors.ts';
import { fieldsOf, matchesFields, parseFieldSelector } from '../../../apiserver/api/fields.ts';

const pod = {
  metadata: { name: 'p', namespace: 'ns' },
  spec: { nodeName: 'n1', restartPolicy: 'Always', hostNetwork: true },
  status: { phase: 'Running', podIP: '10.0.0.5' },
};

describe('field selectors', () => {
  it('match pods the way describe node asks', () => {
    const reqs = parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed', 'pods');
    assert.ok(matchesFields(reqs, fieldsOf('pods', pod)));
    assert.ok(!matchesFields(parseFieldSelector('status.phase==Pending', 'pods'), fieldsOf('pods', pod)));
    assert.ok(matchesFields(parseFieldSelector('spec.hostNetwork=true,status.podIP=10.0.0.5', 'pods'), fieldsOf('pods', pod)));
  });
  it('every kind supports metadata.name and metadata.namespace', () => {
    const reqs = parseFieldSelector('metadata.name=p,metadata.namespace=ns', 'configmaps');
    assert.ok(matchesFields(reqs, fieldsOf('configmaps', pod)));
  });
  it('events by involved object', () => {
    const ev = { metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p', uid: 'u1' }, reason: 'Started', type: 'Normal', source: { component: 'kubelet' } };
    assert.ok(matchesFields(parseFieldSelector('involvedObject.kind=Pod,involvedObject.uid=u1,source=kubelet,type=Normal', 'events'), fieldsOf('events', ev)));
  });
  it('escapes', () => {
    const reqs = parseFieldSelector('metadata.name=a\\,b', 'configmaps');
    assert.equal(reqs[0].value, 'a,b');
  });
  it('an unsupported field or bad syntax is a 400', () => {
    assert.throws(() => parseFieldSelector('spec.nope=x', 'pods'), (e) => e instanceof ApiError && e.code === 400 && e.message === 'field label not supported: spec.nope');
    assert.throws(() => parseFieldSelector('spec.nodeName=x', 'configmaps'), (e) => e instanceof ApiError && e.code === 400);
    assert.throws(() => parseFieldSelector('justaword', 'pods'), (e) => e instanceof ApiError && e.code === 400);
  });
});
