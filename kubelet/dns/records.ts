// The cluster DNS zone, computed from Services, EndpointSlices, Pods and Namespaces the way CoreDNS's kubernetes plugin
// answers (https://github.com/kubernetes/dns/blob/master/docs/specification.md). Pure: buildZone indexes the objects
// once per change, lookup answers one question from that index. The sockets live in dns-server.ts.
//
// Names served under <domain> (cluster.local):
//   <svc>.<ns>.svc                    A/AAAA: the ClusterIP(s); headless: the ready endpoint addresses.
//                                     ExternalName: CNAME to spec.externalName.
//   <ep>.<svc>.<ns>.svc               A/AAAA of one endpoint; <ep> is its hostname, or its address with dashes.
//   _<port>._<proto>.<svc>.<ns>.svc   SRV for a named port (and A/AAAA, as CoreDNS); SRV on <svc>.<ns>.svc lists
//                                     every port. Targets' addresses go in the additional section.
//   <a-b-c-d>.<ns>.pod                A/AAAA of that address (CoreDNS `pods insecure`; `verified` checks a pod has it).
//   dns-version                       TXT: the schema version.   ns.dns: this server's addresses.
// and PTR in in-addr.arpa / ip6.arpa for ClusterIPs, endpoint addresses and pod IPs.
import { SocketAddress, isIP } from 'node:net';
import type { Answer } from 'dns-packet';
import { endpointReady, slicesByService } from '../../apiserver/api/endpoint-slices.ts';
import type { EndpointSlice, Pod, Service } from '../../apiserver/api/types.ts';

/** CoreDNS's `pods` option: insecure answers any well-formed address, verified only a pod's, disabled none. */
export type PodMode = 'insecure' | 'verified' | 'disabled';

export interface ClusterObjects {
  services: Service[];
  endpointSlices: EndpointSlice[];
  pods: Pod[];
  /** The namespaces that exist. Without it, a namespace exists when some Service, EndpointSlice or Pod is in it. */
  namespaces?: string[];
}

export interface ZoneOptions {
  /** The cluster domain, e.g. cluster.local. */
  domain: string;
  /** TTL of every answer; CoreDNS's kubernetes plugin defaults to 5 s (kubeadm's Corefile sets 30). */
  ttl?: number;
  podMode?: PodMode;
  /** This server's own addresses, for NS at the apex and ns.dns.<domain>. */
  nameservers?: string[];
  /** The SOA serial; CoreDNS uses the time of the last change, in seconds. Default 0. */
  serial?: number;
}

export interface Question {
  name: string;
  /** A record type name as dns-packet decodes it (A, SRV, ...; UNKNOWN_<n> for types it does not know). */
  type: string;
}

export type Lookup =
  /** Not in the cluster domain (nor a reverse name we know): forwarded upstream, or REFUSED. */
  | { kind: 'outside' }
  | {
    kind: 'answer';
    rcode: 'NOERROR' | 'NXDOMAIN';
    answers: Answer[];
    authorities: Answer[];
    additionals: Answer[];
    /** The answer ends in a CNAME out of the zone (ExternalName): its addresses can be asked upstream. */
    external?: string;
  };

export const defaultTTL = 5;
/** The Kubernetes DNS specification's schema version, served as TXT at dns-version.<domain>. */
export const dnsSchemaVersion = '1.1.0';
const versionTTL = 28800;
/** CoreDNS follows at most this many CNAMEs inside the zone. */
const maxCnameChain = 8;

interface PortInfo {
  name: string;
  protocol: string;
  port: number;
}

interface EndpointInfo {
  /** The first label of the endpoint's own name: its hostname, or the address with dashes. */
  label: string;
  ip: string;
  ports: PortInfo[];
}

interface ServiceInfo {
  name: string;
  namespace: string;
  /** <svc>.<ns>.svc.<domain> */
  fqdn: string;
  kind: 'clusterIP' | 'headless' | 'externalName';
  clusterIPs: string[];
  ports: PortInfo[];
  externalName: string;
  /** Ready addresses only, as CoreDNS (notReadyAddresses are never published). */
  endpoints: EndpointInfo[];
}

export interface Zone {
  domain: string;
  ttl: number;
  podMode: PodMode;
  nameservers: string[];
  serial: number;
  namespaces: Set<string>;
  /** By `<svc>.<ns>`. */
  services: Map<string, ServiceInfo>;
  /** Pod IPs by namespace, for `pods verified`. */
  podIPs: Map<string, Set<string>>;
  /** PTR targets by canonical IP. */
  reverse: Map<string, string[]>;
}

/** One spelling per address, so 2001:db8::1 and 2001:DB8:0::1 meet in the reverse map. */
export function canonicalIP(ip: string): string {
  const family = isIP(ip);
  if (family === 4) return ip;
  if (family === 6) return new SocketAddress({ address: ip, family: 'ipv6' }).address;
  return '';
}

/** CoreDNS's endpointHostname: the hostname, else the address with its dots (or colons) turned into dashes. */
export function endpointLabel(hostname: string | undefined, ip: string): string {
  if (hostname) return hostname.toLowerCase();
  return ip.includes('.') ? ip.replaceAll('.', '-') : ip.replaceAll(':', '-');
}

function trimDot(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

export function buildZone(objects: ClusterObjects, options: ZoneOptions): Zone {
  const domain = trimDot(options.domain).toLowerCase();
  const zone: Zone = {
    domain,
    ttl: options.ttl ?? defaultTTL,
    podMode: options.podMode ?? 'insecure',
    nameservers: (options.nameservers ?? []).filter((ip) => isIP(ip) !== 0),
    serial: options.serial ?? 0,
    namespaces: new Set(objects.namespaces ?? []),
    services: new Map(),
    podIPs: new Map(),
    reverse: new Map(),
  };
  const inferNamespaces = objects.namespaces === undefined;
  if (inferNamespaces) for (const slice of objects.endpointSlices) zone.namespaces.add(slice.metadata?.namespace ?? '');
  const slices = slicesByService(objects.endpointSlices);
  for (const svc of objects.services) {
    const info = serviceInfo(svc, slices.get(`${svc.metadata?.namespace}/${svc.metadata?.name}`) ?? [], domain);
    zone.services.set(`${info.name}.${info.namespace}`, info);
    if (inferNamespaces) zone.namespaces.add(info.namespace);
  }
  for (const pod of objects.pods) {
    const ns = pod.metadata?.namespace ?? '';
    if (inferNamespaces) zone.namespaces.add(ns);
    // A host-network pod has the node's address, which is not the pod's name to give away.
    if (pod.spec?.hostNetwork) continue;
    const ips = (pod.status?.podIPs ?? []).map((p) => p.ip ?? '').concat(pod.status?.podIP ?? '');
    for (const ip of ips.map(canonicalIP).filter(Boolean)) {
      let set = zone.podIPs.get(ns);
      if (!set) zone.podIPs.set(ns, set = new Set());
      set.add(ip);
    }
  }
  indexReverse(zone);
  return zone;
}

function serviceInfo(svc: Service, slices: EndpointSlice[], domain: string): ServiceInfo {
  const spec = svc.spec ?? {};
  const name = (svc.metadata?.name ?? '').toLowerCase();
  const namespace = (svc.metadata?.namespace ?? '').toLowerCase();
  const kind = spec.type === 'ExternalName' ? 'externalName' : spec.clusterIP === 'None' ? 'headless' : 'clusterIP';
  const clusterIPs = kind === 'clusterIP'
    ? (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).map(canonicalIP).filter(Boolean)
    : [];
  const endpoints: EndpointInfo[] = [];
  // An endpoint moving between slices is briefly in both: it is named once.
  const seen = new Set<string>();
  for (const slice of slices) {
    if (slice.addressType !== 'IPv4' && slice.addressType !== 'IPv6') continue;
    const ports = (slice.ports ?? []).filter((p) => p.port)
      .map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port! }));
    const portsKey = JSON.stringify(ports);
    // As CoreDNS: only ready endpoints have names (publishNotReadyAddresses makes the controller call all ready).
    for (const ep of slice.endpoints ?? []) {
      if (!endpointReady(ep)) continue;
      for (const a of ep.addresses ?? []) {
        const ip = canonicalIP(a);
        if (!ip || seen.has(`${ip} ${portsKey}`)) continue;
        seen.add(`${ip} ${portsKey}`);
        endpoints.push({ label: endpointLabel(ep.hostname, ip), ip, ports });
      }
    }
  }
  return {
    name, namespace, fqdn: `${name}.${namespace}.svc.${domain}`, kind, clusterIPs,
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
    externalName: trimDot(spec.externalName ?? '').toLowerCase(),
    endpoints,
  };
}

/** ClusterIPs name their Service; other addresses their endpoint names, or failing that their pod name. */
function indexReverse(zone: Zone): void {
  const add = (ip: string, name: string): void => {
    const names = zone.reverse.get(ip);
    if (!names) zone.reverse.set(ip, [name]);
    else if (!names.includes(name)) names.push(name);
  };
  const services = [...zone.services.values()].sort((a, b) => a.fqdn.localeCompare(b.fqdn));
  for (const s of services) for (const ip of s.clusterIPs) if (!zone.reverse.has(ip)) add(ip, s.fqdn);
  const clusterIPs = new Set(zone.reverse.keys());
  for (const s of services) {
    for (const e of s.endpoints) if (!clusterIPs.has(e.ip)) add(e.ip, `${e.label}.${s.fqdn}`);
  }
  if (zone.podMode === 'disabled') return;
  for (const [ns, ips] of zone.podIPs) {
    for (const ip of ips) if (!zone.reverse.has(ip)) add(ip, `${endpointLabel(undefined, ip)}.${ns}.pod.${zone.domain}`);
  }
}

/** The address in a reverse name (4.3.2.1.in-addr.arpa, or 32 nibbles in ip6.arpa), or '' if it is not one. */
export function addressFromReverse(name: string): string {
  const lower = trimDot(name).toLowerCase();
  if (lower.endsWith('.in-addr.arpa')) {
    const parts = lower.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256)) return '';
    return parts.reverse().join('.');
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return '';
    const hex = nibbles.reverse().join('');
    return canonicalIP(hex.match(/.{4}/g)!.join(':'));
  }
  return '';
}

export function lookup(zone: Zone, question: Question): Lookup {
  const name = trimDot(question.name);
  const lower = name.toLowerCase();
  if (lower.endsWith('.arpa')) return reverseLookup(zone, name, question.type);
  if (lower !== zone.domain && !lower.endsWith(`.${zone.domain}`)) return { kind: 'outside' };
  const relative = lower === zone.domain ? [] : lower.slice(0, -(zone.domain.length + 1)).split('.');
  return zoneLookup(zone, name, relative, question.type, []);
}

function reverseLookup(zone: Zone, name: string, type: string): Lookup {
  const ip = addressFromReverse(name);
  const targets = ip ? zone.reverse.get(ip) : undefined;
  // Addresses we do not know fall through to the upstream, as CoreDNS's `fallthrough in-addr.arpa ip6.arpa`.
  if (!targets || type !== 'PTR') return { kind: 'outside' };
  return answer(targets.map((t) => ({ name, type: 'PTR', ttl: zone.ttl, class: 'IN', data: t })));
}

function answer(answers: Answer[], additionals: Answer[] = [], external?: string): Lookup {
  return { kind: 'answer', rcode: 'NOERROR', answers, authorities: [], additionals, ...(external ? { external } : {}) };
}

export function soaRecord(zone: Zone): Answer {
  return {
    name: zone.domain, type: 'SOA', ttl: Math.min(zone.ttl, 300), class: 'IN',
    data: {
      mname: `ns.dns.${zone.domain}`, rname: `hostmaster.${zone.domain}`, serial: zone.serial,
      refresh: 7200, retry: 1800, expire: 86400, minimum: zone.ttl,
    },
  };
}

/** The name exists, but not with this type: NOERROR, no answers, the SOA for negative caching. */
function noData(zone: Zone): Lookup {
  return { kind: 'answer', rcode: 'NOERROR', answers: [], authorities: [soaRecord(zone)], additionals: [] };
}

function nxDomain(zone: Zone): Lookup {
  return { kind: 'answer', rcode: 'NXDOMAIN', answers: [], authorities: [soaRecord(zone)], additionals: [] };
}

function address(zone: Zone, name: string, ip: string): Answer {
  return { name, type: isIP(ip) === 6 ? 'AAAA' : 'A', ttl: zone.ttl, class: 'IN', data: ip };
}

function wantsAddress(type: string, ip: string): boolean {
  return (type === 'A' && isIP(ip) === 4) || (type === 'AAAA' && isIP(ip) === 6);
}

/** `relative`: the lower-case labels left of the domain; `name`: the question's spelling, used as the owner. */
function zoneLookup(zone: Zone, name: string, relative: string[], type: string, chain: string[]): Lookup {
  const n = relative.length;
  if (n === 0) return apexLookup(zone, name, type);
  const joined = relative.join('.');
  if (joined === 'dns-version') {
    return type === 'TXT' ? answer([{ name, type: 'TXT', ttl: versionTTL, class: 'IN', data: dnsSchemaVersion }]) : noData(zone);
  }
  if (joined === 'ns.dns' && zone.nameservers.length > 0) {
    const ips = zone.nameservers.filter((ip) => wantsAddress(type, ip));
    return ips.length ? answer(ips.map((ip) => address(zone, name, ip))) : noData(zone);
  }
  const podOrSvc = relative[n - 1];
  if (podOrSvc !== 'svc' && podOrSvc !== 'pod') return nxDomain(zone);
  if (n === 1) return noData(zone);
  const namespace = relative[n - 2];
  if (!zone.namespaces.has(namespace)) return nxDomain(zone);
  if (n === 2) return noData(zone);
  if (podOrSvc === 'pod') return podLookup(zone, name, relative, type);
  return serviceLookup(zone, name, relative, type, chain);
}

function apexLookup(zone: Zone, name: string, type: string): Lookup {
  if (type === 'SOA') return answer([{ ...soaRecord(zone), name }]);
  if (type === 'NS' && zone.nameservers.length > 0) {
    const ns = `ns.dns.${zone.domain}`;
    return answer([{ name, type: 'NS', ttl: zone.ttl, class: 'IN', data: ns }], zone.nameservers.map((ip) => address(zone, ns, ip)));
  }
  return noData(zone);
}

function podLookup(zone: Zone, name: string, relative: string[], type: string): Lookup {
  // <a-b-c-d>.<ns>.pod and nothing longer.
  if (zone.podMode === 'disabled' || relative.length !== 3) return nxDomain(zone);
  const label = relative[0];
  // 1-2-3-4 is IPv4; anything else with dashes is IPv6 with its colons dashed (CoreDNS's findPods).
  const dashes = label.split('-').length - 1;
  const ip = canonicalIP(dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':'));
  if (!ip) return nxDomain(zone);
  if (zone.podMode === 'verified' && !zone.podIPs.get(relative[1])?.has(ip)) return nxDomain(zone);
  return wantsAddress(type, ip) ? answer([address(zone, name, ip)]) : noData(zone);
}

interface Target {
  /** An address, or (ExternalName) a name for a CNAME. */
  host: string;
  /** The SRV target: the Service's name, or the endpoint's. */
  target: string;
  port?: number;
}

function matchPort(want: string | undefined, have: string): boolean {
  return want === undefined || want === have.toLowerCase();
}

/** What the name points at (CoreDNS's findServices); undefined when the name does not exist. */
function serviceTargets(svc: ServiceInfo, endpoint: string | undefined, port: string | undefined, protocol: string | undefined): Target[] | undefined {
  if (svc.kind === 'externalName') {
    // An ExternalName Service has no endpoints, so it has no endpoint names either.
    if (endpoint !== undefined || !svc.externalName || isIP(svc.externalName) !== 0) return undefined;
    return [{ host: svc.externalName, target: svc.externalName }];
  }
  const out: Target[] = [];
  if (svc.kind === 'headless' || endpoint !== undefined) {
    for (const e of svc.endpoints) {
      if (endpoint !== undefined && e.label !== endpoint) continue;
      const target = `${e.label}.${svc.fqdn}`;
      // A headless Service may publish addresses without ports: they still have A records, but no SRV.
      if (e.ports.length === 0 && port === undefined && protocol === undefined) out.push({ host: e.ip, target });
      for (const p of e.ports) {
        if (matchPort(port, p.name) && matchPort(protocol, p.protocol)) out.push({ host: e.ip, target, port: p.port });
      }
    }
  } else {
    for (const p of svc.ports) {
      if (!(matchPort(port, p.name) && matchPort(protocol, p.protocol))) continue;
      for (const ip of svc.clusterIPs) out.push({ host: ip, target: svc.fqdn, port: p.port });
    }
  }
  // Nothing matched (a headless Service without ready endpoints, an unknown port): CoreDNS says NXDOMAIN.
  return out.length > 0 ? out : undefined;
}

function serviceLookup(zone: Zone, name: string, relative: string[], type: string, chain: string[]): Lookup {
  const n = relative.length;
  if (n > 5) return nxDomain(zone);
  const svc = zone.services.get(`${relative[n - 3]}.${relative[n - 2]}`);
  if (!svc) return nxDomain(zone);
  const strip = (label: string): string => (label.startsWith('_') ? label.slice(1) : label);
  const endpoint = n === 4 ? relative[0] : undefined;
  const port = n === 5 ? strip(relative[0]) : undefined;
  const protocol = n === 5 ? strip(relative[1]) : undefined;
  const targets = serviceTargets(svc, endpoint, port, protocol);
  if (!targets) return nxDomain(zone);

  if (svc.kind === 'externalName') {
    const cname: Answer = { name, type: 'CNAME', ttl: zone.ttl, class: 'IN', data: targets[0].host };
    if (type === 'CNAME') return answer([cname]);
    if (type !== 'A' && type !== 'AAAA') return noData(zone);
    return followCname(zone, cname, targets[0].host, type, chain);
  }
  if (type === 'A' || type === 'AAAA') {
    const ips = [...new Set(targets.map((t) => t.host))].filter((ip) => wantsAddress(type, ip));
    return ips.length ? answer(ips.map((ip) => address(zone, name, ip))) : noData(zone);
  }
  if (type === 'SRV') return srvAnswer(zone, name, targets);
  return noData(zone);
}

/** The CNAME, and when its target is in the zone the target's own answer (CoreDNS resolves in-zone chains). */
function followCname(zone: Zone, cname: Answer, target: string, type: string, chain: string[]): Lookup {
  const inZone = target === zone.domain || target.endsWith(`.${zone.domain}`);
  if (!inZone) return answer([cname], [], target);
  if (chain.includes(target) || chain.length >= maxCnameChain) return answer([cname]);
  const relative = target === zone.domain ? [] : target.slice(0, -(zone.domain.length + 1)).split('.');
  const next = zoneLookup(zone, target, relative, type, [...chain, cname.name.toLowerCase()]);
  if (next.kind !== 'answer' || next.rcode !== 'NOERROR') return answer([cname]);
  return { ...next, answers: [cname, ...next.answers], authorities: [] };
}

/**
 * One SRV per (target, port), weights splitting 100 evenly as CoreDNS does, each target's address once in the
 * additional section so the client needs no second query.
 */
function srvAnswer(zone: Zone, name: string, targets: Target[]): Lookup {
  const withPorts = targets.filter((t) => t.port !== undefined);
  if (withPorts.length === 0) return noData(zone);
  const weight = Math.max(1, Math.floor(100 / withPorts.length));
  const answers: Answer[] = [];
  const additionals: Answer[] = [];
  const seenSrv = new Set<string>();
  const seenAddr = new Set<string>();
  for (const t of withPorts) {
    const srvKey = `${t.target} ${t.port}`;
    if (!seenSrv.has(srvKey)) {
      seenSrv.add(srvKey);
      answers.push({ name, type: 'SRV', ttl: zone.ttl, class: 'IN', data: { priority: 0, weight, port: t.port!, target: t.target } });
    }
    const addrKey = `${t.target} ${t.host}`;
    if (!seenAddr.has(addrKey)) {
      seenAddr.add(addrKey);
      additionals.push(address(zone, t.target, t.host));
    }
  }
  return answer(answers, additionals);
}
