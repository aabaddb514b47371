// endpointslice-controller (kube's pkg/controller/endpointslice): keeps, for every Service with a selector, the
// EndpointSlices listing the selected pods, owned by the Service so the garbage collector removes them with it. The
// key is the Service's; Service, pod and slice events all lead back to it, and the sync looks at the world again.
// A tracker of the slices it wrote keeps it from planning on a cache that has not caught up with its own writes.
import { sliceServiceKey } from '../apiserver/api/endpoint-slices.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { EndpointSlice, Node, Pod, Service } from '../apiserver/api/types.ts';
import { EventRecorder, isConflict, objectKey } from '../apiserver/client/index.ts';
import {
  byServiceIndex, endpointSlicesResource, managedByLabel, sliceControllerQueue, sliceLabel, sliceServiceIndex,
  staleCacheRetryMs,
} from './endpointslice-common.ts';
import { controllerName, defaultMaxEndpointsPerSlice, planEndpointSlices } from './endpointslice-plan.ts';
import { applySliceChanges, EndpointSliceTracker, sliceEventHandler } from './endpointslice-tracker.ts';
import { TriggerTimeTracker } from './endpoints-trigger-time.ts';
import type { Controller, ControllerContext } from './framework/controller.ts';
import { serviceSelects, servesEndpoints } from './service-endpoints.ts';
import { serviceQueueingPodHandlers } from './service-pod-events.ts';

const servicesResource = resourceFor('', 'v1', 'services')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const nodesResource = resourceFor('', 'v1', 'nodes')!;

/** endpointSliceChangeMinSyncDelay: someone else's slice change is answered after a second, batching a burst. */
const sliceChangeDelayMs = 1000;

export interface EndpointSliceControllerOptions {
  /** --max-endpoints-per-slice. */
  maxEndpointsPerSlice?: number;
}

export function newEndpointSliceController(ctx: ControllerContext, opts: EndpointSliceControllerOptions = {}): Controller {
  const name = 'endpointslice-controller';
  const queue = sliceControllerQueue();
  const logger = ctx.logger.child({ controller: name });
  // kube's events come from "endpoint-slice-controller".
  const recorder = new EventRecorder(ctx.client, { component: 'endpoint-slice-controller' }, { logger: ctx.logger });
  const services = ctx.informers.informerFor<Service>(servicesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource);
  const nodes = ctx.informers.informerFor<Node>(nodesResource);
  const slices = ctx.informers.informerFor<EndpointSlice>(endpointSlicesResource, { indexers: { [byServiceIndex]: sliceServiceIndex } });
  const tracker = new EndpointSliceTracker();
  const triggerTimes = new TriggerTimeTracker();
  const maxEndpointsPerSlice = opts.maxEndpointsPerSlice ?? defaultMaxEndpointsPerSlice;

  services.addEventHandler({
    onAdd: (s) => queue.add(objectKey(s)),
    onUpdate: (_old, s) => queue.add(objectKey(s)),
    onDelete: (s) => queue.add(objectKey(s)),
  });
  pods.addEventHandler(serviceQueueingPodHandlers(services, queue));

  const managed = (slice: EndpointSlice): boolean => sliceLabel(slice, managedByLabel) === controllerName;
  const queueFor = (slice: EndpointSlice): void => {
    const key = sliceServiceKey(slice);
    if (key) queue.addAfter(key, sliceChangeDelayMs);
  };
  // Our own writes come back here and are recognised by the tracker; anything else puts the Service's slices right.
  slices.addEventHandler(sliceEventHandler(tracker, managed, queueFor));

  async function sync(key: string): Promise<void> {
    const svc = services.get(key);
    if (!svc) {
      // The garbage collector removes the slices with their owner.
      triggerTimes.forget(key);
      tracker.deleteService(key);
      return;
    }
    // ExternalName Services and Services without a selector get no slices from this controller: theirs are
    // written by hand (and mirrored from hand-written Endpoints by endpointslicemirroring-controller).
    if (!servesEndpoints(svc)) return;
    const namespace = svc.metadata?.namespace ?? '';
    const selected = pods.byIndex('namespace', namespace).filter((p) => serviceSelects(svc, p));
    const existing = slices.byIndex(byServiceIndex, key).filter((s) => managed(s) && !s.metadata?.deletionTimestamp);
    if (tracker.staleSlices(key, existing)) {
      queue.addAfter(key, staleCacheRetryMs);
      return;
    }
    // Computed on every sync, written or not, so the next change is measured from what this sync saw.
    const triggerTimeMs = triggerTimes.compute(key, svc, selected);
    const plan = planEndpointSlices({
      service: svc, pods: selected, existing, node: (n) => nodes.get(n), maxEndpointsPerSlice, triggerTimeMs,
    });
    try {
      await applySliceChanges(ctx.client, tracker, namespace, plan, `Service ${key}`);
    } catch (err) {
      // A slice changed since the cache saw it: look again once the cache has the change.
      if (isConflict(err)) {
        queue.addAfter(key, staleCacheRetryMs);
        return;
      }
      recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices',
        `Error updating Endpoint Slices for Service ${key}: ${(err as Error).message}`);
      throw err;
    }
    if (plan.create.length + plan.update.length + plan.delete.length > 0) {
      logger.debug({ service: key, create: plan.create.length, update: plan.update.length, delete: plan.delete.length }, 'wrote endpoint slices');
    }
    if (plan.skipped.length > 0) {
      const message = plan.skipped.map((s) => `skipping Pod ${s.pod} for Service ${key}: Node ${s.node} Not Found`).join('; ');
      recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${message}`);
      // Retried with back-off until the node shows up or the pod goes.
      throw new Error(message);
    }
  }

  return { name, queue, workers: 5, reconcile: sync };
}
