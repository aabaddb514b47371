// Service fields the apiserver reconciles on create and update, as Kubernetes' service strategy does: the
// legacy clusterIP and the dual-stack clusterIPs are kept in step, and fields that only make sense for the old
// type are dropped when the type changes (unless the user changed them in the same request).
import type { ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import type { Service } from '../../api/types.ts';
import { semanticEqual } from '../../api/validation/common.ts';

/** On create, a client that sets only clusterIP (older clients) gets clusterIPs filled in. */
export function normalizeClusterIPsOnCreate(service: Service): void {
  const spec = service.spec;
  if (spec?.clusterIP && (spec.clusterIPs?.length ?? 0) === 0) spec.clusterIPs = [spec.clusterIP];
}

/** On update, tell "the client did not send clusterIPs" apart from "the client changed the cluster IP". */
export function normalizeClusterIPsOnUpdate(service: Service, old: Service): void {
  const spec = service.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  const oldIPs = oldSpec.clusterIPs ?? [];
  // Same clusterIP, no clusterIPs: an old client patching something else.
  if (oldIPs.length > 0 && (spec.clusterIPs?.length ?? 0) === 0 && (spec.clusterIP ?? '') === (oldSpec.clusterIP ?? '')) {
    spec.clusterIPs = [...oldIPs];
  }
  if ((spec.clusterIP ?? '') !== (oldSpec.clusterIP ?? '') && semanticEqual(spec.clusterIPs, oldSpec.clusterIPs)) {
    // clusterIP changed (or was cleared) while clusterIPs was passed back untouched: follow clusterIP.
    spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : undefined;
    if (!spec.clusterIPs) delete spec.clusterIPs;
  }
}

function usesNodePorts(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

function needsHealthCheckNodePort(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

/**
 * kube's patchAllocatedValues: a client that sends the manifest it created the Service from again (no clusterIP, no
 * nodePorts) keeps what the apiserver allocated instead of asking to change it. Runs before normalizeClusterIPsOnUpdate.
 */
export function patchAllocatedValues(service: Service, old: Service): void {
  const spec = service.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
    if (!spec.clusterIPs?.length && oldSpec.clusterIPs?.length) spec.clusterIPs = [...oldSpec.clusterIPs];
  }
  if (usesNodePorts(oldSpec) && usesNodePorts(spec)) {
    const nodePorts = (s: ServiceSpec): Set<number> => new Set((s.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p > 0));
    const newPorts = nodePorts(spec);
    // Values the new spec already uses can't be patched into another port.
    const used = new Set([...nodePorts(oldSpec)].filter((p) => newPorts.has(p)));
    // By port name: the user may have changed the port's number or protocol, and it is still the same port.
    const byName = new Map((oldSpec.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const port of spec.ports ?? []) {
      const oldValue = byName.get(port.name ?? '') ?? 0;
      if (!port.nodePort && oldValue && !used.has(oldValue)) port.nodePort = oldValue;
    }
  }
  if (needsHealthCheckNodePort(oldSpec) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

/** The value of `field` is dropped when the user passed back the old one but the new type has no use for it. */
function dropIfUnchanged<K extends keyof ServiceSpec>(spec: ServiceSpec, oldSpec: ServiceSpec, field: K): void {
  if (semanticEqual(spec[field], oldSpec[field])) delete spec[field];
}

export function dropTypeDependentFields(service: Service, old: Service): void {
  const spec = service.spec;
  const oldSpec = old.spec;
  if (!spec || !oldSpec) return;
  // externalTrafficPolicy Local -> Cluster on a load balancer: the health check port goes (the apiserver frees it).
  if (needsHealthCheckNodePort(oldSpec) && !needsHealthCheckNodePort(spec)) dropIfUnchanged(spec, oldSpec, 'healthCheckNodePort');
  if (spec.type === oldSpec.type) return;
  if (spec.type === 'ExternalName') {
    for (const field of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'internalTrafficPolicy'] as const) {
      dropIfUnchanged(spec, oldSpec, field);
    }
  }
  if (usesNodePorts(oldSpec) && !usesNodePorts(spec)) {
    for (const port of spec.ports ?? []) {
      const oldPort = oldSpec.ports?.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
      if (port.nodePort && oldPort?.nodePort === port.nodePort) delete port.nodePort;
    }
  }
  const externallyAccessible = spec.type === 'NodePort' || spec.type === 'LoadBalancer'
    || (spec.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
  if (!externallyAccessible) dropIfUnchanged(spec, oldSpec, 'externalTrafficPolicy');
  if (spec.type !== 'LoadBalancer') {
    for (const field of ['healthCheckNodePort', 'allocateLoadBalancerNodePorts', 'loadBalancerClass'] as const) {
      dropIfUnchanged(spec, oldSpec, field);
    }
  }
}
