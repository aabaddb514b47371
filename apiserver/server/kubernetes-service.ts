// The `kubernetes` Service in `default`, its Endpoints and its EndpointSlice: how pods reach the apiserver
// (kube-apiserver's "kubernetes-service" bootstrap controller and endpoint reconciler). Created at startup, and put
// back whenever someone deletes or changes them: the Service keeps the first address of the service range (held for
// it by the allocator) and port https 443 -> the secure port; the Endpoints and the EndpointSlice list this
// apiserver's advertise address. As kube's EndpointsAdapter, the apiserver writes the slice itself (named like the
// Service, with no managed-by label and no owner) and marks the Endpoints skip-mirror so no controller copies them.
import type { Logger } from 'pino';
import type { EndpointSubset, ServicePort } from 'kubernetes-types/core/v1.d.ts';
import { serviceNameLabel } from '../api/endpoint-slices.ts';
import { ApiError } from '../api/errors.ts';
import { resourceFor, type ResourceInfo } from '../api/resources.ts';
import type { EndpointSlice, Endpoints, KubeObject, Service } from '../api/types.ts';
import { semanticEqual } from '../api/validation/common.ts';
import { nonSpecialIPErrors } from '../api/validation/endpoints.ts';
import { objectKey } from '../registry/keys.ts';
import type { Registry } from '../registry/registry.ts';
import { kubernetesService } from '../registry/service/service-allocator.ts';

export interface KubernetesServiceOptions {
  registry: Registry;
  /** The first address of --service-cluster-ip-range. */
  clusterIP: string;
  /** --advertise-address: an IP pods can reach this apiserver at. */
  advertiseAddress: string;
  securePort: number;
  logger: Logger;
  /** How long to wait before trying again after a failed write. Default 10 s (kube's endpoint interval). */
  retryMs?: number;
}

const { namespace, name } = kubernetesService;
const services = resourceFor('', 'v1', 'services')!;
const endpoints = resourceFor('', 'v1', 'endpoints')!;
const endpointSlices = resourceFor('discovery.k8s.io', 'v1', 'endpointslices')!;

function desiredPorts(securePort: number): ServicePort[] {
  return [{ name: 'https', protocol: 'TCP', port: 443, targetPort: securePort }];
}

function desiredSubsets(o: KubernetesServiceOptions): EndpointSubset[] {
  return [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: 'https', port: o.securePort, protocol: 'TCP' }] }];
}

/** Creates the Service, or puts its type and ports back (as kube does: other fields are the admin's business). */
export async function ensureKubernetesService(o: KubernetesServiceOptions): Promise<void> {
  const current = await o.registry.find(services, namespace, name);
  if (!current) {
    const service: Service = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name, namespace, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP', clusterIP: o.clusterIP, clusterIPs: [o.clusterIP], ports: desiredPorts(o.securePort),
        sessionAffinity: 'None', ipFamilyPolicy: 'SingleStack',
      },
    };
    await createIgnoringExists(o.registry, services, service as KubeObject);
    return;
  }
  const spec = (current as Service).spec;
  const ports = (spec?.ports ?? []).map((p) => ({ name: p.name, protocol: p.protocol, port: p.port, targetPort: p.targetPort }));
  if (spec?.type === 'ClusterIP' && semanticEqual(ports, desiredPorts(o.securePort))) return;
  await o.registry.updateWith(services, namespace, name, undefined, {}, (latest) => {
    const next = structuredClone(latest) as Service;
    next.spec = { ...next.spec, type: 'ClusterIP', ports: desiredPorts(o.securePort) };
    return next as KubeObject;
  });
}

/** Creates the Endpoints, or sets them to exactly this apiserver's address (there is one apiserver). */
export async function ensureKubernetesEndpoints(o: KubernetesServiceOptions): Promise<void> {
  const subsets = desiredSubsets(o);
  const labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
  const current = await o.registry.find(endpoints, namespace, name);
  if (!current) {
    const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels }, subsets };
    await createIgnoringExists(o.registry, endpoints, ep as KubeObject);
    return;
  }
  if (semanticEqual((current as Endpoints).subsets, subsets)) return;
  await o.registry.updateWith(endpoints, namespace, name, undefined, {}, (latest) => {
    const next = structuredClone(latest) as Endpoints;
    next.metadata = { ...next.metadata, labels: { ...next.metadata?.labels, ...labels } };
    next.subsets = subsets;
    return next as KubeObject;
  });
}

/** The slice kube's EndpointsAdapter derives from the Endpoints: the same address and port, ready. */
function desiredSlice(o: KubernetesServiceOptions): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { [serviceNameLabel]: name } },
    addressType: o.advertiseAddress.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [o.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: o.securePort, protocol: 'TCP' }],
  };
}

/**
 * Creates the EndpointSlice, or puts its endpoints, ports and labels back. The address type cannot change in place,
 * so a slice of the other family is deleted and created again.
 */
async function ensureKubernetesEndpointSlice(o: KubernetesServiceOptions): Promise<void> {
  const desired = desiredSlice(o);
  const current = await o.registry.find(endpointSlices, namespace, name) as unknown as EndpointSlice | undefined;
  if (current && current.addressType !== desired.addressType) {
    try {
      await o.registry.delete(endpointSlices, namespace, name, { preconditions: { uid: current.metadata?.uid } });
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 404)) throw e;
    }
  } else if (current) {
    if (semanticEqual(current.endpoints, desired.endpoints) && semanticEqual(current.ports, desired.ports)
      && semanticEqual(current.metadata?.labels, desired.metadata?.labels)) return;
    await o.registry.updateWith(endpointSlices, namespace, name, undefined, {}, (latest) => {
      const next = structuredClone(latest) as unknown as EndpointSlice;
      next.metadata = { ...next.metadata, labels: desired.metadata?.labels };
      next.endpoints = desired.endpoints;
      next.ports = desired.ports;
      return next as unknown as KubeObject;
    });
    return;
  }
  await createIgnoringExists(o.registry, endpointSlices, desired as unknown as KubeObject);
}

/**
 * Ensures all three now, then again after every change to any (a watch on the store, so a deleted Service is back at
 * once). A failed write is retried after `retryMs`. Returns a function that stops it.
 */
export async function keepKubernetesService(o: KubernetesServiceOptions): Promise<() => void> {
  const store = o.registry.store;
  const keys = new Set([services, endpoints, endpointSlices].map((ri) => objectKey(ri, namespace, name)));
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  const stopWatches = new Map<string, () => void>();

  // As in kube, a loopback (or other special) --advertise-address can't be published: Endpoints validation refuses
  // it. The Service stays, without endpoints; say so once rather than on every pass.
  const unpublishable = nonSpecialIPErrors(o.advertiseAddress, 'subsets[0].addresses[0].ip');
  if (unpublishable.length > 0) {
    o.logger.warn({ advertiseAddress: o.advertiseAddress, reason: unpublishable.map((e) => e.detail).join('; ') },
      'the kubernetes Service gets no endpoints: the advertise address cannot be published');
  }

  const ensureAll = async (): Promise<void> => {
    try {
      await ensureKubernetesService(o);
      if (unpublishable.length === 0) {
        await ensureKubernetesEndpoints(o);
        await ensureKubernetesEndpointSlice(o);
      }
    } catch (err) {
      o.logger.warn({ err: errorText(err) }, 'unable to sync kubernetes service');
      scheduleRetry();
    }
  };
  // One pass at a time; a change seen during a pass runs one more pass after it.
  const trigger = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = ensureAll().finally(() => {
      running = undefined;
      if (again) {
        again = false;
        trigger();
      }
    });
  };
  const scheduleRetry = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      trigger();
    }, o.retryMs ?? 10_000);
    retry.unref();
  };
  // A key is a prefix of longer names too (kubernetes-dashboard), hence the exact match.
  const watch = (key: string): void => {
    stopWatches.set(key, store.watch(key, store.currentRevision(), (e) => {
      if (e.key === key) trigger();
    }, () => {
      // The watch ended (too slow, store closing): look again, and watch again unless we are stopping.
      if (stopped) return;
      trigger();
      watch(key);
    }));
  };

  // Watch first, so no change between the first pass and the watch is missed.
  for (const key of keys) watch(key);
  trigger();
  await running;
  return () => {
    stopped = true;
    for (const stop of stopWatches.values()) stop();
    if (retry) clearTimeout(retry);
  };
}

async function createIgnoringExists(registry: Registry, ri: ResourceInfo, obj: KubeObject): Promise<void> {
  try {
    await registry.create(ri, namespace, obj);
  } catch (e) {
    // Created meanwhile by a client: the next pass checks its contents.
    if (!(e instanceof ApiError && e.reason === 'AlreadyExists')) throw e;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
