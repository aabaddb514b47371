import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap, Namespace } from '../../../apiserver/api/types.ts';
import {
  descriptionAnnotation, planRootCAConfigMap, rootCADescription,
} from '../../../controllers/rootcacertpublisher-plan.ts';

const ns = (phase?: string): Namespace => ({ metadata: { name: 'team' }, status: phase ? { phase } : {} });
const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const published = (over: Partial<ConfigMap> = {}): ConfigMap => ({
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: 'kube-root-ca.crt', namespace: 'team', resourceVersion: '7', annotations: { [descriptionAnnotation]: rootCADescription } },
  data: { 'ca.crt': ca },
  ...over,
});

describe('planRootCAConfigMap', () => {
  it('an active namespace without the ConfigMap gets it, with kube\'s description', () => {
    assert.deepEqual(planRootCAConfigMap(ns('Active'), undefined, ca), {
      action: 'create',
      configMap: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: 'team', annotations: { 'kubernetes.io/description': rootCADescription } },
        data: { 'ca.crt': ca },
      },
    });
  });

  it('nothing to do when it is as published', () => {
    assert.deepEqual(planRootCAConfigMap(ns('Active'), published(), ca), { action: 'none' });
  });

  it('changed data or a lost description is put back, keeping the rest of the object (resourceVersion, labels)', () => {
    const edited = published({ data: { 'ca.crt': 'tampered', extra: 'x' } });
    edited.metadata!.labels = { keep: 'me' };
    const plan = planRootCAConfigMap(ns('Active'), edited, ca);
    assert.equal(plan.action, 'update');
    assert.ok(plan.action === 'update');
    assert.deepEqual(plan.configMap.data, { 'ca.crt': ca });
    assert.equal(plan.configMap.metadata?.resourceVersion, '7');
    assert.deepEqual(plan.configMap.metadata?.labels, { keep: 'me' });
    const undescribed = published();
    undescribed.metadata!.annotations = { other: 'a' };
    const again = planRootCAConfigMap(ns('Active'), undescribed, ca);
    assert.ok(again.action === 'update');
    assert.deepEqual(again.configMap.metadata?.annotations, { other: 'a', [descriptionAnnotation]: rootCADescription });
  });

  it('a rotated CA replaces the old one', () => {
    const plan = planRootCAConfigMap(ns('Active'), published(), 'new-ca');
    assert.ok(plan.action === 'update');
    assert.deepEqual(plan.configMap.data, { 'ca.crt': 'new-ca' });
  });

  it('terminating (or not yet active) namespaces get nothing', () => {
    assert.deepEqual(planRootCAConfigMap(ns('Terminating'), undefined, ca), { action: 'none' });
    assert.deepEqual(planRootCAConfigMap(ns(), undefined, ca), { action: 'none' });
  });
});
