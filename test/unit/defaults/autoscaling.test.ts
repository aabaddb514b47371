// Defaults of HorizontalPodAutoscalers (autoscaling/v2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultHorizontalPodAutoscaler } from '../../../apiserver/api/defaults/autoscaling.ts';
import type { HorizontalPodAutoscaler } from '../../../apiserver/api/types.ts';
import { assertIdempotent } from './defaults-helpers.ts';

const minimal = (): HorizontalPodAutoscaler => ({
  metadata: { name: 'web' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 },
});

describe('HorizontalPodAutoscaler defaults', () => {
  it('scales on 80% CPU from one replica', () => {
    const hpa = minimal();
    defaultHorizontalPodAutoscaler(hpa);
    assert.equal(hpa.spec!.minReplicas, 1);
    assert.deepEqual(hpa.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    assert.equal(hpa.spec!.behavior, undefined);
  });

  it('completes a partial behavior block', () => {
    const hpa = minimal();
    hpa.spec!.behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
    defaultHorizontalPodAutoscaler(hpa);
    assert.deepEqual(hpa.spec!.behavior, {
      scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 60 },
      scaleUp: {
        stabilizationWindowSeconds: 0, selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });

  it('keeps given metrics and policies', () => {
    const hpa = minimal();
    hpa.spec!.metrics = [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } }];
    hpa.spec!.behavior = { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } };
    defaultHorizontalPodAutoscaler(hpa);
    assert.equal(hpa.spec!.metrics[0].resource!.name, 'memory');
    assert.deepEqual(hpa.spec!.behavior!.scaleUp!.policies, [{ type: 'Pods', value: 1, periodSeconds: 60 }]);
  });

  it('is idempotent', () => {
    assertIdempotent(defaultHorizontalPodAutoscaler, minimal());
    const hpa = minimal();
    hpa.spec!.behavior = { scaleUp: { selectPolicy: 'Min' } };
    assertIdempotent(defaultHorizontalPodAutoscaler, hpa);
  });
});
