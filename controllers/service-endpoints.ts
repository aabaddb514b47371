// What the endpoints and EndpointSlice controllers both decide about a Service and its pods (kube's
// pkg/controller/util/endpoint and k8s.io/endpointslice/util): which Services publish pods at all, which pods a
// Service selects and publishes, on which port a named target port lands, and which pod changes matter.
import { matchesSelector, selectorFromMap } from '../apiserver/api/labels.ts';
import type { Pod, Service, ServicePort } from '../apiserver/api/types.ts';
import { canonicalJson } from './controller-revision.ts';
import { isPodTerminal, podCondition } from './workload-pods.ts';

/** Set on the Endpoints and EndpointSlices of a Service without a cluster IP. */
export const headlessServiceLabel = 'service.kubernetes.io/headless';

/**
 * Whether the Service has a selector. Stored selectors go through protobuf in kube, where an empty map and no map
 * are the same thing. Services with one have their slices from endpointslice-controller, not from mirroring.
 */
export function hasSelector(svc: Service): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** Services with a selector get their endpoints from the controllers; others (and ExternalName) are the user's. */
export function servesEndpoints(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName' && hasSelector(svc);
}

export function serviceSelects(svc: Service, pod: Pod): boolean {
  if (!servesEndpoints(svc) || pod.metadata?.namespace !== svc.metadata?.namespace) return false;
  return matchesSelector(selectorFromMap(svc.spec?.selector), pod.metadata?.labels);
}

/** Only the Ready condition counts here (podutil.IsPodReady), not the phase. */
export function isPodReadyConditionTrue(pod: Pod): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/**
 * ShouldPodBeInEndpoints: finished pods and pods without an IP never; pods being deleted only when asked for (the
 * Endpoints of a Service that publishes not-ready addresses, and every EndpointSlice, which marks them terminating).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs?.length ?? 0) === 0) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** A Service with a virtual IP, as opposed to a headless one. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

/** StatefulSet pods answer to <hostname>.<service> when the Service is their subdomain (ShouldSetHostname). */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return Boolean(pod.spec?.hostname) && pod.spec?.subdomain === svc.metadata?.name
    && pod.metadata?.namespace === svc.metadata?.namespace;
}

/**
 * FindPort: a numeric targetPort is used as it is (unset means the service port); a name is looked up among the
 * ports of the pod's containers, then its sidecars (restartable init containers), with the same protocol.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol || 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol || 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/**
 * What about a pod its Service's endpoints show (podEndpointsChanged): membership (labels, hostname, subdomain) and
 * the address itself (IPs, readiness, deletion, phase, node). Other pod updates do not re-queue any Service.
 */
export function podEndpointsChanged(old: Pod, cur: Pod): { podChanged: boolean; labelsChanged: boolean } {
  const membership = (p: Pod): string => canonicalJson([p.metadata?.labels ?? {}, p.spec?.hostname ?? '', p.spec?.subdomain ?? '']);
  const address = (p: Pod): string => canonicalJson([
    p.metadata?.deletionTimestamp ?? '', isPodReadyConditionTrue(p), isPodTerminal(p), p.status?.podIP ?? '',
    (p.status?.podIPs ?? []).map((i) => i.ip), p.spec?.nodeName ?? '',
  ]);
  return { podChanged: address(old) !== address(cur), labelsChanged: membership(old) !== membership(cur) };
}
