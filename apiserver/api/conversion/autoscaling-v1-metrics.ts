// autoscaling/v2 metrics in the form autoscaling/v1 carries them in annotations: the MetricSpec and MetricStatus
// of k8s.io/api/autoscaling/v1 (the v2beta1 shapes: targetAverageUtilization, currentAverageValue...), converted
// both ways as kube's pkg/apis/autoscaling/v1/conversion.go converts them. Fields are written in Go's order and
// with its empty values: a Quantity that is not a pointer in the v1 struct is always written ("0" when unset),
// optional fields are left out.
import type {
  CrossVersionObjectReference, MetricIdentifier, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus,
} from 'kubernetes-types/autoscaling/v2.d.ts';
import type { LabelSelector } from 'kubernetes-types/meta/v1.d.ts';
import { goField, goInt, goObject, goQuantity, goString, quantityText, type GoObject } from './go-json.ts';

type Json = Record<string, unknown>;

/** `{ ...fields }` without the undefined ones, in the order given (Go's omitempty). */
function compact(fields: Json): Json {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const quantity = (q: string | undefined): string | undefined => (q === undefined ? undefined : quantityText(q));
const quantityOrZero = (q: string | undefined): string => quantity(q) ?? '0';

function referenceToV1(ref: CrossVersionObjectReference | undefined): Json {
  return compact({ kind: ref?.kind ?? '', name: ref?.name ?? '', apiVersion: ref?.apiVersion || undefined });
}

/** One v2 metric spec as an entry of the `autoscaling.alpha.kubernetes.io/metrics` annotation. */
export function metricSpecToV1(m: MetricSpec): Json {
  const out: Json = { type: m.type };
  if (m.object) {
    const { describedObject, target, metric } = m.object;
    out.object = compact({
      target: referenceToV1(describedObject), metricName: metric?.name ?? '', targetValue: quantityOrZero(target?.value),
      selector: metric?.selector, averageValue: quantity(target?.averageValue),
    });
  }
  if (m.pods) {
    out.pods = compact({
      metricName: m.pods.metric?.name ?? '', targetAverageValue: quantityOrZero(m.pods.target?.averageValue),
      selector: m.pods.metric?.selector,
    });
  }
  if (m.resource) {
    out.resource = compact({
      name: m.resource.name, targetAverageUtilization: m.resource.target?.averageUtilization,
      targetAverageValue: quantity(m.resource.target?.averageValue),
    });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({
      name: c.name, targetAverageUtilization: c.target?.averageUtilization, targetAverageValue: quantity(c.target?.averageValue),
      container: c.container,
    });
  }
  if (m.external) {
    const { metric, target } = m.external;
    out.external = compact({
      metricName: metric?.name ?? '', metricSelector: metric?.selector, targetValue: quantity(target?.value),
      targetAverageValue: quantity(target?.averageValue),
    });
  }
  return out;
}

/** One v2 metric status as an entry of the `autoscaling.alpha.kubernetes.io/current-metrics` annotation. */
export function metricStatusToV1(m: MetricStatus): Json {
  const out: Json = { type: m.type };
  if (m.object) {
    const { describedObject, current, metric } = m.object;
    out.object = compact({
      target: referenceToV1(describedObject), metricName: metric?.name ?? '', currentValue: quantityOrZero(current?.value),
      selector: metric?.selector, averageValue: quantity(current?.averageValue),
    });
  }
  if (m.pods) {
    out.pods = compact({
      metricName: m.pods.metric?.name ?? '', currentAverageValue: quantityOrZero(m.pods.current?.averageValue),
      selector: m.pods.metric?.selector,
    });
  }
  if (m.resource) {
    out.resource = compact({
      name: m.resource.name, currentAverageUtilization: m.resource.current?.averageUtilization,
      currentAverageValue: quantityOrZero(m.resource.current?.averageValue),
    });
  }
  if (m.containerResource) {
    const c = m.containerResource;
    out.containerResource = compact({
      name: c.name, currentAverageUtilization: c.current?.averageUtilization,
      currentAverageValue: quantityOrZero(c.current?.averageValue), container: c.container,
    });
  }
  if (m.external) {
    const { metric, current } = m.external;
    out.external = compact({
      metricName: metric?.name ?? '', metricSelector: metric?.selector, currentValue: quantityOrZero(current?.value),
      currentAverageValue: quantity(current?.averageValue),
    });
  }
  return out;
}

// Reading the annotations back: Go structs filled by json.Unmarshal, then kube's v1 -> internal conversions.

function selectorFrom(value: unknown): LabelSelector | undefined {
  return goObject(value) as LabelSelector | undefined;
}

function identifier(name: unknown, selector: unknown): MetricIdentifier {
  return compact({ name: goString(name) ?? '', selector: selectorFrom(selector) }) as unknown as MetricIdentifier;
}

function referenceFromV1(value: unknown): CrossVersionObjectReference {
  const o = goObject(value);
  return compact({
    kind: goString(goField(o, 'kind')) ?? '', name: goString(goField(o, 'name')) ?? '',
    apiVersion: goString(goField(o, 'apiVersion')) || undefined,
  }) as unknown as CrossVersionObjectReference;
}

function target(fields: { type: string; value?: string; averageValue?: string; averageUtilization?: number }): MetricTarget {
  return compact(fields) as unknown as MetricTarget;
}

function valueStatus(fields: { value?: string; averageValue?: string; averageUtilization?: number }): MetricValueStatus {
  return compact(fields) as MetricValueStatus;
}

/** An entry of the metrics annotation as the v2 metric it stands for. Throws UnmarshalError on a wrong type. */
export function metricSpecFromV1(value: unknown): MetricSpec {
  const m: GoObject = goObject(value) ?? {};
  const out: MetricSpec = { type: goString(goField(m, 'type')) ?? '' };
  const object = goObject(goField(m, 'object'));
  if (object) {
    const averageValue = goQuantity(goField(object, 'averageValue'));
    out.object = {
      describedObject: referenceFromV1(goField(object, 'target')),
      target: target({
        type: averageValue === undefined ? 'Value' : 'AverageValue',
        value: goQuantity(goField(object, 'targetValue')) ?? '0', averageValue,
      }),
      metric: identifier(goField(object, 'metricName'), goField(object, 'selector')),
    };
  }
  const pods = goObject(goField(m, 'pods'));
  if (pods) {
    out.pods = {
      metric: identifier(goField(pods, 'metricName'), goField(pods, 'selector')),
      target: target({ type: 'AverageValue', averageValue: goQuantity(goField(pods, 'targetAverageValue')) ?? '0' }),
    };
  }
  const resource = goObject(goField(m, 'resource'));
  if (resource) out.resource = { name: goString(goField(resource, 'name')) ?? '', target: resourceTarget(resource) };
  const container = goObject(goField(m, 'containerResource'));
  if (container) {
    out.containerResource = {
      name: goString(goField(container, 'name')) ?? '', target: resourceTarget(container),
      container: goString(goField(container, 'container')) ?? '',
    };
  }
  const external = goObject(goField(m, 'external'));
  if (external) {
    const value = goQuantity(goField(external, 'targetValue'));
    out.external = {
      metric: identifier(goField(external, 'metricName'), goField(external, 'metricSelector')),
      target: target({
        type: value === undefined ? 'AverageValue' : 'Value', value,
        averageValue: goQuantity(goField(external, 'targetAverageValue')),
      }),
    };
  }
  return out;
}

/** A v1 resource source's target: a utilization when one is given, else an average value. */
function resourceTarget(source: GoObject): MetricTarget {
  const averageUtilization = goInt(goField(source, 'targetAverageUtilization'));
  return target({
    type: averageUtilization === undefined ? 'AverageValue' : 'Utilization',
    averageValue: goQuantity(goField(source, 'targetAverageValue')), averageUtilization,
  });
}

/** An entry of the current-metrics annotation as the v2 metric status it stands for. */
export function metricStatusFromV1(value: unknown): MetricStatus {
  const m: GoObject = goObject(value) ?? {};
  const out: MetricStatus = { type: goString(goField(m, 'type')) ?? '' };
  const object = goObject(goField(m, 'object'));
  if (object) {
    out.object = {
      metric: identifier(goField(object, 'metricName'), goField(object, 'selector')),
      current: valueStatus({
        value: goQuantity(goField(object, 'currentValue')) ?? '0', averageValue: goQuantity(goField(object, 'averageValue')),
      }),
      describedObject: referenceFromV1(goField(object, 'target')),
    };
  }
  const pods = goObject(goField(m, 'pods'));
  if (pods) {
    out.pods = {
      metric: identifier(goField(pods, 'metricName'), goField(pods, 'selector')),
      current: valueStatus({ averageValue: goQuantity(goField(pods, 'currentAverageValue')) ?? '0' }),
    };
  }
  const resource = goObject(goField(m, 'resource'));
  if (resource) out.resource = { name: goString(goField(resource, 'name')) ?? '', current: resourceCurrent(resource) };
  const container = goObject(goField(m, 'containerResource'));
  if (container) {
    out.containerResource = {
      name: goString(goField(container, 'name')) ?? '', current: resourceCurrent(container),
      container: goString(goField(container, 'container')) ?? '',
    };
  }
  const external = goObject(goField(m, 'external'));
  if (external) {
    out.external = {
      metric: identifier(goField(external, 'metricName'), goField(external, 'metricSelector')),
      current: valueStatus({
        value: goQuantity(goField(external, 'currentValue')) ?? '0',
        averageValue: goQuantity(goField(external, 'currentAverageValue')),
      }),
    };
  }
  return out;
}

function resourceCurrent(source: GoObject): MetricValueStatus {
  return valueStatus({
    averageValue: goQuantity(goField(source, 'currentAverageValue')) ?? '0',
    averageUtilization: goInt(goField(source, 'currentAverageUtilization')),
  });
}
