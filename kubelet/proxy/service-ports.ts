// The proxy's view of the cluster: one entry per Service port that needs rules, with the ready endpoints for it,
// computed from Services and Endpoints the way kube-proxy's ServicePort and endpoints maps are.
import type { Endpoints, Service } from '../../apiserver/api/types.ts';

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

export function servicePortsFor(svc: Service, ep: Endpoints | undefined): ServicePortInfo[] {
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
    const endpoints: { ip: string; port: number }[] = [];
    for (const subset of ep?.subsets ?? []) {
      // Endpoints name their ports after the Service's; an unnamed single port matches the unnamed one.
      const match = (subset.ports ?? []).find((sp) => (sp.name ?? '') === portName && (sp.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (!match) continue;
      for (const a of subset.addresses ?? []) endpoints.push({ ip: a.ip, port: match.port });
    }
    endpoints.sort((a, b) => a.ip.localeCompare(b.ip) || a.port - b.port);
    return {
      id: portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`,
      clusterIP, port: p.port, protocol: (p.protocol ?? 'TCP') as ServicePortInfo['protocol'],
      ...(hasNodePorts && p.nodePort ? { nodePort: p.nodePort } : {}),
      ...(affinitySeconds !== undefined ? { affinitySeconds } : {}),
      endpoints,
    };
  });
}
