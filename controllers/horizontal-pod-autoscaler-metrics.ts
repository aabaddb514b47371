// Where the horizontal-pod-autoscaler reads metrics from (kube's pkg/controller/podautoscaler/metrics): the resource
// metrics API (metrics.k8s.io, metrics-server's shape) for cpu and memory, the custom metrics API
// (custom.metrics.k8s.io) for Pods and Object metrics, and the external metrics API (external.metrics.k8s.io).
// The source is an interface so tests can hand the controller metrics of their own. The default one asks the
// apiserver; an API nobody serves answers 404, and the controller reports that as kube does (ScalingActive False,
// FailedGet...Metric) rather than inventing values.
import { parseDuration } from '../apiserver/api/duration.ts';
import { milliValue, parseQuantity } from '../apiserver/api/quantity.ts';
import { resourceForGroupKind } from '../apiserver/api/resources.ts';
import type { CrossVersionObjectReference, MetricSpec } from 'kubernetes-types/autoscaling/v2.d.ts';
import type { RestClient } from '../apiserver/client/index.ts';
import type { PodMetrics } from '../apiserver/api/metrics-types.ts';

export type { PodMetrics } from '../apiserver/api/metrics-types.ts';

/** One pod's metric: its value in milli-units and when and over how long it was measured. */
export interface PodMetric {
  value: number;
  timestampMs: number;
  windowMs: number;
}

/** Pod name -> metric (kube's PodMetricsInfo). */
export type PodMetricsInfo = Map<string, PodMetric>;

/** custom.metrics.k8s.io/v1beta2 MetricValue. */
export interface CustomMetricValue {
  describedObject?: { kind?: string; name?: string; namespace?: string; apiVersion?: string };
  metric?: { name?: string };
  timestamp?: string;
  windowSeconds?: number;
  value?: string | number;
}

/** external.metrics.k8s.io/v1beta1 ExternalMetricValue. */
export interface ExternalMetricValue {
  metricName?: string;
  metricLabels?: Record<string, string>;
  timestamp?: string;
  windowSeconds?: number;
  value?: string | number;
}

/** What the controller asks for metrics; tests inject their own. Selectors are in their string form. */
export interface MetricsSource {
  /** PodMetrics of the pods `selector` picks in `namespace`. */
  podMetrics(namespace: string, selector: string): Promise<PodMetrics[]>;
  /** A custom metric of each pod `selector` picks. */
  podsCustomMetric(namespace: string, metricName: string, selector: string, metricSelector: string): Promise<CustomMetricValue[]>;
  /** A custom metric of one object (a Namespace kind names the namespace itself). */
  objectCustomMetric(namespace: string, object: CrossVersionObjectReference, metricName: string, metricSelector: string): Promise<CustomMetricValue>;
  /** The values of an external metric. */
  externalMetric(namespace: string, metricName: string, metricSelector: string): Promise<ExternalMetricValue[]>;
}

interface ItemList<T> { items?: T[] }

const seg = encodeURIComponent;

/** The MetricsSource that asks the apiserver (and the APIs aggregated into it). */
export function apiMetricsSource(client: RestClient): MetricsSource {
  const list = async <T>(path: string, query: Record<string, string | undefined>): Promise<T[]> =>
    (await client.request<ItemList<T>>('GET', path, { query })).items ?? [];
  return {
    podMetrics: (namespace, selector) =>
      list<PodMetrics>(`/apis/metrics.k8s.io/v1beta1/namespaces/${seg(namespace)}/pods`, { labelSelector: selector || undefined }),
    podsCustomMetric: (namespace, metricName, selector, metricSelector) =>
      list<CustomMetricValue>(`/apis/custom.metrics.k8s.io/v1beta2/namespaces/${seg(namespace)}/pods/*/${seg(metricName)}`,
        { labelSelector: selector || undefined, metricLabelSelector: metricSelector || undefined }),
    async objectCustomMetric(namespace, object, metricName, metricSelector) {
      const path = object.kind === 'Namespace' && groupOf(object.apiVersion) === ''
        ? `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${seg(namespace)}/metrics/${seg(metricName)}`
        : `/apis/custom.metrics.k8s.io/v1beta2/namespaces/${seg(namespace)}/${seg(pluralOf(object))}/${seg(object.name)}/${seg(metricName)}`;
      const items = await list<CustomMetricValue>(path, { metricLabelSelector: metricSelector || undefined });
      if (items.length !== 1) throw new Error(`expected exactly one metric returned for object, got ${items.length}`);
      return items[0];
    },
    externalMetric: (namespace, metricName, metricSelector) =>
      list<ExternalMetricValue>(`/apis/external.metrics.k8s.io/v1beta1/namespaces/${seg(namespace)}/${seg(metricName)}`,
        { labelSelector: metricSelector || undefined }),
  };
}

function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
}

/** The resource (plural) of a described object, as a REST mapper would find it. */
function pluralOf(ref: CrossVersionObjectReference): string {
  const group = groupOf(ref.apiVersion);
  const found = resourceForGroupKind(group, ref.kind);
  if (!found) throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
  return found.plural;
}

/** An RFC 3339 time in ms; Go's zero time for none, so comparisons behave as kube's. */
export function timeMs(text: string | undefined): number {
  if (!text) return zeroTimeMs;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? zeroTimeMs : ms;
}

/** time.Time{}: 0001-01-01T00:00:00Z. */
export const zeroTimeMs = -62_135_596_800_000;

function windowMs(text: string | undefined): number {
  if (!text) return 0;
  try {
    return parseDuration(text);
  } catch {
    return 0;
  }
}

function milli(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  try {
    return milliValue(parseQuantity(q));
  } catch {
    return undefined;
  }
}

/** kube's getPodMetrics: the sum over a pod's containers; a pod missing the resource in any container is left out. */
export function podMetricsInfo(items: readonly PodMetrics[], resource: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const containers = m.containers ?? [];
    let sum = 0;
    let missing = containers.length === 0;
    for (const c of containers) {
      const v = milli(c.usage?.[resource]);
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += v;
    }
    if (!missing) out.set(m.metadata?.name ?? '', { value: sum, timestampMs: timeMs(m.timestamp), windowMs: windowMs(m.window) });
  }
  return out;
}

/** kube's getContainerMetrics: one container's usage per pod; a pod without that container is an error. */
export function containerMetricsInfo(items: readonly PodMetrics[], resource: string, container: string): PodMetricsInfo | { error: string } {
  const out: PodMetricsInfo = new Map();
  for (const m of items) {
    const c = (m.containers ?? []).find((x) => x.name === container);
    if (!c) return { error: `container ${container} not present in metrics for pod ${m.metadata?.namespace ?? ''}/${m.metadata?.name ?? ''}` };
    const v = milli(c.usage?.[resource]);
    if (v !== undefined) out.set(m.metadata?.name ?? '', { value: v, timestampMs: timeMs(m.timestamp), windowMs: windowMs(m.window) });
  }
  return out;
}

/** The custom metrics API's default window when a value names none (metricServerDefaultMetricWindow). */
const defaultCustomWindowMs = 60_000;

/** What was fetched for one metric of an HPA: what the replica calculation reads, or kube's error message. */
export type MetricSample =
  | { type: 'pods'; metrics: PodMetricsInfo }
  | { type: 'object'; value: number }
  | { type: 'external'; values: number[] }
  | { type: 'error'; error: string };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Fetches what each metric needs, as kube's MetricsClient does (same calls, same error texts); undefined for a
 * metric that needs nothing fetched (its target is incomplete, so the calculation fails before fetching).
 * `metricSelector` turns a metric's label selector into its string form. PodMetrics are listed once per call.
 */
export async function fetchMetricSamples(source: MetricsSource, specs: readonly MetricSpec[], namespace: string,
  selector: string, metricSelector: (spec: MetricSpec) => string): Promise<(MetricSample | undefined)[]> {
  let podMetricsList: Promise<PodMetrics[]> | undefined;
  const resourceMetrics = async (resource: string, container: string): Promise<MetricSample> => {
    let items: PodMetrics[];
    try {
      podMetricsList ??= source.podMetrics(namespace, selector);
      items = await podMetricsList;
    } catch (e) {
      return { type: 'error', error: `unable to fetch metrics from resource metrics API: ${message(e)}` };
    }
    if (items.length === 0) return { type: 'error', error: 'no metrics returned from resource metrics API' };
    if (!container) return { type: 'pods', metrics: podMetricsInfo(items, resource) };
    const res = containerMetricsInfo(items, resource, container);
    return res instanceof Map ? { type: 'pods', metrics: res } : { type: 'error', error: `failed to get container metrics: ${res.error}` };
  };
  const one = async (spec: MetricSpec): Promise<MetricSample | undefined> => {
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const src = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        if (!src || (src.target?.averageValue === undefined && src.target?.averageUtilization === undefined)) return undefined;
        return resourceMetrics(src.name, spec.type === 'ContainerResource' ? spec.containerResource?.container ?? '' : '');
      }
      case 'Pods': {
        if (!spec.pods) return undefined;
        try {
          const values = await source.podsCustomMetric(namespace, spec.pods.metric.name, selector, metricSelector(spec));
          if (values.length === 0) return { type: 'error', error: 'no metrics returned from custom metrics API' };
          const metrics: PodMetricsInfo = new Map();
          for (const v of values) {
            metrics.set(v.describedObject?.name ?? '', {
              value: milli(v.value) ?? 0, timestampMs: timeMs(v.timestamp),
              windowMs: v.windowSeconds !== undefined ? v.windowSeconds * 1000 : defaultCustomWindowMs,
            });
          }
          return { type: 'pods', metrics };
        } catch (e) {
          return { type: 'error', error: `unable to fetch metrics from custom metrics API: ${message(e)}` };
        }
      }
      case 'Object': {
        const o = spec.object;
        if (!o || (o.target?.value === undefined && o.target?.averageValue === undefined)) return undefined;
        try {
          const v = await source.objectCustomMetric(namespace, o.describedObject, o.metric.name, metricSelector(spec));
          return { type: 'object', value: milli(v.value) ?? 0 };
        } catch (e) {
          return { type: 'error', error: `unable to fetch metrics from custom metrics API: ${message(e)}` };
        }
      }
      case 'External': {
        const x = spec.external;
        if (!x || (x.target?.value === undefined && x.target?.averageValue === undefined)) return undefined;
        try {
          const values = await source.externalMetric(namespace, x.metric.name, metricSelector(spec));
          if (values.length === 0) return { type: 'error', error: 'no metrics returned from external metrics API' };
          return { type: 'external', values: values.map((v) => milli(v.value) ?? 0) };
        } catch (e) {
          return { type: 'error', error: `unable to fetch metrics from external metrics API: ${message(e)}` };
        }
      }
      default:
        return undefined;
    }
  };
  return Promise.all(specs.map(one));
}
