// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscalers, as kube's pkg/apis/autoscaling/v1/conversion.go
// converts them: the CPU target field, the annotations carrying everything else (in kube's exact formats), and
// round trips that keep every field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HorizontalPodAutoscaler as V1 } from 'kubernetes-types/autoscaling/v1.d.ts';
import type { HorizontalPodAutoscaler as V2 } from 'kubernetes-types/autoscaling/v2.d.ts';
import {
  horizontalPodAutoscalerConverter, horizontalPodAutoscalerFromV1, horizontalPodAutoscalerToV1,
} from '../../../../apiserver/api/conversion/autoscaling-v1.ts';
import { fromStorage, hasConverter, listFromStorage, toStorage } from '../../../../apiserver/api/conversion/converters.ts';
import { convertedVersions, resourceFor, storageResourceFor } from '../../../../apiserver/api/resources.ts';
import type { KubeObject } from '../../../../apiserver/api/types.ts';
import { deepFreeze } from '../../../../apiserver/storage/deep-freeze.ts';

const annotations = {
  metrics: 'autoscaling.alpha.kubernetes.io/metrics',
  current: 'autoscaling.alpha.kubernetes.io/current-metrics',
  behavior: 'autoscaling.alpha.kubernetes.io/behavior',
  conditions: 'autoscaling.alpha.kubernetes.io/conditions',
};

const ref = { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' };
const cpu80 = { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };

/** What `kubectl autoscale deployment web --min=2 --max=5 --cpu-percent=50` (1.32) sends. */
const kubectlV1 = (): V1 => ({
  kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1',
  metadata: { name: 'web', creationTimestamp: null as unknown as string },
  spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
  status: { currentReplicas: 0, desiredReplicas: 0 },
});

/** A stored HPA using everything v2 has and v1 does not, as the controller leaves it. */
const richV2 = (): V2 => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', generation: 2, annotations: { team: 'a' } },
  spec: {
    scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10,
    metrics: [
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
      { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { tier: 'web' } } }, target: { type: 'AverageValue', averageValue: '10' } } },
      { type: 'Object', object: {
        describedObject: { kind: 'Service', name: 'front', apiVersion: 'v1' },
        target: { type: 'Value', value: '2k' }, metric: { name: 'requests' },
      } },
      { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'AverageValue', averageValue: '30' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0, selectPolicy: 'Max',
        policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }],
      },
      scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    },
  },
  status: {
    observedGeneration: 2, lastScaleTime: '2025-01-02T03:04:05Z', currentReplicas: 3, desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '150Mi', averageUtilization: 40 } } },
      { type: 'Pods', pods: { metric: { name: 'qps', selector: { matchLabels: { tier: 'web' } } }, current: { averageValue: '12' } } },
      { type: 'Object', object: { metric: { name: 'requests' }, current: { value: '1500' }, describedObject: { kind: 'Service', name: 'front', apiVersion: 'v1' } } },
      { type: 'External', external: { metric: { name: 'queue' }, current: { value: '0', averageValue: '25' } } },
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', current: { averageValue: '70m', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '95m', averageUtilization: 95 } } },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', lastTransitionTime: '2025-01-02T03:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' },
      { type: 'ScalingActive', status: 'True', lastTransitionTime: '2025-01-02T03:00:00Z', reason: 'ValidMetricFound', message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' },
    ],
  },
});

describe('autoscaling/v1 -> v2', () => {
  it('turns targetCPUUtilizationPercentage into a cpu Utilization metric', () => {
    const v2 = horizontalPodAutoscalerFromV1(kubectlV1());
    assert.deepEqual(v2, {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', creationTimestamp: null },
      spec: {
        scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
      status: { desiredReplicas: 0 },
    });
  });

  it('makes v1\'s implicit 80% CPU target explicit', () => {
    const v1 = kubectlV1();
    delete v1.spec!.targetCPUUtilizationPercentage;
    assert.deepEqual(horizontalPodAutoscalerFromV1(v1).spec!.metrics, [cpu80]);
    // Other metrics from the annotation replace the default.
    v1.metadata!.annotations = { [annotations.metrics]: '[{"type":"Resource","resource":{"name":"memory","targetAverageUtilization":70}}]' };
    assert.deepEqual(horizontalPodAutoscalerFromV1(v1).spec!.metrics,
      [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  it('reads the status: the CPU figure, replaced by the current-metrics annotation when there is one', () => {
    const v1 = kubectlV1();
    v1.status = { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 90, observedGeneration: 4 };
    assert.deepEqual(horizontalPodAutoscalerFromV1(v1).status, {
      observedGeneration: 4, currentReplicas: 2, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 90 } } }],
    });
    v1.metadata!.annotations = { [annotations.current]: '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":91,"currentAverageValue":"91m"}}]' };
    assert.deepEqual(horizontalPodAutoscalerFromV1(v1).status!.currentMetrics,
      [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '91m', averageUtilization: 91 } } }]);
  });

  it('puts the CPU target after the annotation\'s metrics, as kube does', () => {
    const v1 = kubectlV1();
    v1.metadata!.annotations = { [annotations.metrics]: '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]' };
    assert.deepEqual(horizontalPodAutoscalerFromV1(v1).spec!.metrics!.map((m) => m.type), ['Pods', 'Resource']);
  });

  it('reads the annotations as Go does: keys in any case, a malformed annotation ignored, none kept', () => {
    const v1 = kubectlV1();
    v1.metadata!.annotations = {
      keep: 'me',
      [annotations.behavior]: '{"scaleDown":{"stabilizationWindowSeconds":0,"selectPolicy":null,"policies":[{"type":"Pods","value":1,"periodSeconds":60}]}}',
      [annotations.metrics]: '[{"type":"Pods","pods":{"metricName":7}}]',
      [annotations.conditions]: 'not json',
    };
    const v2 = horizontalPodAutoscalerFromV1(v1);
    assert.deepEqual(v2.spec!.behavior, { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } });
    assert.deepEqual(v2.spec!.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    assert.equal(v2.status!.conditions, undefined);
    assert.deepEqual(v2.metadata!.annotations, { keep: 'me' });
  });

  it('sets no behavior from an annotation naming neither direction', () => {
    const v1 = kubectlV1();
    v1.metadata!.annotations = { [annotations.behavior]: '{"ScaleUp":null,"ScaleDown":null}' };
    assert.equal(horizontalPodAutoscalerFromV1(v1).spec!.behavior, undefined);
    assert.equal(horizontalPodAutoscalerFromV1(v1).metadata!.annotations, undefined);
  });
});

describe('autoscaling/v2 -> v1', () => {
  it('writes kube\'s annotations, byte for byte', () => {
    const v1 = horizontalPodAutoscalerToV1(richV2());
    assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 });
    assert.deepEqual(v1.status, {
      observedGeneration: 2, lastScaleTime: '2025-01-02T03:04:05Z', currentReplicas: 3, desiredReplicas: 4,
      currentCPUUtilizationPercentage: 95,
    });
    const a = v1.metadata!.annotations!;
    assert.equal(a.team, 'a');
    assert.equal(a[annotations.metrics], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"200Mi"}},'
      + '{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10","selector":{"matchLabels":{"tier":"web"}}}},'
      + '{"type":"Object","object":{"target":{"kind":"Service","name":"front","apiVersion":"v1"},"metricName":"requests","targetValue":"2k"}},'
      + '{"type":"External","external":{"metricName":"queue","targetAverageValue":"30"}},'
      + '{"type":"ContainerResource","containerResource":{"name":"cpu","targetAverageUtilization":60,"container":"app"}}]');
    assert.equal(a[annotations.current], '[{"type":"Resource","resource":{"name":"memory","currentAverageUtilization":40,"currentAverageValue":"150Mi"}},'
      + '{"type":"Pods","pods":{"metricName":"qps","currentAverageValue":"12","selector":{"matchLabels":{"tier":"web"}}}},'
      + '{"type":"Object","object":{"target":{"kind":"Service","name":"front","apiVersion":"v1"},"metricName":"requests","currentValue":"1500"}},'
      + '{"type":"External","external":{"metricName":"queue","currentValue":"0","currentAverageValue":"25"}},'
      + '{"type":"ContainerResource","containerResource":{"name":"cpu","currentAverageUtilization":70,"currentAverageValue":"70m","container":"app"}},'
      + '{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":95,"currentAverageValue":"95m"}}]');
    // The behavior is kube's internal Go type marshalled: field names without JSON tags, nil pointers as null.
    assert.equal(a[annotations.behavior], '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":'
      + '[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},'
      + '"ScaleDown":{"StabilizationWindowSeconds":null,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}');
    assert.equal(a[annotations.conditions], '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2025-01-02T03:00:00Z","reason":"ReadyForNewScale","message":"recommended size matches current size"},'
      + '{"type":"ScalingActive","status":"True","lastTransitionTime":"2025-01-02T03:00:00Z","reason":"ValidMetricFound","message":"the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"}]');
  });

  it('writes only what the object has: a plain CPU autoscaler gets no annotations', () => {
    const v2 = horizontalPodAutoscalerFromV1(kubectlV1());
    const v1 = horizontalPodAutoscalerToV1(v2);
    assert.equal(v1.metadata!.annotations, undefined);
    assert.deepEqual(v1.status, { currentReplicas: 0, desiredReplicas: 0 });
  });

  it('replaces round-trip annotations a client left on the object instead of echoing them', () => {
    const v2 = richV2();
    v2.metadata!.annotations = { [annotations.conditions]: '[]', [annotations.behavior]: '{}' };
    delete v2.spec!.behavior;
    delete v2.status!.conditions;
    const a = horizontalPodAutoscalerToV1(v2).metadata!.annotations!;
    assert.equal(a[annotations.conditions], undefined);
    assert.equal(a[annotations.behavior], undefined);
  });

  it('escapes <, > and & as Go\'s json.Marshal does', () => {
    const v2 = richV2();
    v2.spec!.metrics = [{ type: 'External', external: { metric: { name: 'a<b>&c' }, target: { type: 'Value', value: '1' } } }];
    assert.equal(horizontalPodAutoscalerToV1(v2).metadata!.annotations![annotations.metrics],
      '[{"type":"External","external":{"metricName":"a\\u003cb\\u003e\\u0026c","targetValue":"1"}}]');
  });

  it('leaves a frozen stored object as it was', () => {
    const stored = deepFreeze(richV2());
    const before = JSON.stringify(stored);
    horizontalPodAutoscalerToV1(stored);
    horizontalPodAutoscalerConverter.fromStorage(stored as KubeObject, 'v2');
    assert.equal(JSON.stringify(stored), before);
  });
});

describe('round trips', () => {
  it('v2 -> v1 -> v2 keeps everything', () => {
    const v2 = richV2();
    assert.deepEqual(horizontalPodAutoscalerFromV1(horizontalPodAutoscalerToV1(v2)), v2);
  });

  it('v2 -> v1 -> v2 moves a leading CPU target last, as kube does', () => {
    const v2 = richV2();
    const metrics = v2.spec!.metrics!;
    v2.spec!.metrics = [metrics[metrics.length - 1], ...metrics.slice(0, -1)];
    assert.deepEqual(horizontalPodAutoscalerFromV1(horizontalPodAutoscalerToV1(v2)).spec!.metrics, metrics);
  });

  it('v1 -> v2 -> v1 keeps everything, annotations byte for byte', () => {
    const v1 = horizontalPodAutoscalerToV1(richV2());
    assert.deepEqual(horizontalPodAutoscalerToV1(horizontalPodAutoscalerFromV1(v1)), v1);
    const plain = kubectlV1();
    const back = horizontalPodAutoscalerToV1(horizontalPodAutoscalerFromV1(plain));
    assert.deepEqual(back, plain);
  });
});

describe('the converter registry', () => {
  it('has a converter and a storage version for every converted version', () => {
    for (const ri of convertedVersions) {
      assert.ok(hasConverter(ri), ri.kind);
      const storage = storageResourceFor(ri);
      assert.notEqual(storage, ri);
      assert.equal(storage.version, ri.storageVersion);
      assert.equal(storage.plural, ri.plural);
    }
  });

  it('converts by the version addressed, and leaves kinds served once alone', () => {
    const v1 = resourceFor('autoscaling', 'v1', 'horizontalpodautoscalers')!;
    const v2 = resourceFor('autoscaling', 'v2', 'horizontalpodautoscalers')!;
    assert.equal(storageResourceFor(v2), v2);
    const stored = deepFreeze(richV2()) as KubeObject;
    assert.equal(fromStorage(v1, stored).apiVersion, 'autoscaling/v1');
    assert.equal(fromStorage(v2, stored), stored);
    const list = listFromStorage(v1, { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscalerList', metadata: {}, items: [stored] });
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.equal(list.items[0].apiVersion, 'autoscaling/v1');
    // v2 drops round-trip annotations sent to it.
    const sent: KubeObject = { ...richV2(), metadata: { name: 'x', annotations: { [annotations.metrics]: '[]', keep: 'me' } } };
    assert.deepEqual(toStorage(v2, sent).metadata!.annotations, { keep: 'me' });
    const pods = resourceFor('', 'v1', 'pods')!;
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } };
    assert.equal(fromStorage(pods, pod), pod);
    assert.equal(toStorage(pods, pod), pod);
  });
});
