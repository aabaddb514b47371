import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredObject } from '../../../apiserver/api/types.ts';
import { translate } from '../../../apiserver/server/watch-stream.ts';

const obj = (role: string): StoredObject => ({
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: 'c', uid: 'u', resourceVersion: '1', creationTimestamp: 't', labels: { role } },
});
const isWeb = (o: StoredObject) => o.metadata.labels?.role === 'web';

describe('translate', () => {
  it('passes matching events through and drops the rest', () => {
    assert.equal(translate({ type: 'ADDED', key: 'k', rv: 2, object: obj('web') }, isWeb), 'ADDED');
    assert.equal(translate({ type: 'ADDED', key: 'k', rv: 2, object: obj('db') }, isWeb), undefined);
    assert.equal(translate({ type: 'MODIFIED', key: 'k', rv: 2, object: obj('web'), prevObject: obj('web') }, isWeb), 'MODIFIED');
    assert.equal(translate({ type: 'MODIFIED', key: 'k', rv: 2, object: obj('db'), prevObject: obj('db') }, isWeb), undefined);
  });
  it('turns starting and stopping to match into ADDED and DELETED', () => {
    assert.equal(translate({ type: 'MODIFIED', key: 'k', rv: 2, object: obj('web'), prevObject: obj('db') }, isWeb), 'ADDED');
    assert.equal(translate({ type: 'MODIFIED', key: 'k', rv: 2, object: obj('db'), prevObject: obj('web') }, isWeb), 'DELETED');
  });
  it('sends DELETED for objects that matched', () => {
    assert.equal(translate({ type: 'DELETED', key: 'k', rv: 3, object: obj('web'), prevObject: obj('web') }, isWeb), 'DELETED');
    assert.equal(translate({ type: 'DELETED', key: 'k', rv: 3, object: obj('db'), prevObject: obj('db') }, isWeb), undefined);
  });
});
