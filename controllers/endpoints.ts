// endpoints-controller (kube's pkg/controller/endpoint): keeps, for every Service with a selector, an Endpoints of
// the same name listing the selected pods' addresses, ready and not ready, on the ports the Service targets. The
// key is the Service's; Service, pod and Endpoints events all lead back to it, and the sync looks at the world again.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Endpoints, Pod, Service } from '../apiserver/api/types.ts';
import {
  isAlreadyExists, isConflict, isNamespaceTerminating, isNotFound, objectKey,
} from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { TriggerTimeTracker } from './endpoints-trigger-time.ts';
import { isManagedEndpoints, planEndpoints } from './endpoints-plan.ts';
import { serviceSelects, servesEndpoints } from './service-endpoints.ts';
import { serviceQueueingPodHandlers } from './service-pod-events.ts';
import { skipConflicts } from './workload-pods.ts';

const servicesResource = resourceFor('', 'v1', 'services')!;
const podsResource = resourceFor('', 'v1', 'pods')!;
const endpointsResource = resourceFor('', 'v1', 'endpoints')!;

export function newEndpointsController(ctx: ControllerContext): Controller {
  const name = 'endpoints-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  const services = ctx.informers.informerFor<Service>(servicesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource);
  const endpoints = ctx.informers.informerFor<Endpoints>(endpointsResource);
  const triggerTimes = new TriggerTimeTracker();

  services.addEventHandler({
    onAdd: (s) => queue.add(objectKey(s)),
    onUpdate: (_old, s) => queue.add(objectKey(s)),
    onDelete: (s) => queue.add(objectKey(s)),
  });

  pods.addEventHandler(serviceQueueingPodHandlers(services, queue));

  // Someone else's change to an Endpoints (or its deletion) is put right by syncing its Service. Endpoints listed
  // at start-up also come through here, so those left behind by Services deleted while we were down are found
  // (kube's checkLeftoverEndpoints). Our own writes come back too and sync to nothing.
  endpoints.addEventHandler({
    onAdd: (ep) => queue.add(objectKey(ep)),
    onUpdate: (old, ep) => {
      if (old.metadata?.resourceVersion !== ep.metadata?.resourceVersion) queue.add(objectKey(ep));
    },
    onDelete: (ep) => queue.add(objectKey(ep)),
  });

  async function deleteOrphan(key: string): Promise<void> {
    triggerTimes.forget(key);
    const ep = endpoints.get(key);
    // Endpoints a user wrote for a Service without selector are theirs to remove.
    if (!ep || !isManagedEndpoints(ep)) return;
    try {
      await ctx.client.delete(endpointsResource, ep.metadata?.namespace, ep.metadata?.name ?? '',
        { preconditions: { uid: ep.metadata?.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function sync(key: string): Promise<void> {
    const svc = services.get(key);
    if (!svc) return deleteOrphan(key);
    // Without a selector (or as an ExternalName) the Endpoints, if any, are written by someone else.
    if (!servesEndpoints(svc)) return;
    const selected = pods.byIndex('namespace', svc.metadata?.namespace ?? '').filter((p) => serviceSelects(svc, p));
    // Computed on every sync, written or not, so the next change is measured from what this sync saw.
    const triggerTime = triggerTimes.compute(key, svc, selected);
    const plan = planEndpoints(svc, selected, endpoints.get(key), triggerTime);
    if (plan.kind === 'none') return;
    const namespace = svc.metadata?.namespace;
    try {
      if (plan.kind === 'create') await ctx.client.create(endpointsResource, namespace, plan.endpoints);
      else await ctx.client.update(endpointsResource, namespace, plan.endpoints);
    } catch (err) {
      // The cache is behind our own last write (or someone else's): its watch event queues the key again.
      if (isConflict(err) || isAlreadyExists(err)) return;
      // Nothing can be created in a namespace being deleted; the Service goes with it.
      if (plan.kind === 'create' && isNamespaceTerminating(err)) return;
      const reason = plan.kind === 'create' ? 'FailedToCreateEndpoint' : 'FailedToUpdateEndpoint';
      const what = plan.kind === 'create' ? `create endpoint for service ${key}` : `update endpoint ${key}`;
      recorder.event(plan.endpoints, 'Warning', reason, `Failed to ${what}: ${(err as Error).message}`);
      throw err;
    }
    logger.debug({ service: key, op: plan.kind }, 'wrote endpoints');
  }

  return { name, queue, workers: 5, reconcile: skipConflicts(sync, isConflict) };
}
