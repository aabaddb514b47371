// endpointslicemirroring-controller (kube's pkg/controller/endpointslicemirroring): Endpoints written by hand for a
// Service without a selector are mirrored into EndpointSlices, so readers of slices (kubectl describe, CoreDNS,
// ingress controllers) see those backends too. The key is the Endpoints' (the Service's) name; the slices go when
// the Endpoints or the Service go, when the Service gains a selector, or when the Endpoints are marked skip-mirror.
import { sliceServiceKey } from '../apiserver/api/endpoint-slices.ts';
import { resourceFor } from '../apiserver/api/resources.ts';
import type { EndpointSlice, Endpoints, Service } from '../apiserver/api/types.ts';
import { EventRecorder, isConflict, objectKey } from '../apiserver/client/index.ts';
import {
  byServiceIndex, endpointSlicesResource, managedByLabel, sliceControllerQueue, sliceLabel, sliceServiceIndex,
  staleCacheRetryMs,
} from './endpointslice-common.ts';
import {
  defaultMaxEndpointsPerSubset, mirroringControllerName, planMirroredSlices, shouldMirror,
} from './endpointslice-mirroring-plan.ts';
import { applySliceChanges, EndpointSliceTracker, sliceEventHandler } from './endpointslice-tracker.ts';
import type { Controller, ControllerContext } from './framework/controller.ts';
import { hasSelector } from './service-endpoints.ts';

const servicesResource = resourceFor('', 'v1', 'services')!;
const endpointsResource = resourceFor('', 'v1', 'endpoints')!;

export interface EndpointSliceMirroringOptions {
  /** --mirroring-max-endpoints-per-subset. */
  maxEndpointsPerSubset?: number;
}

export function newEndpointSliceMirroringController(ctx: ControllerContext, opts: EndpointSliceMirroringOptions = {}): Controller {
  const name = 'endpointslicemirroring-controller';
  const queue = sliceControllerQueue();
  const logger = ctx.logger.child({ controller: name });
  const recorder = new EventRecorder(ctx.client, { component: 'endpoint-slice-mirroring-controller' }, { logger: ctx.logger });
  const services = ctx.informers.informerFor<Service>(servicesResource);
  const endpoints = ctx.informers.informerFor<Endpoints>(endpointsResource);
  const slices = ctx.informers.informerFor<EndpointSlice>(endpointSlicesResource, { indexers: { [byServiceIndex]: sliceServiceIndex } });
  const tracker = new EndpointSliceTracker();
  const maxEndpointsPerSubset = opts.maxEndpointsPerSubset ?? defaultMaxEndpointsPerSubset;

  // Only Services without a selector have mirrored Endpoints; one gaining or losing its selector changes that.
  services.addEventHandler({
    onAdd: (s) => {
      if (!hasSelector(s)) queue.add(objectKey(s));
    },
    onUpdate: (old, s) => {
      if (hasSelector(old) !== hasSelector(s)) queue.add(objectKey(s));
    },
    onDelete: (s) => {
      if (!hasSelector(s)) queue.add(objectKey(s));
    },
  });
  endpoints.addEventHandler({
    onAdd: (ep) => {
      if (shouldMirror(ep)) queue.add(objectKey(ep));
    },
    onUpdate: (old, ep) => {
      if (shouldMirror(old) || shouldMirror(ep)) queue.add(objectKey(ep));
    },
    onDelete: (ep) => {
      if (shouldMirror(ep)) queue.add(objectKey(ep));
    },
  });
  const managed = (slice: EndpointSlice): boolean => sliceLabel(slice, managedByLabel) === mirroringControllerName;
  const queueFor = (slice: EndpointSlice): void => {
    const key = sliceServiceKey(slice);
    if (key) queue.add(key);
  };
  slices.addEventHandler(sliceEventHandler(tracker, managed, queueFor));

  const mirroredFor = (key: string): EndpointSlice[] => slices.byIndex(byServiceIndex, key).filter(managed);

  /** deleteMirroredSlices: the Endpoints are gone or no longer mirrored. */
  async function deleteMirrored(key: string, namespace: string): Promise<void> {
    tracker.deleteService(key);
    await applySliceChanges(ctx.client, tracker, namespace, { create: [], update: [], delete: mirroredFor(key) }, `Endpoints ${key}`);
  }

  async function sync(key: string): Promise<void> {
    const namespace = key.slice(0, key.indexOf('/'));
    const ep = endpoints.get(key);
    const svc = services.get(key);
    if (!ep || !shouldMirror(ep) || !svc || hasSelector(svc)) return deleteMirrored(key, namespace);
    const existing = mirroredFor(key);
    if (tracker.staleSlices(key, existing)) {
      queue.addAfter(key, staleCacheRetryMs);
      return;
    }
    const plan = planMirroredSlices(ep, existing, maxEndpointsPerSubset);
    if (plan.invalidAddresses > 0) {
      recorder.event(ep, 'Warning', 'InvalidIPAddress',
        `Skipped ${plan.invalidAddresses} invalid IP addresses when mirroring to EndpointSlices`);
    }
    if (plan.skippedAddresses > plan.invalidAddresses) {
      recorder.event(ep, 'Warning', 'TooManyAddressesToMirror',
        `A max of ${maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${plan.skippedAddresses} addresses were skipped`);
    }
    try {
      if (!await applySliceChanges(ctx.client, tracker, namespace, plan, `Endpoints ${key}`)) return;
    } catch (err) {
      // Changed since the cache saw it: look again once the cache has the change.
      if (!isConflict(err)) throw err;
      queue.addAfter(key, staleCacheRetryMs);
      return;
    }
    if (plan.create.length + plan.update.length + plan.delete.length > 0) {
      logger.debug({ endpoints: key, create: plan.create.length, update: plan.update.length, delete: plan.delete.length }, 'mirrored endpoints');
    }
  }

  return { name, queue, workers: 5, reconcile: sync };
}
