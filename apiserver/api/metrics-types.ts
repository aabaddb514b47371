// The resource metrics API (metrics.k8s.io/v1beta1), as k8s.io/metrics defines it and metrics-server serves it:
// what `kubectl top` and the HPA read. `kubernetes-types` has no package for this group, so the shapes are
// written out here, field names as in k8s.io/metrics/pkg/apis/metrics/v1beta1/types.go.
import type { ObjectMeta } from './types.ts';

export const metricsGroup = 'metrics.k8s.io';
export const metricsVersion = 'v1beta1';
export const metricsGroupVersion = `${metricsGroup}/${metricsVersion}`;

/**
 * How often the kubelet samples its node and containers (cAdvisor's housekeeping interval is 10 s too), so the
 * interval usageNanoCores is measured over: the window metrics.k8s.io reports. A summary does not carry it, so the
 * kubelet's sampler (kubelet/server/stats-summary.ts) and the apiserver's conversion (apiserver/metrics/convert.ts)
 * both read it from here.
 */
export const kubeletSamplingIntervalMs = 10_000;

/**
 * A ResourceList of quantities as text: cpu in cores (`12345678n`, `250m`), memory in bytes (`67760Ki`).
 * metrics-server (and Skiff) always send both; readers should not count on other names.
 */
export type ResourceUsage = Record<string, string>;

export interface NodeMetrics {
  /** Set on a single object; items of a list carry neither, as metrics-server sends them. */
  kind?: 'NodeMetrics';
  apiVersion?: typeof metricsGroupVersion;
  metadata: ObjectMeta;
  /** The end of the interval the usage was measured over (RFC 3339, seconds). */
  timestamp: string;
  /** That interval's length, as a Go duration (`10s`). */
  window: string;
  usage: ResourceUsage;
}

export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

export interface PodMetrics {
  kind?: 'PodMetrics';
  apiVersion?: typeof metricsGroupVersion;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}

export interface MetricsList<T> {
  kind: 'NodeMetricsList' | 'PodMetricsList';
  apiVersion: typeof metricsGroupVersion;
  metadata: Record<string, never>;
  items: T[];
}
