// horizontal-pod-autoscaler-controller (kube's pkg/controller/podautoscaler): every sync period (15 s) each
// HorizontalPodAutoscaler reads its target's scale subresource (replicas and the pod selector), the metrics of the
// target's pods, decides the replica count (horizontal-pod-autoscaler-plan.ts) and writes it back through the scale
// subresource, then writes its status. Unlike the other controllers it is driven by the clock, not by pod events:
// kube queues every HPA again one sync period after each sync, and a new or changed HPA one period after the change.
import type { Selector } from '../apiserver/api/labels.ts';
import { resourceFor, resourceForGroupKind, type ResourceInfo } from '../apiserver/api/resources.ts';
import type { HorizontalPodAutoscaler, Pod, Scale } from '../apiserver/api/types.ts';
import {
  EventRecorder, WorkQueue, isNotFound, objectKey, type RateLimiter,
} from '../apiserver/client/index.ts';
import { canonicalJson } from './controller-revision.ts';
import type { Controller, ControllerContext } from './framework/controller.ts';
import { emptyHistory, type AutoscalerHistory } from './horizontal-pod-autoscaler-behavior.ts';
import { apiMetricsSource, fetchMetricSamples, type MetricSample, type MetricsSource } from './horizontal-pod-autoscaler-metrics.ts';
import {
  failedGetScale, finishRescale, metricSelectorString, planAutoscaler, syncBasis, targetReference, type HpaSettings,
  type RecordedEvent,
} from './horizontal-pod-autoscaler-plan.ts';
import { defaultReplicaCalcSettings } from './horizontal-pod-autoscaler-replicas.ts';

const hpaResource = resourceFor('autoscaling', 'v2', 'horizontalpodautoscalers')!;
const podsResource = resourceFor('', 'v1', 'pods')!;

export interface HorizontalPodAutoscalerOptions {
  /** Where metrics come from; the apiserver's metrics APIs by default. */
  metrics?: MetricsSource;
  /** --horizontal-pod-autoscaler-sync-period: how often each HPA is looked at. */
  syncPeriodMs?: number;
  /** --concurrent-horizontal-pod-autoscaler-syncs. */
  workers?: number;
}

/** kube-controller-manager's defaults. */
export const defaultHpaSettings: HpaSettings & { syncPeriodMs: number } = {
  ...defaultReplicaCalcSettings,
  downscaleStabilizationMs: 5 * 60_000,
  syncPeriodMs: 15_000,
};

/** kube's FixedItemIntervalRateLimiter: every key, failed or not, comes back after the sync period. */
function fixedInterval(intervalMs: number): RateLimiter<string> {
  return { when: () => intervalMs, forget: () => undefined, numRequeues: () => 0 };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The resource a scaleTargetRef names, by group and kind as kube's REST mapper finds it; kube's error otherwise. */
function targetResource(hpa: HorizontalPodAutoscaler): { resource: ResourceInfo } | { error: string; spec: boolean } {
  const apiVersion = hpa.spec?.scaleTargetRef.apiVersion ?? '';
  const kind = hpa.spec?.scaleTargetRef.kind ?? '';
  const parts = apiVersion.split('/');
  if (parts.length > 2) return { error: `unexpected GroupVersion string: ${apiVersion}`, spec: true };
  const group = parts.length === 2 ? parts[0] : '';
  const found = resourceForGroupKind(group, kind);
  return found ? { resource: found } : { error: `no matches for kind "${kind}" in group "${group}"`, spec: false };
}

export function newHorizontalPodAutoscalerController(ctx: ControllerContext, opts: HorizontalPodAutoscalerOptions = {}): Controller {
  const name = 'horizontal-pod-autoscaler-controller';
  const settings: HpaSettings & { syncPeriodMs: number } = { ...defaultHpaSettings, syncPeriodMs: opts.syncPeriodMs ?? defaultHpaSettings.syncPeriodMs };
  const queue = new WorkQueue<string>({ rateLimiter: fixedInterval(settings.syncPeriodMs) });
  const recorder = new EventRecorder(ctx.client, { component: 'horizontal-pod-autoscaler' }, { logger: ctx.logger });
  const logger = ctx.logger.child({ controller: name });
  const metrics = opts.metrics ?? apiMetricsSource(ctx.client);
  const hpas = ctx.informers.informerFor<HorizontalPodAutoscaler>(hpaResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource);
  // Kept in memory, as kube keeps them: recent recommendations and scale events (for stabilization and rate
  // limits), and what each HPA's target selects (to refuse two HPAs scaling the same pods).
  const histories = new Map<string, AutoscalerHistory>();
  const selectors = new Map<string, Selector | 'nothing'>();

  const enqueue = (hpa: HorizontalPodAutoscaler): void => {
    const key = objectKey(hpa);
    // kube delays even the first look by a sync period: an HPA is a control loop on the clock, not on events.
    queue.addRateLimited(key);
    if (!selectors.has(key)) selectors.set(key, 'nothing');
  };
  hpas.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, hpa) => enqueue(hpa),
    onDelete: (hpa) => {
      const key = objectKey(hpa);
      queue.forget(key);
      selectors.delete(key);
    },
  });

  const emit = (hpa: HorizontalPodAutoscaler, events: readonly RecordedEvent[]): void => {
    for (const e of events) recorder.event(hpa, e.type, e.reason, e.message);
  };

  /** kube's updateStatusIfNeeded. */
  async function writeStatus(hpa: HorizontalPodAutoscaler, status: HorizontalPodAutoscaler['status']): Promise<void> {
    if (canonicalJson(status ?? {}) === canonicalJson(hpa.status ?? {})) return;
    try {
      await ctx.client.updateStatus<HorizontalPodAutoscaler>(hpaResource, hpa.metadata?.namespace, { ...hpa, status });
    } catch (err) {
      if (isNotFound(err)) return;
      recorder.event(hpa, 'Warning', 'FailedUpdateStatus', message(err));
      throw new Error(`failed to update status for ${hpa.metadata?.name ?? ''}: ${message(err)}`);
    }
  }

  /** One sync of one HPA; answers whether it is gone (then it is not queued again). */
  async function sync(key: string): Promise<boolean> {
    const hpa = hpas.get(key);
    if (!hpa) {
      histories.delete(key);
      return true;
    }
    const namespace = hpa.metadata?.namespace ?? '';
    const reference = targetReference(hpa);
    const target = targetResource(hpa);
    let scale: Scale;
    let resource: ResourceInfo;
    try {
      if ('error' in target) throw new Error(target.error);
      resource = target.resource;
      scale = await ctx.client.getSubresource<Scale>(resource, namespace, hpa.spec?.scaleTargetRef.name ?? '', 'scale');
    } catch (err) {
      const failed = failedGetScale(hpa, message(err), ctx.clock());
      emit(hpa, failed.events);
      try {
        await writeStatus(hpa, failed.status);
      } catch (statusErr) {
        logger.error({ hpa: key, err: message(statusErr) }, 'could not update the status');
      }
      if ('error' in target) {
        throw new Error(target.spec
          ? `invalid API version in scale target reference: ${target.error}`
          : `unable to determine resource for scale target reference: ${target.error}`);
      }
      throw new Error(`failed to query scale subresource for ${reference}: ${message(err)}`);
    }

    const view = { specReplicas: scale.spec?.replicas ?? 0, statusReplicas: scale.status?.replicas ?? 0, selector: scale.status?.selector ?? '' };
    const basis = syncBasis(hpa, view);
    // Metrics are fetched only when they decide, for a selector that parses (the plan reports one that does not).
    const samples: (MetricSample | undefined)[] = basis.by === 'metrics' && basis.target.ok
      ? await fetchMetricSamples(metrics, hpa.spec?.metrics ?? [], namespace, basis.target.text, metricSelectorString)
      : [];
    let plan = planAutoscaler({
      hpa, key, scale: view, namespacePods: pods.byIndex('namespace', namespace), hpaSelectors: selectors, samples,
      history: histories.get(key) ?? emptyHistory(), nowMs: ctx.clock(), settings, basis,
    });
    if (plan.selector && selectors.has(key)) selectors.set(key, plan.selector);
    if (plan.rescale) {
      const { from, replicas, reason } = plan.rescale;
      let writeError: string | undefined;
      try {
        await ctx.client.updateSubresource(resource, namespace, hpa.spec?.scaleTargetRef.name ?? '', 'scale',
          { ...scale, spec: { ...scale.spec, replicas } });
        logger.info({ hpa: key, currentReplicas: from, desiredReplicas: replicas, reason }, 'successfully rescaled');
      } catch (err) {
        writeError = message(err);
      }
      plan = finishRescale(hpa, plan, writeError, ctx.clock());
    }
    histories.set(key, plan.history);
    emit(hpa, plan.events);
    await writeStatus(hpa, plan.status);
    if (plan.error) throw new Error(plan.error);
    return false;
  }

  async function reconcile(key: string): Promise<void> {
    let gone = false;
    try {
      gone = await sync(key);
    } finally {
      // Looked at again one sync period from now, whatever happened (kube's processNextWorkItem).
      if (!gone) queue.addRateLimited(key);
    }
  }

  return { name, queue, workers: opts.workers ?? 5, reconcile };
}
