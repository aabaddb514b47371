// HorizontalPodAutoscaler validation (autoscaling/v2), after Kubernetes' ValidateHorizontalPodAutoscaler.
import type {
  CrossVersionObjectReference, HPAScalingPolicy, HPAScalingRules, MetricIdentifier, MetricSpec, MetricTarget,
} from 'kubernetes-types/autoscaling/v2.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { HorizontalPodAutoscaler } from '../types.ts';
import { child, index, invalidEach, nonNegative } from './common.ts';
import { isDNS1123Label, isValidPathSegmentName } from './names.ts';
import { isPositiveQuantity, readQuantity, validateContainerResourceName } from './resources.ts';

const maxPeriodSeconds = 1800;
const maxStabilizationWindowSeconds = 3600;
const metricSourceTypes = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const sourceFieldOfType: Record<string, keyof MetricSpec> = {
  ContainerResource: 'containerResource', External: 'external', Object: 'object', Pods: 'pods', Resource: 'resource',
};
const selectPolicies = ['Disabled', 'Max', 'Min'];
const scalingPolicyTypes = ['Percent', 'Pods'];

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec;
  if (!spec) return [fieldError.required('spec')];
  const errs: FieldError[] = [];
  if (typeof spec.minReplicas === 'number' && spec.minReplicas < 1) {
    errs.push(fieldError.invalid('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'));
  }
  const max = spec.maxReplicas ?? 0;
  if (max < 1) errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (typeof spec.minReplicas === 'number' && max < spec.minReplicas) {
    errs.push(fieldError.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
  errs.push(...validateObjectReference(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  (spec.metrics ?? []).forEach((metric, i) => errs.push(...validateMetricSpec(metric, index('spec.metrics', i))));
  if (spec.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

/** An HPA has no fields that are immutable beyond its metadata. */
export function validateHorizontalPodAutoscalerUpdate(_hpa: HorizontalPodAutoscaler, _old: HorizontalPodAutoscaler): FieldError[] {
  return [];
}

export function validateHorizontalPodAutoscalerStatusUpdate(hpa: HorizontalPodAutoscaler): FieldError[] {
  return [
    ...nonNegative(hpa.status?.currentReplicas, 'status.currentReplicas'),
    ...nonNegative(hpa.status?.desiredReplicas, 'status.desiredReplicas'),
  ];
}

/** kind and name become URL segments when the controller reads the scale subresource. */
function validateObjectReference(ref: CrossVersionObjectReference | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref?.kind) errs.push(fieldError.required(child(path, 'kind')));
  else errs.push(...invalidEach(child(path, 'kind'), ref.kind, isValidPathSegmentName(ref.kind)));
  if (!ref?.name) errs.push(fieldError.required(child(path, 'name')));
  else errs.push(...invalidEach(child(path, 'name'), ref.name, isValidPathSegmentName(ref.name)));
  return errs;
}

function validateMetricSpec(spec: MetricSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.type) errs.push(fieldError.required(child(path, 'type'), 'must specify a metric source type'));
  else if (!metricSourceTypes.includes(spec.type)) errs.push(fieldError.notSupported(child(path, 'type'), spec.type, metricSourceTypes));

  const present = Object.values(sourceFieldOfType).filter((field) => spec[field] !== undefined && spec[field] !== null);
  const expected = sourceFieldOfType[spec.type];
  if (expected && spec[expected] === undefined) {
    errs.push(fieldError.required(child(path, expected), 'must populate information for the given metric source'));
  }
  if (present.length > 1) {
    for (const field of present) {
      if (field !== expected) errs.push(fieldError.forbidden(child(path, field), 'must populate the given metric source only'));
    }
  }
  // The first source present is validated in depth; the others are already rejected above.
  const first = present[0];
  if (first === 'object' && spec.object) {
    const p = child(path, 'object');
    errs.push(...validateObjectReference(spec.object.describedObject, child(p, 'describedObject')));
    errs.push(...validateMetricIdentifier(spec.object.metric, child(p, 'metric')));
    errs.push(...validateMetricTarget(spec.object.target, child(p, 'target')));
    if (spec.object.target?.value === undefined && spec.object.target?.averageValue === undefined) {
      errs.push(fieldError.required(child(p, 'target.averageValue'), 'must set either a target value or averageValue'));
    }
  } else if (first === 'external' && spec.external) {
    const p = child(path, 'external');
    errs.push(...validateMetricIdentifier(spec.external.metric, child(p, 'metric')));
    errs.push(...validateMetricTarget(spec.external.target, child(p, 'target')));
    const target = spec.external.target;
    if (target?.value === undefined && target?.averageValue === undefined) {
      errs.push(fieldError.required(child(p, 'target.averageValue'), 'must set either a target value for metric or a per-pod target'));
    }
    if (target?.value !== undefined && target.averageValue !== undefined) {
      errs.push(fieldError.forbidden(child(p, 'target.value'), 'may not set both a target value for metric and a per-pod target'));
    }
  } else if (first === 'pods' && spec.pods) {
    const p = child(path, 'pods');
    errs.push(...validateMetricIdentifier(spec.pods.metric, child(p, 'metric')));
    errs.push(...validateMetricTarget(spec.pods.target, child(p, 'target')));
    if (spec.pods.target?.averageValue === undefined) {
      errs.push(fieldError.required(child(p, 'target.averageValue'), 'must specify a positive target averageValue'));
    }
  } else if ((first === 'resource' && spec.resource) || (first === 'containerResource' && spec.containerResource)) {
    const source = first === 'resource' ? spec.resource : spec.containerResource;
    const p = child(path, first);
    if (!source?.name) errs.push(fieldError.required(child(p, 'name'), 'must specify a resource name'));
    else if (first === 'containerResource') errs.push(...validateContainerResourceName(source.name, child(p, 'name')));
    if (first === 'containerResource') {
      const container = spec.containerResource?.container;
      if (!container) errs.push(fieldError.required(child(p, 'container'), 'must specify a container'));
      else errs.push(...invalidEach(child(p, 'container'), container, isDNS1123Label(container)));
    }
    errs.push(...validateMetricTarget(source?.target, child(p, 'target')));
    const target = source?.target;
    if (target?.averageUtilization === undefined && target?.averageValue === undefined) {
      errs.push(fieldError.required(child(p, 'target.averageUtilization'), 'must set either a target raw value or a target utilization'));
    }
    if (target?.averageUtilization !== undefined && target.averageValue !== undefined) {
      errs.push(fieldError.forbidden(child(p, 'target.averageValue'), 'may not set both a target raw value and a target utilization'));
    }
  }
  return errs;
}

function validateMetricIdentifier(id: MetricIdentifier | undefined, path: string): FieldError[] {
  if (!id?.name) return [fieldError.required(child(path, 'name'), 'must specify a metric name')];
  return invalidEach(child(path, 'name'), id.name, isValidPathSegmentName(id.name));
}

function validateMetricTarget(target: MetricTarget | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = target?.type ?? '';
  if (!type) errs.push(fieldError.required(child(path, 'type'), 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(fieldError.invalid(child(path, 'type'), type, 'must be either Utilization, Value, or AverageValue'));
  }
  for (const field of ['value', 'averageValue'] as const) {
    const raw = target?.[field];
    if (raw === undefined) continue;
    const { quantity, errors } = readQuantity(raw, child(path, field));
    errs.push(...errors);
    if (quantity && !isPositiveQuantity(quantity)) errs.push(fieldError.invalid(child(path, field), raw, 'must be positive'));
  }
  if (typeof target?.averageUtilization === 'number' && target.averageUtilization < 1) {
    errs.push(fieldError.invalid(child(path, 'averageUtilization'), target.averageUtilization, 'must be greater than 0'));
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: string): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === 'number') {
    if (window < 0) errs.push(fieldError.invalid(child(path, 'stabilizationWindowSeconds'), window, 'must be greater than or equal to zero'));
    if (window > maxStabilizationWindowSeconds) {
      errs.push(fieldError.invalid(child(path, 'stabilizationWindowSeconds'), window,
        `must be less than or equal to ${maxStabilizationWindowSeconds}`));
    }
  }
  if (rules.selectPolicy !== undefined && !selectPolicies.includes(rules.selectPolicy)) {
    errs.push(fieldError.notSupported(child(path, 'selectPolicy'), rules.selectPolicy, selectPolicies));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(fieldError.required(child(path, 'policies'), 'must specify at least one Policy'));
  policies.forEach((policy, i) => errs.push(...validateScalingPolicy(policy, index(child(path, 'policies'), i))));
  return errs;
}

function validateScalingPolicy(policy: HPAScalingPolicy, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!scalingPolicyTypes.includes(policy.type)) errs.push(fieldError.notSupported(child(path, 'type'), policy.type ?? '', scalingPolicyTypes));
  if (!(policy.value > 0)) errs.push(fieldError.invalid(child(path, 'value'), policy.value ?? 0, 'must be greater than zero'));
  const period = policy.periodSeconds ?? 0;
  if (period <= 0) errs.push(fieldError.invalid(child(path, 'periodSeconds'), period, 'must be greater than zero'));
  if (period > maxPeriodSeconds) {
    errs.push(fieldError.invalid(child(path, 'periodSeconds'), period, `must be less than or equal to ${maxPeriodSeconds}`));
  }
  return errs;
}
