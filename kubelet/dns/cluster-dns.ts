// The node-local cluster DNS (as NodeLocal DNSCache, but answering from its own caches, as CoreDNS's kubernetes
// plugin): informers on Services, EndpointSlices, Pods and Namespaces feed records.ts, dns-server.ts serves the answers.
// Any change only marks the zone stale; the next query rebuilds it, so a burst of changes costs one rebuild.
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { EndpointSlice, Namespace, Pod, Service } from '../../apiserver/api/types.ts';
import { SharedInformerFactory, type ApiObject, type Informer, type RestClient } from '../../apiserver/client/index.ts';
import { startDnsServer, type DnsServer, type Upstream } from './dns-server.ts';
import { buildZone, lookup, type Lookup, type PodMode, type Question, type Zone } from './records.ts';

export interface ClusterDnsOptions {
  client: RestClient;
  logger: Logger;
  /** --cluster-dns-bind */
  host: string;
  /** 53 in the kubelet; 0 (any free port) in tests. */
  port?: number;
  /** --cluster-domain */
  domain: string;
  /** --dns-upstream: where names outside the cluster domain go; without it they are REFUSED. */
  upstream?: Upstream;
  ttl?: number;
  podMode?: PodMode;
  /** How long to wait for the caches before serving anyway (CoreDNS waits 5 s). */
  syncTimeoutMs?: number;
  /** The kubelet's informers, shared with the proxy and started by the kubelet; without them DNS runs its own. */
  informers?: SharedInformerFactory;
}

export interface ClusterDns {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** A wildcard bind address is no address to hand out as ns.dns.<domain>. */
const unspecified = new Set(['0.0.0.0', '::']);

/** Starts the informers and the server; resolves once the server listens. */
export async function startClusterDns(o: ClusterDnsOptions): Promise<ClusterDns> {
  const logger = o.logger.child({ component: 'dns' });
  const factory = o.informers ?? new SharedInformerFactory(o.client, { logger });
  const informer = <T extends ApiObject>(plural: string, group = '', version = 'v1'): Informer<T> => factory.informerFor<T>(resourceFor(group, version, plural)!);
  const services = informer<Service>('services');
  const endpointSlices = informer<EndpointSlice>('endpointslices', 'discovery.k8s.io');
  const pods = informer<Pod>('pods');
  const namespaces = informer<Namespace>('namespaces');
  const all = [services, endpointSlices, pods, namespaces] as Informer<ApiObject>[];

  let zone: Zone | undefined;
  const stale = (): void => { zone = undefined; };
  for (const inf of all) inf.addEventHandler({ onAdd: stale, onUpdate: stale, onDelete: stale });
  const synced = (): boolean => all.every((inf) => inf.hasSynced());
  const current = (): Zone => {
    zone ??= buildZone({
      services: services.list(), endpointSlices: endpointSlices.list(), pods: pods.list(),
      namespaces: namespaces.list().map((ns) => ns.metadata?.name ?? ''),
    }, {
      domain: o.domain, ttl: o.ttl, podMode: o.podMode, nameservers: unspecified.has(o.host) ? [] : [o.host],
      serial: Math.floor(Date.now() / 1000),
    });
    return zone;
  };
  const empty = buildZone({ services: [], endpointSlices: [], pods: [] }, { domain: o.domain });
  const resolve = (q: Question): Lookup | undefined => {
    if (synced()) return lookup(current(), q);
    // Before the first full list every cluster name would look missing, and NXDOMAIN is cached; SERVFAIL is
    // retried. Names outside the cluster need no cache.
    const outside = lookup(empty, q);
    return outside.kind === 'outside' ? outside : undefined;
  };

  const stopper = new AbortController();
  if (!o.informers) factory.start(stopper.signal);
  const deadline = AbortSignal.timeout(o.syncTimeoutMs ?? 5000);
  const waited = await Promise.all(all.map((inf) => inf.waitForSync(AbortSignal.any([deadline, stopper.signal]))));
  if (!waited.every(Boolean)) logger.warn('serving cluster DNS before the Service/EndpointSlice/Pod/Namespace caches are filled (cluster names get SERVFAIL until they are)');

  let server: DnsServer;
  try {
    server = await startDnsServer({ host: o.host, port: o.port ?? 53, resolve, upstream: o.upstream, logger });
  } catch (err) {
    stopper.abort();
    if (!o.informers) await factory.shutDown();
    throw err;
  }
  return {
    host: server.host,
    port: server.port,
    close: async () => {
      stopper.abort();
      await Promise.all([server.close(), ...(o.informers ? [] : [factory.shutDown()])]);
    },
  };
}
