// Validation tables for ResourceQuotas, LimitRanges and HorizontalPodAutoscalers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultHorizontalPodAutoscaler } from '../../../apiserver/api/defaults/autoscaling.ts';
import { defaultLimitRange, defaultResourceQuota } from '../../../apiserver/api/defaults/core.ts';
import type { HorizontalPodAutoscaler, LimitRange, ResourceQuota } from '../../../apiserver/api/types.ts';
import { validateHorizontalPodAutoscaler } from '../../../apiserver/api/validation/horizontalpodautoscaler.ts';
import { validateLimitRange } from '../../../apiserver/api/validation/limitrange.ts';
import { validateResourceQuota, validateResourceQuotaUpdate } from '../../../apiserver/api/validation/resourcequota.ts';
import { assertHasError, validationTable } from './field-errors.ts';
import { clone } from './fixtures.ts';

describe('ResourceQuota validation', () => {
  const quota = (): ResourceQuota => {
    const q: ResourceQuota = {
      metadata: { name: 'compute' },
      spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'count/deployments.apps': '5' } },
    };
    defaultResourceQuota(q);
    return q;
  };
  validationTable(quota, validateResourceQuota, [
    { name: 'rejects unknown unqualified resources', mutate: (q) => { q.spec!.hard!.widgets = '3'; }, field: 'spec.hard[widgets]', type: 'FieldValueInvalid', detail: 'must be a standard resource type or fully qualified' },
    { name: 'rejects negative limits', mutate: (q) => { q.spec!.hard!['requests.cpu'] = '-1'; }, field: 'spec.hard[requests.cpu]', type: 'FieldValueInvalid', detail: 'must be greater than or equal to 0' },
    { name: 'requires whole object counts', mutate: (q) => { q.spec!.hard!.pods = '2500m'; }, field: 'spec.hard[pods]', type: 'FieldValueInvalid', detail: 'must be an integer' },
    { name: 'rejects malformed quantities', mutate: (q) => { q.spec!.hard!.pods = 'ten'; }, field: 'spec.hard[pods]', type: 'FieldValueInvalid' },
    { name: 'rejects unknown scopes', mutate: (q) => { q.spec!.hard = { pods: '1' }; q.spec!.scopes = ['Sometimes']; }, field: 'spec.scopes', type: 'FieldValueInvalid', detail: 'unsupported scope' },
    { name: 'rejects conflicting scopes', mutate: (q) => { q.spec!.hard = { pods: '1' }; q.spec!.scopes = ['BestEffort', 'NotBestEffort']; }, field: 'spec.scopes', type: 'FieldValueInvalid', detail: 'conflicting scopes' },
    { name: 'rejects scopes that cannot apply to a resource', mutate: (q) => { q.spec!.scopes = ['BestEffort']; }, field: 'spec.scopes', type: 'FieldValueInvalid', detail: 'unsupported scope applied to resource' },
  ]);

  it('fixes scopes after creation', () => {
    const old = quota();
    old.spec!.hard = { pods: '1' };
    old.spec!.scopes = ['Terminating'];
    const changed = clone(old);
    changed.spec!.scopes = ['NotTerminating'];
    assertHasError(validateResourceQuotaUpdate(changed, old), 'spec.scopes', 'FieldValueInvalid', 'field is immutable');
    const raised = clone(old);
    raised.spec!.hard = { pods: '5' };
    assert.deepEqual(validateResourceQuotaUpdate(raised, old), []);
  });
});

describe('LimitRange validation', () => {
  const limitRange = (): LimitRange => {
    const lr: LimitRange = {
      metadata: { name: 'limits' },
      spec: {
        limits: [
          { type: 'Container', min: { cpu: '100m' }, max: { cpu: '2', memory: '1Gi' }, defaultRequest: { cpu: '200m' } },
          { type: 'PersistentVolumeClaim', max: { storage: '10Gi' } },
        ],
      },
    };
    defaultLimitRange(lr);
    return lr;
  };
  validationTable(limitRange, validateLimitRange, [
    { name: 'rejects unknown types', mutate: (lr) => { lr.spec!.limits[0].type = 'Cluster'; }, field: 'spec.limits[0].type', type: 'FieldValueInvalid', detail: 'must be a standard limit type or fully qualified' },
    { name: 'rejects duplicate types', mutate: (lr) => { lr.spec!.limits[1].type = 'Container'; }, field: 'spec.limits[1].type', type: 'FieldValueDuplicate' },
    { name: 'rejects min above max', mutate: (lr) => { lr.spec!.limits[0].min = { cpu: '3' }; }, field: 'spec.limits[0].min[cpu]', type: 'FieldValueInvalid', detail: 'min value 3 is greater than max value 2' },
    { name: 'rejects a default request above the default', mutate: (lr) => { lr.spec!.limits[0].default = { cpu: '1' }; lr.spec!.limits[0].defaultRequest = { cpu: '1500m' }; }, field: 'spec.limits[0].defaultRequest[cpu]', type: 'FieldValueInvalid', detail: /greater than default limit value/ },
    { name: 'rejects a default above max', mutate: (lr) => { lr.spec!.limits[0].default = { memory: '2Gi' }; }, field: 'spec.limits[0].default[memory]', type: 'FieldValueInvalid', detail: /default value 2Gi is greater than max value 1Gi/ },
    { name: 'forbids defaults for pods', mutate: (lr) => { lr.spec!.limits[0].type = 'Pod'; }, field: 'spec.limits[0].default', type: 'FieldValueForbidden' },
    { name: 'requires storage bounds for claims', mutate: (lr) => { lr.spec!.limits[1].max = {}; }, field: 'spec.limits[1].limits', type: 'FieldValueRequired' },
    { name: 'rejects non-container resources for containers', mutate: (lr) => { lr.spec!.limits[0].max = { storage: '1Gi' }; }, field: 'spec.limits[0].max[storage]', type: 'FieldValueInvalid', detail: 'must be a standard resource for containers' },
    { name: 'rejects a limit/request ratio below 1', mutate: (lr) => { lr.spec!.limits[0].maxLimitRequestRatio = { cpu: '500m' }; }, field: 'spec.limits[0].maxLimitRequestRatio[cpu]', type: 'FieldValueInvalid', detail: /is less than 1/ },
  ]);
});

describe('HorizontalPodAutoscaler validation', () => {
  const hpa = (): HorizontalPodAutoscaler => {
    const h: HorizontalPodAutoscaler = {
      metadata: { name: 'web' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10 },
    };
    defaultHorizontalPodAutoscaler(h);
    return h;
  };
  validationTable(hpa, validateHorizontalPodAutoscaler, [
    { name: 'requires minReplicas of at least 1', mutate: (h) => { h.spec!.minReplicas = 0; }, field: 'spec.minReplicas', type: 'FieldValueInvalid', detail: 'must be greater than or equal to 1' },
    { name: 'requires maxReplicas of at least minReplicas', mutate: (h) => { h.spec!.maxReplicas = 1; }, field: 'spec.maxReplicas', type: 'FieldValueInvalid', detail: 'must be greater than or equal to `minReplicas`' },
    { name: 'requires a positive maxReplicas', mutate: (h) => { h.spec!.maxReplicas = 0; }, field: 'spec.maxReplicas', type: 'FieldValueInvalid', detail: 'must be greater than 0' },
    { name: 'requires a target kind', mutate: (h) => { h.spec!.scaleTargetRef.kind = ''; }, field: 'spec.scaleTargetRef.kind', type: 'FieldValueRequired' },
    { name: 'rejects a target name with a slash', mutate: (h) => { h.spec!.scaleTargetRef.name = 'a/b'; }, field: 'spec.scaleTargetRef.name', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown metric type', mutate: (h) => { h.spec!.metrics![0].type = 'Vibes'; }, field: 'spec.metrics[0].type', type: 'FieldValueNotSupported' },
    { name: 'requires the source of the metric type', mutate: (h) => { h.spec!.metrics![0].type = 'Pods'; }, field: 'spec.metrics[0].pods', type: 'FieldValueRequired' },
    { name: 'rejects a zero utilization target', mutate: (h) => { h.spec!.metrics![0].resource!.target.averageUtilization = 0; }, field: 'spec.metrics[0].resource.target.averageUtilization', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown target type', mutate: (h) => { h.spec!.metrics![0].resource!.target.type = 'Median'; }, field: 'spec.metrics[0].resource.target.type', type: 'FieldValueInvalid' },
    { name: 'rejects an unknown select policy', mutate: (h) => { h.spec!.behavior = { scaleUp: { selectPolicy: 'Random', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } }; }, field: 'spec.behavior.scaleUp.selectPolicy', type: 'FieldValueNotSupported' },
    { name: 'caps the scaling period', mutate: (h) => { h.spec!.behavior = { scaleDown: { policies: [{ type: 'Percent', value: 10, periodSeconds: 1801 }] } }; }, field: 'spec.behavior.scaleDown.policies[0].periodSeconds', type: 'FieldValueInvalid' },
    { name: 'caps the stabilization window', mutate: (h) => { h.spec!.behavior = { scaleDown: { stabilizationWindowSeconds: 3601, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] } }; }, field: 'spec.behavior.scaleDown.stabilizationWindowSeconds', type: 'FieldValueInvalid' },
  ]);
});
