// The pause container's settings for a pod: hostname, DNS, published host ports, namespaces and labels. Pure.
import type { Pod } from '../../apiserver/api/types.ts';
import { sandboxLabels, sandboxName } from '../runtime/naming.ts';
import { sandboxResources } from '../runtime/resources.ts';
import type { PortMapping, SandboxConfig } from '../runtime/runtime.ts';
import { podDnsConfig, type ClusterDnsSettings } from './dns.ts';

export interface SandboxSettings {
  nodeName: string;
  pauseImage: string;
  /** The Docker network pods attach to. */
  network: string;
  dns: ClusterDnsSettings;
}

export function podRef(pod: Pod): { name: string; namespace: string; uid: string } {
  return { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? 'default', uid: pod.metadata?.uid ?? '' };
}

/** The pod's hostname: spec.hostname, else the pod name cut to 63 characters (kube's GeneratePodHostNameAndDomain). */
export function podHostname(pod: Pod): string {
  const name = pod.spec?.hostname || (pod.metadata?.name ?? '');
  return name.length > 63 ? name.slice(0, 63).replace(/[-.]+$/, '') : name;
}

export function hostPortMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({
        containerPort: p.containerPort, hostPort: p.hostPort,
        protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'],
        ...(p.hostIP ? { hostIP: p.hostIP } : {}),
      });
    }
  }
  return out;
}

export function sandboxConfig(pod: Pod, attempt: number, settings: SandboxSettings): SandboxConfig {
  const spec = pod.spec ?? { containers: [] };
  const ref = podRef(pod);
  const subdomain = spec.subdomain;
  const sysctls = Object.fromEntries((spec.securityContext?.sysctls ?? []).map((s) => [s.name, s.value]));
  return {
    name: sandboxName(ref, attempt),
    image: settings.pauseImage,
    hostname: podHostname(pod),
    ...(subdomain ? { domainname: `${subdomain}.${ref.namespace}.svc.${settings.dns.clusterDomain}` } : {}),
    dns: podDnsConfig(pod, settings.dns),
    portMappings: hostPortMappings(pod),
    network: spec.hostNetwork ? { mode: 'host' } : { mode: 'network', network: settings.network },
    hostIpc: spec.hostIPC ?? false,
    hostPid: spec.hostPID ?? false,
    extraHosts: (spec.hostAliases ?? []).map((a) => ({ ip: a.ip ?? '', hostnames: a.hostnames ?? [] })),
    ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}),
    resources: sandboxResources(),
    labels: sandboxLabels({ pod: ref, attempt, nodeName: settings.nodeName, terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds }),
  };
}
