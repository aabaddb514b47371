// The Docker-link style variables a container gets for the Services that exist when it starts (kubelet's
// getServiceEnvVarMap): those of its namespace when spec.enableServiceLinks is not false, and always the
// `kubernetes` Service of the default namespace.
import type { Pod, Service } from '../../apiserver/api/types.ts';

export interface EnvVarPair {
  name: string;
  value: string;
}

export function serviceLinkEnv(pod: Pod, services: Service[]): EnvVarPair[] {
  const namespace = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const chosen = new Map<string, Service>();
  for (const svc of services) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const ns = svc.metadata?.namespace;
    const name = svc.metadata?.name ?? '';
    if (ns === 'default' && name === 'kubernetes') chosen.set(name, svc);
    // A Service of the pod's own namespace wins over the default namespace's `kubernetes`.
    else if (links && ns === namespace) chosen.set(name, svc);
  }
  return [...chosen.values()]
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))
    .flatMap(serviceVars);
}

const envName = (s: string): string => s.toUpperCase().replaceAll('-', '_');

function serviceVars(svc: Service): EnvVarPair[] {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return [];
  const prefix = envName(svc.metadata?.name ?? '');
  const ip = svc.spec?.clusterIP ?? '';
  const first = ports[0];
  const vars: EnvVarPair[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(first.port) },
  ];
  for (const p of ports) if (p.name) vars.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  const url = (p: typeof first): string => `${(p.protocol ?? 'TCP').toLowerCase()}://${ip}:${p.port}`;
  vars.push({ name: `${prefix}_PORT`, value: url(first) });
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP';
    const base = `${prefix}_PORT_${p.port}_${protocol}`;
    vars.push(
      { name: base, value: url(p) },
      { name: `${base}_PROTO`, value: protocol.toLowerCase() },
      { name: `${base}_PORT`, value: String(p.port) },
      { name: `${base}_ADDR`, value: ip },
    );
  }
  return vars;
}
