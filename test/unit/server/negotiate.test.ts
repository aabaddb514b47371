import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../apiserver/api/errors.ts';
import { negotiate } from '../../../apiserver/server/negotiate.ts';
import { wantsAggregatedDiscovery } from '../../../apiserver/server/discovery.ts';

describe('negotiate', () => {
  it('reads kubectl get\'s Accept header as a Table request', () => {
    assert.deepEqual(negotiate('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'),
      { as: 'Table', version: 'v1' });
  });
  it('defaults to JSON, and serves YAML on request', () => {
    assert.deepEqual(negotiate(undefined), { as: 'object', format: 'json' });
    assert.deepEqual(negotiate('*/*'), { as: 'object', format: 'json' });
    assert.deepEqual(negotiate('application/yaml'), { as: 'object', format: 'yaml' });
  });
  it('falls back past what it cannot produce, and refuses protobuf alone with 406', () => {
    assert.deepEqual(negotiate('application/vnd.kubernetes.protobuf, application/json'), { as: 'object', format: 'json' });
    assert.throws(() => negotiate('application/vnd.kubernetes.protobuf'), (e) => e instanceof ApiError && e.code === 406);
  });
  it('recognises metadata-only requests', () => {
    assert.deepEqual(negotiate('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'), { as: 'PartialObjectMetadata', version: 'v1' });
  });
  it('spots aggregated discovery requests', () => {
    assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json'), 'v2');
    assert.equal(wantsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'), 'v2beta1');
    assert.equal(wantsAggregatedDiscovery('application/json'), undefined);
  });
});
