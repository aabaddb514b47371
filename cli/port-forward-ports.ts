// port-forward's arguments, as kubectl reads them: `[LOCAL_PORT:]REMOTE_PORT` (`:REMOTE` for a random local port),
// a named container port for a pod, a service port (by number or name) mapped to its target port in the chosen pod,
// and `--address` (localhost means both 127.0.0.1 and ::1). Pure functions with kubectl's error texts
// (kubectl's cmd/portforward and util/service_port.go, client-go's tools/portforward parsePorts/parseAddresses).
import net from 'node:net';
import { parseUint16 } from '../apiserver/api/go-format.ts';
import type { Pod, Service } from '../apiserver/api/types.ts';

/** A local:remote pairing; local 0 asks for a free port. */
export interface ForwardedPort {
  local: number;
  remote: number;
}

/** `[LOCAL:]REMOTE` split as kubectl's splitPort does: anything but one colon counts as the first part for both. */
export function splitPort(port: string): { local: string; remote: string } {
  const parts = port.split(':');
  if (parts.length === 2) return { local: parts[0], remote: parts[1] };
  return { local: parts[0], remote: parts[0] };
}

/** Go's strconv.Atoi succeeding: an optional sign and decimal digits. */
function isAtoi(s: string): boolean {
  return /^[+-]?[0-9]+$/.test(s);
}

function containerPortByName(pod: Pod, name: string): number {
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === name) return p.containerPort;
  }
  throw new Error(`Pod '${pod.metadata?.name ?? ''}' does not have a named port '${name}'`);
}

function servicePortByName(svc: Service, name: string): number {
  for (const p of svc.spec?.ports ?? []) if (p.name === name) return p.port;
  throw new Error(`Service '${svc.metadata?.name ?? ''}' does not have a named port '${name}'`);
}

/** kubectl's LookupContainerPortNumberByServicePort: the pod port a service port sends to. */
export function containerPortForServicePort(svc: Service, pod: Pod, port: number): number {
  // A headless service has no port mapping: its clients reach the pods' ports directly.
  if (svc.spec?.clusterIP === 'None') return port;
  for (const p of svc.spec?.ports ?? []) {
    if (p.port !== port) continue;
    if (p.targetPort === undefined || typeof p.targetPort === 'number') return p.targetPort || p.port;
    return containerPortByName(pod, p.targetPort);
  }
  throw new Error(`Service ${svc.metadata?.name ?? ''} does not have a service port ${port}`);
}

/** A pair written back as kubectl does: `LOCAL:REMOTE`, or the port alone when both are the same text. */
function join(local: string, remote: string): string {
  return local !== remote ? `${local}:${remote}` : remote;
}

/** kubectl's convertPodNamedPortToNumber: a named remote port becomes the pod's container port number. */
export function podPorts(specs: readonly string[], pod: Pod): string[] {
  return specs.map((spec) => {
    const { local, remote } = splitPort(spec);
    if (remote === '') throw new Error('remote port cannot be empty');
    const number = isAtoi(remote) ? remote : String(containerPortByName(pod, remote));
    // Compared before the name is resolved: `http` alone forwards the container port from the same local number.
    return local !== remote ? `${local}:${number}` : number;
  });
}

/** kubectl's translateServicePortToTargetPort: a service port (number or name) becomes the target port in `pod`. */
export function servicePorts(specs: readonly string[], svc: Service, pod: Pod): string[] {
  return specs.map((spec) => {
    let { local } = splitPort(spec);
    const { remote } = splitPort(spec);
    let port: number;
    if (isAtoi(remote)) port = Number.parseInt(remote, 10);
    else {
      port = servicePortByName(svc, remote);
      if (local === remote) local = String(port);
    }
    return join(local, String(containerPortForServicePort(svc, pod, port)));
  });
}

function udpOnly(ports: { port: number; protocol?: string }[]): Set<number> {
  const udp = new Set(ports.filter((p) => p.protocol === 'UDP').map((p) => p.port));
  for (const p of ports) if (p.protocol === 'TCP') udp.delete(p.port);
  return udp;
}

/** kubectl's checkUDPPortInService / checkUDPPortInPod: port-forward carries TCP only. */
export function checkUdpPorts(specs: readonly string[], target: { service: Service } | { pod: Pod }): void {
  // A port with no protocol counts as neither, as in kubectl (the server defaults it to TCP anyway).
  const udp = 'service' in target
    ? udpOnly((target.service.spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol })))
    : udpOnly((target.pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol })));
  for (const spec of specs) {
    const { remote } = splitPort(spec);
    let port: number;
    if (isAtoi(remote)) port = Number.parseInt(remote, 10);
    else port = 'service' in target ? servicePortByName(target.service, remote) : containerPortByName(target.pod, remote);
    if (udp.has(port)) throw new Error(`UDP protocol is not supported for ${remote}`);
  }
}

/** Go's strconv.ParseUint(s, 10, 16) error (the input as JSON), or the number. */
const parsePort = (s: string): number | string => parseUint16(s, (t) => JSON.stringify(t));

/** client-go's parsePorts: `5000`, `8888:5000`, `:5000` and `0:5000` (a free local port). */
export function parsePorts(specs: readonly string[]): ForwardedPort[] {
  if (specs.length === 0) throw new Error('you must specify at least 1 port');
  return specs.map((spec) => {
    const parts = spec.split(':');
    if (parts.length > 2) throw new Error(`invalid port format '${spec}'`);
    const localText = parts.length === 1 ? parts[0] : parts[0] || '0';
    const remoteText = parts.length === 1 ? parts[0] : parts[1];
    const local = parsePort(localText);
    if (typeof local === 'string') throw new Error(`error parsing local port '${localText}': ${local}`);
    const remote = parsePort(remoteText);
    if (typeof remote === 'string') throw new Error(`error parsing remote port '${remoteText}': ${remote}`);
    if (remote === 0) throw new Error('remote port must be > 0');
    return { local, remote };
  });
}

export interface ListenAddress {
  address: string;
  family: 4 | 6;
  /**
   * 'all': one of a group (localhost's two) may fail as long as another binds; 'any': an explicitly named address
   * must bind.
   */
  failureMode: 'all' | 'any';
}

/** client-go's parseAddresses: `localhost` is 127.0.0.1 and ::1; others must be IPs; sorted, without repeats. */
export function parseAddresses(addresses: readonly string[]): ListenAddress[] {
  if (addresses.length === 0) throw new Error('you must specify at least 1 address');
  const parsed = new Map<string, ListenAddress>();
  for (const address of addresses) {
    if (address === 'localhost') {
      if (!parsed.has('127.0.0.1')) parsed.set('127.0.0.1', { address: '127.0.0.1', family: 4, failureMode: 'all' });
      if (!parsed.has('::1')) parsed.set('::1', { address: '::1', family: 6, failureMode: 'all' });
    } else if (net.isIPv4(address)) {
      parsed.set(address, { address, family: 4, failureMode: 'any' });
    } else if (net.isIPv6(address)) {
      parsed.set(address, { address, family: 6, failureMode: 'any' });
    } else {
      throw new Error(`${address} is not a valid IP`);
    }
  }
  return [...parsed.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

