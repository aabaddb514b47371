// The horizontal-pod-autoscaler's decisions (kube's reconcileAutoscaler, computeReplicasForMetrics and setStatus in
// pkg/controller/podautoscaler/horizontal.go): from the target's Scale, its pods and the metrics fetched for each
// metric of the HPA, the replica count to write, the status (currentReplicas, desiredReplicas, currentMetrics,
// lastScaleTime, the AbleToScale / ScalingActive / ScalingLimited conditions) and the events, with kube's reasons
// and messages. Several metrics: the largest proposal wins; a metric that fails does not stop a scale-up the others
// ask for, but blocks a scale-down. Pure: the controller fetches, calls here, writes what it is told.
import type {
  CrossVersionObjectReference, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus,
  MetricValueStatus,
} from 'kubernetes-types/autoscaling/v2.d.ts';
import { matchesSelector, parseSelector, selectorFromLabelSelector, selectorToString, type Selector } from '../apiserver/api/labels.ts';
import { formatQuantity, milliValue, parseQuantity, quantityFromMilli } from '../apiserver/api/quantity.ts';
import type { HorizontalPodAutoscaler, LabelSelector, Pod } from '../apiserver/api/types.ts';
import {
  normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, recordInitialRecommendation, storeScaleEvent,
  type AutoscalerHistory,
} from './horizontal-pod-autoscaler-behavior.ts';
import type { MetricSample, PodMetricsInfo } from './horizontal-pod-autoscaler-metrics.ts';
import {
  perPodTotalReplicas, plainMetricReplicas, resourceReplicas, usageRatioReplicaCount, type ReplicaCalcSettings,
} from './horizontal-pod-autoscaler-replicas.ts';
import { rfc3339 } from './workload-pods.ts';

export interface HpaSettings extends ReplicaCalcSettings {
  /** --horizontal-pod-autoscaler-downscale-stabilization: how long a higher recommendation holds a scale-down. */
  downscaleStabilizationMs: number;
}

export interface RecordedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The target's autoscaling/v1 Scale, as far as the decision needs it. */
export interface ScaleView {
  specReplicas: number;
  statusReplicas: number;
  selector: string;
}

type Condition = HorizontalPodAutoscalerCondition;

/** The status being built and the events said along the way, as kube mutates its copy of the HPA. */
class Draft {
  conditions: Condition[];
  readonly events: RecordedEvent[] = [];
  private readonly nowMs: number;

  constructor(conditions: readonly Condition[] | undefined, nowMs: number) {
    this.conditions = (conditions ?? []).map((c) => ({ ...c }));
    this.nowMs = nowMs;
  }

  /** kube's setCondition: the transition time moves only when the status does. */
  set(type: string, status: string, reason: string, message: string): void {
    let existing = this.conditions.find((c) => c.type === type);
    if (!existing) {
      existing = { type, status: '' };
      this.conditions.push(existing);
    }
    if (existing.status !== status) existing.lastTransitionTime = rfc3339(this.nowMs);
    existing.status = status;
    existing.reason = reason;
    existing.message = message;
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.events.push({ type, reason, message });
  }

  /** kube's getUnableComputeReplicaCountCondition: the Warning event now, the condition for later. */
  unable(reason: string, error: string): Condition {
    this.event('Warning', reason, error);
    return { type: 'ScalingActive', status: 'False', reason, message: `the HPA was unable to compute the replica count: ${error}` };
  }
}

const milliQuantity = (milli: number): string => formatQuantity(quantityFromMilli(milli));
const quantityMilli = (q: string | number): number => milliValue(parseQuantity(q));

/**
 * Go's %+v of a *metav1.LabelSelector (its generated String()), as kube writes it into external metric names and
 * errors: `&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}`.
 */
export function goLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return 'nil';
  const labels = Object.keys(sel.matchLabels ?? {}).sort().map((k) => `${k}: ${sel.matchLabels?.[k]},`).join('');
  const exprs = (sel.matchExpressions ?? [])
    .map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** A metric's label selector in the string form the metrics APIs take. */
export function metricSelectorString(spec: MetricSpec): string {
  const sel = spec.pods?.metric.selector ?? spec.object?.metric.selector ?? spec.external?.metric.selector;
  if (!sel) return '';
  const parsed = selectorFromLabelSelector(sel);
  return parsed === 'nothing' ? '' : selectorToString(parsed);
}

interface MetricContext {
  namespace: string;
  specReplicas: number;
  statusReplicas: number;
  /** The pods the target's selector picks. */
  pods: readonly Pod[];
  nowMs: number;
  settings: ReplicaCalcSettings;
}

type MetricResult =
  | { ok: true; replicas: number; metricName: string; status: MetricStatus }
  | { ok: false; error: string; condition: Condition };

function podsSample(sample: MetricSample | undefined): PodMetricsInfo | string {
  if (sample?.type === 'pods') return sample.metrics;
  return sample?.type === 'error' ? sample.error : 'no metrics were fetched';
}

/** kube's computeStatusForResourceMetricGeneric: a Resource or ContainerResource target. */
function resourceMetric(c: MetricContext, spec: MetricSpec, sample: MetricSample | undefined):
  { ok: true; replicas: number; metricName: string; current: MetricValueStatus } | { ok: false; error: string } {
  const container = spec.type === 'ContainerResource' ? spec.containerResource?.container ?? '' : '';
  const src = spec.type === 'ContainerResource' ? spec.containerResource : spec.resource;
  const resource = src?.name ?? '';
  const target = src?.target;
  const fetched = podsSample(sample);
  if (target?.averageValue !== undefined) {
    if (typeof fetched === 'string') return { ok: false, error: `failed to get ${resource} usage: unable to get metrics for resource ${resource}: ${fetched}` };
    const calc = plainMetricReplicas({ currentReplicas: c.specReplicas, pods: c.pods, metrics: fetched, nowMs: c.nowMs,
      targetUsage: quantityMilli(target.averageValue), resource }, c.settings);
    if (!calc.ok) return { ok: false, error: `failed to get ${resource} usage: ${calc.error}` };
    return { ok: true, replicas: calc.replicas, metricName: `${resource} resource`, current: { averageValue: milliQuantity(calc.usage) } };
  }
  if (target?.averageUtilization === undefined) {
    return { ok: false, error: 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set' };
  }
  if (typeof fetched === 'string') return { ok: false, error: `failed to get ${resource} utilization: unable to get metrics for resource ${resource}: ${fetched}` };
  const calc = resourceReplicas({ currentReplicas: c.specReplicas, pods: c.pods, metrics: fetched, nowMs: c.nowMs,
    targetUtilization: target.averageUtilization, resource, container }, c.settings);
  if (!calc.ok) return { ok: false, error: `failed to get ${resource} utilization: ${calc.error}` };
  const metricName = container
    ? `${resource} container resource utilization (percentage of request)`
    : `${resource} resource utilization (percentage of request)`;
  return { ok: true, replicas: calc.replicas, metricName, current: { averageUtilization: calc.utilization, averageValue: milliQuantity(calc.rawUtilization) } };
}

/** kube's computeReplicasForMetric: one metric's proposal, or why there is none. */
function computeReplicasForMetric(d: Draft, c: MetricContext, spec: MetricSpec, sample: MetricSample | undefined): MetricResult {
  switch (spec.type) {
    case 'Resource': {
      const r = resourceMetric(c, spec, sample);
      if (!r.ok) return { ok: false, condition: d.unable('FailedGetResourceMetric', r.error), error: `failed to get ${spec.resource?.name ?? ''} resource metric value: ${r.error}` };
      return { ok: true, replicas: r.replicas, metricName: r.metricName, status: { type: 'Resource', resource: { name: spec.resource?.name ?? '', current: r.current } } };
    }
    case 'ContainerResource': {
      const r = resourceMetric(c, spec, sample);
      const container = spec.containerResource?.container ?? '';
      if (!r.ok) return { ok: false, condition: d.unable('FailedGetContainerResourceMetric', r.error), error: `failed to get ${container} container metric value: ${r.error}` };
      return {
        ok: true, replicas: r.replicas, metricName: r.metricName,
        status: { type: 'ContainerResource', containerResource: { name: spec.containerResource?.name ?? '', container, current: r.current } },
      };
    }
    case 'Pods': {
      const pods = spec.pods;
      const name = pods?.metric.name ?? '';
      const fail = (error: string): MetricResult => ({ ok: false, condition: d.unable('FailedGetPodsMetric', error), error: `failed to get pods metric value: ${error}` });
      if (pods?.target.averageValue === undefined) return fail('invalid pods metric source: an average value target was not set');
      const fetched = podsSample(sample);
      if (typeof fetched === 'string') return fail(`unable to get metric ${name}: ${fetched}`);
      const calc = plainMetricReplicas({ currentReplicas: c.specReplicas, pods: c.pods, metrics: fetched, nowMs: c.nowMs,
        targetUsage: quantityMilli(pods.target.averageValue), resource: '' }, c.settings);
      if (!calc.ok) return fail(calc.error);
      return {
        ok: true, replicas: calc.replicas, metricName: `pods metric ${name}`,
        status: { type: 'Pods', pods: { metric: { name, ...(pods.metric.selector ? { selector: pods.metric.selector } : {}) }, current: { averageValue: milliQuantity(calc.usage) } } },
      };
    }
    case 'Object':
      return objectMetric(d, c, spec, sample);
    case 'External':
      return externalMetric(d, c, spec, sample);
    default: {
      const error = `unknown metric source type "${spec.type}"`;
      return { ok: false, condition: d.unable('InvalidMetricSourceType', error), error };
    }
  }
}

/** kube's error text for a failed object metric (its arguments in kube's own, jumbled order). */
function objectFetchError(name: string, ref: CrossVersionObjectReference, namespace: string, err: string): string {
  return `unable to get metric ${name}: ${ref.kind} on ${namespace} ${ref.name}/${err}`;
}

/** kube's computeStatusForObjectMetric. */
function objectMetric(d: Draft, c: MetricContext, spec: MetricSpec, sample: MetricSample | undefined): MetricResult {
  const o = spec.object;
  const name = o?.metric.name ?? '';
  const metric = { name, ...(o?.metric.selector ? { selector: o.metric.selector } : {}) };
  const fail = (conditionError: string, error = conditionError): MetricResult =>
    ({ ok: false, condition: d.unable('FailedGetObjectMetric', conditionError), error: `failed to get object metric value: ${error}` });
  const fetched = sample?.type === 'object' ? sample.value : sample?.type === 'error' ? sample.error : 'no metrics were fetched';
  if (o && o.target.type === 'Value' && o.target.value !== undefined) {
    if (typeof fetched === 'string') return fail(objectFetchError(name, o.describedObject, c.namespace, fetched));
    const calc = usageRatioReplicaCount(c.specReplicas, fetched / quantityMilli(o.target.value), c.pods, c.settings);
    if (!calc.ok) return fail(calc.error);
    return {
      ok: true, replicas: calc.replicas, metricName: `${o.describedObject.kind} metric ${name}`,
      status: { type: 'Object', object: { describedObject: o.describedObject, metric, current: { value: milliQuantity(fetched) } } },
    };
  }
  if (o && o.target.type === 'AverageValue' && o.target.averageValue !== undefined) {
    if (typeof fetched === 'string') {
      const err = objectFetchError(name, o.describedObject, c.namespace, fetched);
      return fail(err, `failed to get ${name} object metric: ${err}`);
    }
    const { replicas, usage } = perPodTotalReplicas(c.statusReplicas, fetched, quantityMilli(o.target.averageValue), c.settings);
    return {
      // kube names this one an external metric too.
      ok: true, replicas, metricName: `external metric ${name}(${goLabelSelector(o.metric.selector)})`,
      status: { type: 'Object', object: { describedObject: o.describedObject, metric, current: { averageValue: milliQuantity(usage) } } },
    };
  }
  return fail('invalid object metric source: neither a value target nor an average value target was set');
}

/** kube's computeStatusForExternalMetric. */
function externalMetric(d: Draft, c: MetricContext, spec: MetricSpec, sample: MetricSample | undefined): MetricResult {
  const x = spec.external;
  const name = x?.metric.name ?? '';
  const metric = { name, ...(x?.metric.selector ? { selector: x.metric.selector } : {}) };
  const metricName = `external metric ${name}(${goLabelSelector(x?.metric.selector)})`;
  const fail = (conditionError: string, error: string): MetricResult =>
    ({ ok: false, condition: d.unable('FailedGetExternalMetric', conditionError), error: `failed to get ${name} external metric value: ${error}` });
  const fetched = sample?.type === 'external' ? sample.values : sample?.type === 'error' ? sample.error : 'no metrics were fetched';
  const fetchError = (err: string): string => `unable to get external metric ${c.namespace}/${name}/${goLabelSelector(x?.metric.selector)}: ${err}`;
  const total = (values: number[]): number => values.reduce((a, b) => a + b, 0);
  if (x?.target.averageValue !== undefined) {
    if (typeof fetched === 'string') {
      const err = fetchError(fetched);
      return fail(err, `failed to get ${name} external metric: ${err}`);
    }
    const { replicas, usage } = perPodTotalReplicas(c.statusReplicas, total(fetched), quantityMilli(x.target.averageValue), c.settings);
    return { ok: true, replicas, metricName, status: { type: 'External', external: { metric, current: { averageValue: milliQuantity(usage) } } } };
  }
  if (x?.target.value !== undefined) {
    if (typeof fetched === 'string') {
      const err = fetchError(fetched);
      return fail(err, `failed to get external metric ${name}: ${err}`);
    }
    const usage = total(fetched);
    const calc = usageRatioReplicaCount(c.specReplicas, usage / quantityMilli(x.target.value), c.pods, c.settings);
    if (!calc.ok) return fail(calc.error, `failed to get external metric ${name}: ${calc.error}`);
    return { ok: true, replicas: calc.replicas, metricName, status: { type: 'External', external: { metric, current: { value: milliQuantity(usage) } } } };
  }
  const err = 'invalid external metric source: neither a value target nor an average value target was set';
  return fail(err, err);
}

/** Which HPAs' selectors pick any of `pods` (kube's hpasControllingPodsUnderSelector). */
export function hpasSelectingPods(pods: readonly Pod[], selectors: ReadonlyMap<string, Selector | 'nothing'>, namespace: string): string[] {
  const out = new Set<string>();
  for (const [key, sel] of selectors) {
    if (!key.startsWith(`${namespace}/`)) continue;
    if (pods.some((p) => matchesSelector(sel, p.metadata?.labels))) out.add(key);
  }
  return [...out].sort();
}

export interface PlanInput {
  hpa: HorizontalPodAutoscaler;
  /** namespace/name. */
  key: string;
  scale: ScaleView;
  /** Every pod of the HPA's namespace (the informer cache); the target's selector is applied here. */
  namespacePods: readonly Pod[];
  /** What the controller learned of every HPA's pod selector, for the check that no two scale the same pods. */
  hpaSelectors: ReadonlyMap<string, Selector | 'nothing'>;
  /** Per spec.metrics entry, what was fetched for it. */
  samples: readonly (MetricSample | undefined)[];
  history: AutoscalerHistory;
  nowMs: number;
  settings: HpaSettings;
  /** What decides this sync, as the controller already worked it out (syncBasis); worked out here when absent. */
  basis?: SyncBasis;
}

export interface AutoscalerPlan {
  /** Write `replicas` through the scale subresource, then call finishRescale. */
  rescale?: { from: number; replicas: number; reason: string };
  status: HorizontalPodAutoscalerStatus;
  events: RecordedEvent[];
  history: AutoscalerHistory;
  /** The target's selector, once parsed: the controller remembers it for the ambiguity check. */
  selector?: Selector;
  /** What the sync reports as failed (the HPA is looked at again next period either way). */
  error?: string;
  /** Internal: what finishRescale needs. */
  pending?: { currentReplicas: number; metricStatuses?: MetricStatus[]; conditions: Condition[] };
}

/** "Deployment/default/web", as kube names the target in its errors. */
export function targetReference(hpa: HorizontalPodAutoscaler): string {
  return `${hpa.spec?.scaleTargetRef.kind ?? ''}/${hpa.metadata?.namespace ?? ''}/${hpa.spec?.scaleTargetRef.name ?? ''}`;
}

/** kube's setStatus: a fresh status keeping the last scale time (moved to now on a rescale) and the conditions. */
function statusOf(previous: HorizontalPodAutoscalerStatus | undefined, currentReplicas: number, desiredReplicas: number,
  metricStatuses: MetricStatus[] | undefined, conditions: Condition[], rescaledAtMs?: number): HorizontalPodAutoscalerStatus {
  const lastScaleTime = rescaledAtMs !== undefined ? rfc3339(rescaledAtMs) : previous?.lastScaleTime;
  return {
    // Go leaves out a zero currentReplicas and an empty currentMetrics (omitempty).
    ...(currentReplicas ? { currentReplicas } : {}),
    desiredReplicas,
    ...(lastScaleTime ? { lastScaleTime } : {}),
    ...(metricStatuses?.length ? { currentMetrics: metricStatuses } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}

/** The target's Scale could not be read (kube's FailedGetScale path). */
export function failedGetScale(hpa: HorizontalPodAutoscaler, error: string, nowMs: number):
  { status: HorizontalPodAutoscalerStatus; events: RecordedEvent[] } {
  const d = new Draft(hpa.status?.conditions, nowMs);
  d.event('Warning', 'FailedGetScale', error);
  d.set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${error}`);
  return { status: { ...(hpa.status ?? { desiredReplicas: 0 }), conditions: d.conditions }, events: d.events };
}

/** The target's pod selector as the metrics read it: parsed (and in the string form the metrics APIs take), or
 * kube's complaint about it. */
export type TargetSelector =
  | { ok: true; selector: Selector; text: string }
  | { ok: false; eventReason: string; error: string; conditionMessage: string };

/** What decides a sync, kube's reconcileAutoscaler branches: nothing (the target was scaled to zero on purpose),
 * the replica limits (the target is outside [min, max]), or the metrics of the pods the target's selector picks. */
export type SyncBasis =
  | { by: 'scaledToZero' }
  | { by: 'limits'; replicas: number; reason: string }
  | { by: 'metrics'; target: TargetSelector };

/** Which of kube's reconcileAutoscaler branches this sync takes; for the metrics one, the target's selector. The
 * controller fetches metrics only for that branch (and a selector that parses), and planAutoscaler follows it. */
export function syncBasis(hpa: HorizontalPodAutoscaler, scale: ScaleView): SyncBasis {
  const currentReplicas = scale.specReplicas;
  const minReplicas = hpa.spec?.minReplicas ?? 1;
  const maxReplicas = hpa.spec?.maxReplicas ?? 0;
  if (currentReplicas === 0 && minReplicas !== 0) return { by: 'scaledToZero' };
  if (currentReplicas > maxReplicas) return { by: 'limits', replicas: maxReplicas, reason: 'Current number of replicas above Spec.MaxReplicas' };
  if (currentReplicas < minReplicas) return { by: 'limits', replicas: minReplicas, reason: 'Current number of replicas below Spec.MinReplicas' };
  return { by: 'metrics', target: targetSelector(scale.selector) };
}

function targetSelector(text: string): TargetSelector {
  if (text === '') {
    return { ok: false, eventReason: 'SelectorRequired', error: 'selector is required', conditionMessage: "the HPA target's scale is missing a selector" };
  }
  try {
    const selector = parseSelector(text);
    return { ok: true, selector, text: selectorToString(selector) };
  } catch (e) {
    const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
    return { ok: false, eventReason: 'InvalidSelector', error: msg, conditionMessage: msg };
  }
}

/** kube's computeReplicasForMetrics: the largest proposal and every metric's status. */
function computeReplicasForMetrics(d: Draft, input: PlanInput, target: TargetSelector):
  { replicas: number; metricName: string; statuses?: MetricStatus[]; error?: string; selector?: Selector } {
  const { hpa, scale } = input;
  const namespace = hpa.metadata?.namespace ?? '';
  if (!target.ok) {
    d.event('Warning', target.eventReason, target.error);
    d.set('ScalingActive', 'False', 'InvalidSelector', target.conditionMessage);
    return { replicas: -1, metricName: '', error: target.error };
  }
  const { selector } = target;
  const pods = input.namespacePods.filter((p) => matchesSelector(selector, p.metadata?.labels));
  const selectors = new Map(input.hpaSelectors);
  selectors.set(input.key, selector);
  const selecting = hpasSelectingPods(pods, selectors, namespace);
  if (selecting.length > 1) {
    const msg = `pods by selector ${scale.selector} are controlled by multiple HPAs: [${selecting.join(' ')}]`;
    d.event('Warning', 'AmbiguousSelector', msg);
    d.set('ScalingActive', 'False', 'AmbiguousSelector', msg);
    return { replicas: -1, metricName: '', error: msg, selector };
  }

  const specs = hpa.spec?.metrics ?? [];
  const context: MetricContext = {
    namespace, specReplicas: scale.specReplicas, statusReplicas: scale.statusReplicas, pods, nowMs: input.nowMs, settings: input.settings,
  };
  // A metric that fails keeps an empty entry, as kube's status does.
  const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
  let replicas = 0;
  let metricName = '';
  let invalid = 0;
  let firstInvalid: { error: string; condition: Condition } | undefined;
  specs.forEach((spec, i) => {
    const r = computeReplicasForMetric(d, context, spec, input.samples[i]);
    if (!r.ok) {
      if (invalid === 0) firstInvalid = r;
      invalid++;
      return;
    }
    statuses[i] = r.status;
    if (replicas === 0 || r.replicas > replicas) {
      replicas = r.replicas;
      metricName = r.metricName;
    }
  });
  const error = firstInvalid ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstInvalid.error}` : undefined;
  // Every metric failed, or some did and the rest would scale down: do nothing rather than shrink on partial data.
  if (invalid >= specs.length || (invalid > 0 && replicas < scale.specReplicas)) {
    if (firstInvalid) {
      const c = firstInvalid.condition;
      d.set(c.type, c.status, c.reason ?? '', c.message ?? '');
    }
    return { replicas: -1, metricName: '', statuses, error: error ?? 'no metrics to compute a replica count from', selector };
  }
  d.set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
  return { replicas, metricName, statuses, error, selector };
}

/** kube's reconcileAutoscaler, from after the Scale was read up to (not including) the scale write. */
export function planAutoscaler(input: PlanInput): AutoscalerPlan {
  const { hpa, scale, nowMs, settings } = input;
  const d = new Draft(hpa.status?.conditions, nowMs);
  d.set('AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
  const currentReplicas = scale.specReplicas;
  let history = recordInitialRecommendation(input.history, currentReplicas, nowMs);
  const minReplicas = hpa.spec?.minReplicas ?? 1;
  const maxReplicas = hpa.spec?.maxReplicas ?? 0;
  let desiredReplicas = 0;
  let reason = '';
  let rescale = true;
  let statuses: MetricStatus[] | undefined;
  let selector: Selector | undefined;
  let error: string | undefined;

  const basis = input.basis ?? syncBasis(hpa, scale);
  if (basis.by === 'scaledToZero') {
    // Someone scaled the target to zero on purpose: leave it there.
    desiredReplicas = 0;
    rescale = false;
    d.set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
  } else if (basis.by === 'limits') {
    reason = basis.reason;
    desiredReplicas = basis.replicas;
  } else {
    const computed = computeReplicasForMetrics(d, input, basis.target);
    statuses = computed.statuses;
    selector = computed.selector;
    if (computed.error !== undefined && computed.replicas === -1) {
      d.event('Warning', 'FailedComputeMetricsReplicas', computed.error);
      return {
        status: statusOf(hpa.status, currentReplicas, hpa.status?.desiredReplicas ?? 0, statuses, d.conditions),
        events: d.events, history, selector,
        error: `failed to compute desired number of replicas based on listed metrics for ${targetReference(hpa)}: ${computed.error}`,
      };
    }
    // Some metrics failed but the others scale up: go ahead, and still report the failure.
    error = computed.error;
    let rescaleMetric = '';
    if (computed.replicas > desiredReplicas) {
      desiredReplicas = computed.replicas;
      rescaleMetric = computed.metricName;
    }
    if (desiredReplicas > currentReplicas) reason = `${rescaleMetric} above target`;
    if (desiredReplicas < currentReplicas) reason = 'All metrics below target';
    const args = { currentReplicas, desiredReplicas, minReplicas, maxReplicas, downscaleStabilizationMs: settings.downscaleStabilizationMs, nowMs };
    const normalized = hpa.spec?.behavior
      ? normalizeDesiredReplicasWithBehaviors(history, hpa.spec.behavior, args)
      : normalizeDesiredReplicas(history, args);
    history = normalized.history;
    d.set('AbleToScale', 'True', normalized.ableToScale.reason, normalized.ableToScale.message);
    d.set('ScalingLimited', normalized.limited.status, normalized.limited.reason, normalized.limited.message);
    desiredReplicas = normalized.replicas;
    rescale = desiredReplicas !== currentReplicas;
  }

  if (rescale) {
    return {
      rescale: { from: currentReplicas, replicas: desiredReplicas, reason },
      status: statusOf(hpa.status, currentReplicas, hpa.status?.desiredReplicas ?? 0, statuses, d.conditions),
      events: d.events, history, selector, error,
      pending: { currentReplicas, metricStatuses: statuses, conditions: d.conditions },
    };
  }
  return { status: statusOf(hpa.status, currentReplicas, currentReplicas, statuses, d.conditions), events: d.events, history, selector, error };
}

/** After the scale write: the rescale's status, event and (for behavior's rate limits) its record. */
export function finishRescale(hpa: HorizontalPodAutoscaler, plan: AutoscalerPlan, writeError: string | undefined, nowMs: number): AutoscalerPlan {
  if (!plan.rescale || !plan.pending) return plan;
  const { from, replicas, reason } = plan.rescale;
  const d = new Draft(plan.pending.conditions, nowMs);
  d.events.push(...plan.events);
  if (writeError !== undefined) {
    d.event('Warning', 'FailedRescale', `New size: ${replicas}; reason: ${reason}; error: ${writeError}`);
    d.set('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${writeError}`);
    return {
      ...plan, rescale: undefined, pending: undefined, events: d.events,
      status: statusOf(hpa.status, from, hpa.status?.desiredReplicas ?? 0, plan.pending.metricStatuses, d.conditions),
      error: `failed to rescale ${targetReference(hpa)}: ${writeError}`,
    };
  }
  d.set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${replicas}`);
  d.event('Normal', 'SuccessfulRescale', `New size: ${replicas}; reason: ${reason}`);
  return {
    ...plan, rescale: undefined, pending: undefined, events: d.events,
    history: storeScaleEvent(plan.history, hpa.spec?.behavior, from, replicas, nowMs),
    status: statusOf(hpa.status, from, replicas, plan.pending.metricStatuses, d.conditions, nowMs),
  };
}
