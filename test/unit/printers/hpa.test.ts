import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HorizontalPodAutoscaler } from '../../../apiserver/api/types.ts';
import { horizontalPodAutoscalerPrinter } from '../../../apiserver/server/printers/horizontalpodautoscaler.ts';
import { ago, columnNames, row } from './helpers.ts';

type Spec = NonNullable<HorizontalPodAutoscaler['spec']>;
type Status = NonNullable<HorizontalPodAutoscaler['status']>;

function hpa(metrics: Spec['metrics'], currentMetrics?: Status['currentMetrics'], minReplicas: number | null = 1): HorizontalPodAutoscaler {
  return {
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago({ d: 4 }) },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, metrics, ...(minReplicas === null ? {} : { minReplicas }) },
    status: { currentReplicas: 3, desiredReplicas: 3, ...(currentMetrics ? { currentMetrics } : {}) },
  };
}

const cpuUtilization = (target?: number) => ({
  type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', ...(target === undefined ? {} : { averageUtilization: target }) } },
});
const cpuCurrent = (value: number) => ({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: value } } });

describe('horizontalpodautoscaler printer', () => {
  it('has kubectl\'s columns', () => {
    assert.deepEqual(columnNames(horizontalPodAutoscalerPrinter), {
      standard: ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'], wide: [],
    });
  });

  it('fills every cell', () => {
    assert.deepEqual(Object.values(row(horizontalPodAutoscalerPrinter, hpa([cpuUtilization(80)], [cpuCurrent(42)]))),
      ['web', 'Deployment/web', 'cpu: 42%/80%', '1', 10, 3, '4d']);
  });

  const targets: [string, HorizontalPodAutoscaler, string][] = [
    ['no metrics', hpa(undefined), '<none>'],
    ['no reading yet', hpa([cpuUtilization(80)]), 'cpu: <unknown>/80%'],
    ['no utilization target', hpa([cpuUtilization()]), 'cpu: <unknown>/<auto>'],
    ['an average value target', hpa(
      [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } }],
      [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '120Mi' } } }],
    ), 'memory: 120Mi/200Mi'],
    ['a pods metric', hpa(
      [{ type: 'Pods', pods: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } }],
      [{ type: 'Pods', pods: { metric: { name: 'rps' }, current: { averageValue: '37' } } }],
    ), '37/100'],
    ['an object metric with a value target', hpa(
      [{ type: 'Object', object: { metric: { name: 'hits' }, describedObject: { kind: 'Service', name: 'web' }, target: { type: 'Value', value: '2k' } } }],
    ), '<unknown>/2k'],
    ['an external metric averaged', hpa(
      [{ type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } }],
    ), '<unknown>/30 (avg)'],
    ['a container resource metric', hpa(
      [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } }],
    ), 'cpu: <unknown>/60%'],
    ['more than two metrics', hpa(
      [cpuUtilization(80), cpuUtilization(70), cpuUtilization(60), cpuUtilization(50)],
      [cpuCurrent(10), cpuCurrent(20), cpuCurrent(30), cpuCurrent(40)],
    ), 'cpu: 10%/80%, cpu: 20%/70% + 2 more...'],
  ];
  for (const [what, obj, want] of targets) {
    it(`TARGETS with ${what}: ${want}`, () => assert.equal(row(horizontalPodAutoscalerPrinter, obj).Targets, want));
  }

  it('MINPODS is <unset> without minReplicas', () => {
    assert.equal(row(horizontalPodAutoscalerPrinter, hpa(undefined, undefined, null)).MinPods, '<unset>');
  });
});
