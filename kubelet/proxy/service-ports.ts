// The proxy's view of the cluster: one entry per Service port that needs rules, with the endpoints to send it to,
// computed from Services and their EndpointSlices the way kube-proxy's ServicePort map and endpoint-slice cache are.
import { endpointReady, endpointServing, endpointTerminating } from '../../apiserver/api/endpoint-slices.ts';
import type { EndpointSlice, Service } from '../../apiserver/api/types.ts';

export interface ServicePortInfo {
  /** `namespace/name:portName` (`namespace/name` for an unnamed port), as kube-proxy names a service port. */
  id: string;
  clusterIP: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  nodePort?: number;
  /** ClientIP affinity timeout in seconds, when sessionAffinity is ClientIP. */
  affinitySeconds?: number;
  endpoints: { ip: string; port: number }[];
}

/** kube's default sessionAffinityConfig.clientIP.timeoutSeconds: three hours. */
export const defaultAffinitySeconds = 10800;

interface Candidate {
  ip: string;
  port: number;
  ready: boolean;
  servingTerminating: boolean;
}

/** A Service port's endpoints across its slices, each address:port once (slices overlap while being rewritten). */
function candidatesFor(slices: EndpointSlice[], portName: string, protocol: string): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const slice of slices) {
    // The proxy writes IPv4 rules; FQDN slices (mirrored by hand) are not addresses at all.
    if (slice.addressType !== 'IPv4') continue;
    const match = (slice.ports ?? []).find((sp) => (sp.name ?? '') === portName && (sp.protocol ?? 'TCP') === protocol);
    if (!match?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      // kube-proxy uses an endpoint's first address; the API allows one.
      const ip = ep.addresses?.[0];
      if (!ip) continue;
      const key = `${ip}:${match.port}`;
      if (seen.has(key)) continue;
      seen.set(key, { ip, port: match.port, ready: endpointReady(ep), servingTerminating: endpointServing(ep) && endpointTerminating(ep) });
    }
  }
  return [...seen.values()];
}

/**
 * Ready endpoints; when there are none, the ones still serving while they terminate, so that connections keep
 * landing somewhere during a rollout's last moments (kube-proxy's ProxyTerminatingEndpoints).
 */
function usableEndpoints(candidates: Candidate[]): { ip: string; port: number }[] {
  const ready = candidates.filter((c) => c.ready);
  const chosen = ready.length > 0 ? ready : candidates.filter((c) => c.servingTerminating);
  return chosen.map(({ ip, port }) => ({ ip, port })).sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
}

export function servicePortsFor(svc: Service, slices: EndpointSlice[]): ServicePortInfo[] {
  const spec = svc.spec;
  const clusterIP = spec?.clusterIP;
  if (!spec || spec.type === 'ExternalName' || !clusterIP || clusterIP === 'None') return [];
  const hasNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const affinitySeconds = spec.sessionAffinity === 'ClientIP'
    ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? defaultAffinitySeconds
    : undefined;
  const ns = svc.metadata?.namespace ?? '';
  const name = svc.metadata?.name ?? '';
  return (spec.ports ?? []).map((p) => {
    const portName = p.name ?? '';
    const protocol = p.protocol ?? 'TCP';
    return {
      id: portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`,
      clusterIP, port: p.port, protocol: protocol as ServicePortInfo['protocol'],
      ...(hasNodePorts && p.nodePort ? { nodePort: p.nodePort } : {}),
      ...(affinitySeconds !== undefined ? { affinitySeconds } : {}),
      endpoints: usableEndpoints(candidatesFor(slices, portName, protocol)),
    };
  });
}
