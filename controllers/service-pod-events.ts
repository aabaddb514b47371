// Pod events as the endpoints and EndpointSlice controllers see them (kube's GetPodServiceMemberships and
// GetServicesToUpdateOnPodChange): a pod change queues the Services whose selector takes the pod, and only when
// something those Services publish about it changed.
import type { Pod, Service } from '../apiserver/api/types.ts';
import { objectKey, type EventHandlers, type Informer, type WorkQueue } from '../apiserver/client/index.ts';
import { podEndpointsChanged, serviceSelects } from './service-endpoints.ts';

export function serviceQueueingPodHandlers(services: Informer<Service>, queue: WorkQueue<string>): EventHandlers<Pod> {
  /** Every Service in the pod's namespace whose selector takes it. */
  const enqueueServicesOf = (pod: Pod): void => {
    for (const svc of services.byIndex('namespace', pod.metadata?.namespace ?? '')) {
      if (serviceSelects(svc, pod)) queue.add(objectKey(svc));
    }
  };
  return {
    onAdd: enqueueServicesOf,
    onUpdate: (old, pod) => {
      // A periodic resync delivers the same version: nothing changed.
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      const { podChanged, labelsChanged } = podEndpointsChanged(old, pod);
      if (!podChanged && !labelsChanged) return;
      // A pod whose labels moved may have left Services as well as joined some.
      if (labelsChanged) enqueueServicesOf(old);
      enqueueServicesOf(pod);
    },
    onDelete: enqueueServicesOf,
  };
}
