// ClusterIPs and NodePorts for Services, as kube-apiserver's service REST storage allocates them
// (pkg/registry/core/service/storage/alloc.go).
//
// The allocators live in memory and are rebuilt from the stored Services when the apiserver starts (restore), so
// the stored Services are the only record: a crash can't leak a value, and a value a stored Service holds is never
// handed out again. Node runs every request on one thread and each allocation below is synchronous, so two creates
// can never take the same value; the registry keeps a value held from allocation until the write is stored, and
// gives it back if the write fails (see write-hooks.ts).
import type { ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import { errors, fieldError, invalid, type FieldError } from '../../api/errors.ts';
import type { Service } from '../../api/types.ts';
import { noTransaction, type WriteTransaction } from '../write-hooks.ts';
import { familyOf, initIPFamilyFields, type IPFamily } from './ip-families.ts';
import { IPAllocator } from './ip-allocator.ts';
import { AllocationOperation } from './operation.ts';
import { formatPortRange, PortAllocator } from './port-allocator.ts';

/** The Service the apiserver keeps for itself; the first address of the range is held for it alone. */
export const kubernetesService = { namespace: 'default', name: 'kubernetes' } as const;

export interface ServiceAllocatorOptions {
  /** --service-cluster-ip-range (one IPv4 CIDR). */
  clusterIPRange: string;
  /** --service-node-port-range, e.g. "30000-32767". */
  nodePortRange: string;
  /** For tests: where dynamic allocation starts scanning. */
  random?: () => number;
}

export class ServiceAllocator {
  readonly ips: IPAllocator;
  readonly nodePorts: PortAllocator;
  readonly kubernetesServiceIP: string;
  private readonly families: readonly IPFamily[];

  constructor(opts: ServiceAllocatorOptions) {
    this.ips = new IPAllocator(opts.clusterIPRange, opts.random);
    this.nodePorts = new PortAllocator(opts.nodePortRange, opts.random);
    this.families = [this.ips.family];
    // Held for good: no other Service may take it, even while the `kubernetes` Service does not exist.
    this.kubernetesServiceIP = this.ips.firstAddress();
    this.ips.allocate(this.kubernetesServiceIP);
  }

  /** Marks what the stored Services hold. Returns what is wrong with them, for the log (kube's repair messages). */
  restore(services: readonly Service[]): string[] {
    const problems: string[] = [];
    for (const service of services) {
      const id = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
      for (const ip of this.allocatedIPs(service)) {
        const err = this.ips.allocate(ip);
        if (err?.reason === 'NotInRange') {
          problems.push(`Cluster IP ${ip} of service ${id} is not within the configured Service CIDR ${this.ips.cidr}; please recreate service`);
        } else if (err) {
          problems.push(`the cluster IP ${ip} for service ${id} was assigned to multiple services; please recreate`);
        }
      }
      for (const port of nodePortsOf(service)) {
        const err = this.nodePorts.allocate(port);
        if (err?.reason === 'NotInRange') {
          problems.push(`the node port ${port} for service ${id} is not within the port range ${formatPortRange(this.nodePorts.range)}; please recreate`);
        } else if (err) {
          problems.push(`the node port ${port} for service ${id} was assigned to multiple services; please recreate`);
        }
      }
    }
    return problems;
  }

  /** Fills in and takes the Service's cluster IPs and node ports; throws the ApiError kube answers with. */
  allocateCreate(service: Service, dryRun: boolean): WriteTransaction {
    this.initFamilies(service, undefined);
    const ips = new AllocationOperation(this.ips);
    const ports = new AllocationOperation(this.nodePorts);
    try {
      this.allocateClusterIPs(service, ips);
      if (usesNodePorts(service.spec)) this.allocateNodePorts(service, ports);
      if (needsHealthCheck(service.spec)) this.allocateHealthCheckNodePort(service, ports);
    } catch (e) {
      ips.revert();
      ports.revert();
      throw e;
    }
    return transaction(dryRun, [ips, ports]);
  }

  /**
   * Allocates what the update newly needs (a type change to NodePort, from ExternalName, a new port) and frees, on
   * commit, what it no longer does.
   */
  allocateUpdate(service: Service, old: Service, dryRun: boolean): WriteTransaction {
    this.initFamilies(service, old);
    const ips = new AllocationOperation(this.ips);
    const ports = new AllocationOperation(this.nodePorts);
    try {
      this.updateClusterIPs(service, old, ips);
      this.updateNodePorts(service, old, ports);
      this.updateHealthCheckNodePort(service, old, ports);
    } catch (e) {
      ips.revert();
      ports.revert();
      throw e;
    }
    return transaction(dryRun, [ips, ports]);
  }

  /** After the Service is gone from the store. */
  release(service: Service): void {
    for (const ip of this.allocatedIPs(service)) this.ips.release(ip);
    for (const port of nodePortsOf(service)) this.nodePorts.release(port);
  }

  private initFamilies(service: Service, old: Service | undefined): void {
    const errs = initIPFamilyFields(service, old, this.families);
    if (errs.length > 0) throw invalidService(service, errs);
  }

  /** The addresses of this range a stored Service holds (not the reserved one: that is never released). */
  private allocatedIPs(service: Service): string[] {
    const spec = service.spec;
    if (!spec || spec.type === 'ExternalName') return [];
    const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
    return ips.filter((ip) => ip !== 'None' && ip !== '' && ip !== this.kubernetesServiceIP
      && this.families.includes(familyOf(ip)));
  }

  private allocateClusterIPs(service: Service, op: AllocationOperation<string>): void {
    const spec = service.spec;
    if (!spec || spec.type === 'ExternalName' || spec.clusterIPs?.[0] === 'None' || spec.clusterIP === 'None') return;
    const ips = [...(spec.clusterIPs ?? [])];
    (spec.ipFamilies ?? []).forEach((_family, i) => {
      const wanted = ips[i] ?? '';
      if (wanted === '') {
        const next = op.allocateNext();
        if (next.error) throw errors.internal(`failed to allocate a serviceIP: ${next.error.message}`);
        ips[i] = next.value;
        return;
      }
      if (wanted === this.kubernetesServiceIP && isKubernetesService(service)) return;
      const err = op.allocate(wanted);
      if (err) {
        throw invalidService(service, [fieldError.invalid('spec.clusterIPs', spec.clusterIPs ?? [], `failed to allocate IP ${wanted}: ${err.message}`)]);
      }
    });
    spec.clusterIPs = ips;
    spec.clusterIP = ips[0];
  }

  private updateClusterIPs(service: Service, old: Service, op: AllocationOperation<string>): void {
    const spec = service.spec ?? {};
    const oldSpec = old.spec ?? {};
    // From ExternalName, or a Service stored before Skiff allocated addresses: it gets one now.
    if (spec.type !== 'ExternalName' && (oldSpec.type === 'ExternalName' || !oldSpec.clusterIPs?.length)) {
      this.allocateClusterIPs(service, op);
      return;
    }
    if (oldSpec.type !== 'ExternalName' && spec.type === 'ExternalName') {
      for (const ip of this.allocatedIPs(old)) op.releaseOnCommit(ip);
    }
    // Otherwise the addresses stay: validation has refused any change to them.
  }

  /** kube's initNodePorts: service ports with one port number (TCP and UDP 53) share one node port. */
  private allocateNodePorts(service: Service, op: AllocationOperation<number>): void {
    const ports = service.spec?.ports ?? [];
    const byServicePort = new Map<number, number>();
    ports.forEach((port, i) => {
      if (!port.nodePort && !shouldAllocateNodePorts(service.spec)) return;
      const shared = byServicePort.get(port.port);
      if (shared === undefined) {
        const requested = ports.find((p) => p.port === port.port && p.nodePort)?.nodePort;
        port.nodePort = requested ? this.allocateRequested(service, op, i, requested) : allocateNextNodePort(op);
        byServicePort.set(port.port, port.nodePort);
      } else if (!port.nodePort) {
        port.nodePort = shared;
      } else if (port.nodePort !== shared) {
        this.allocateRequested(service, op, i, port.nodePort);
      }
    });
  }

  /** kube's updateNodePorts: new values are taken, values no port uses any more are freed on commit. */
  private updateNodePorts(service: Service, old: Service, op: AllocationOperation<number>): void {
    const oldPorts = new Set(servicePortNodePorts(old.spec));
    if (usesNodePorts(old.spec) && !usesNodePorts(service.spec)) {
      for (const port of oldPorts) op.releaseOnCommit(port);
      return;
    }
    if (!usesNodePorts(service.spec)) return;
    const takenHere = new Set<number>();
    (service.spec?.ports ?? []).forEach((port, i) => {
      if (!port.nodePort && !shouldAllocateNodePorts(service.spec)) return;
      if (!port.nodePort) {
        port.nodePort = allocateNextNodePort(op);
        return;
      }
      if (oldPorts.has(port.nodePort) || takenHere.has(port.nodePort)) return;
      this.allocateRequested(service, op, i, port.nodePort);
      takenHere.add(port.nodePort);
    });
    const newPorts = new Set(servicePortNodePorts(service.spec));
    for (const port of oldPorts) if (!newPorts.has(port)) op.releaseOnCommit(port);
  }

  private allocateHealthCheckNodePort(service: Service, op: AllocationOperation<number>): void {
    const spec = service.spec!;
    const requested = spec.healthCheckNodePort;
    if (requested) {
      const err = op.allocate(requested);
      if (err) throw errors.internal(`failed to allocate requested HealthCheck NodePort ${requested}: ${err.message}`);
      return;
    }
    const next = op.allocateNext();
    if (next.error) throw errors.internal(`failed to allocate a HealthCheck NodePort: ${next.error.message}`);
    spec.healthCheckNodePort = next.value;
  }

  private updateHealthCheckNodePort(service: Service, old: Service, op: AllocationOperation<number>): void {
    const needed = needsHealthCheck(old.spec);
    const needs = needsHealthCheck(service.spec);
    if (!needed && needs) this.allocateHealthCheckNodePort(service, op);
    else if (needed && !needs && old.spec?.healthCheckNodePort) op.releaseOnCommit(old.spec.healthCheckNodePort);
    // Needed before and after: the port may not change, which validation enforces.
  }

  private allocateRequested(service: Service, op: AllocationOperation<number>, index: number, port: number): number {
    const err = op.allocate(port);
    if (err) throw invalidService(service, [fieldError.invalid(`spec.ports[${index}].nodePort`, port, err.message)]);
    return port;
  }

}

function transaction(dryRun: boolean, ops: ReadonlyArray<AllocationOperation<string> | AllocationOperation<number>>): WriteTransaction {
  // A dry run shows the values a real request would get but keeps none of them.
  if (dryRun) {
    for (const op of ops) op.revert();
    return noTransaction;
  }
  return {
    commit: () => { for (const op of ops) op.commit(); },
    revert: () => { for (const op of ops) op.revert(); },
  };
}

function allocateNextNodePort(op: AllocationOperation<number>): number {
  const next = op.allocateNext();
  if (next.error) throw errors.internal(`failed to allocate a nodePort: ${next.error.message}`);
  return next.value;
}

function invalidService(service: Service, errs: FieldError[]): Error {
  return invalid('Service', '', service.metadata?.name ?? '', errs);
}

function isKubernetesService(service: Service): boolean {
  return service.metadata?.namespace === kubernetesService.namespace && service.metadata.name === kubernetesService.name;
}

function usesNodePorts(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'NodePort' || spec?.type === 'LoadBalancer';
}

/** A LoadBalancer may do without node ports (allocateLoadBalancerNodePorts: false); requested ones are still kept. */
function shouldAllocateNodePorts(spec: ServiceSpec | undefined): boolean {
  if (spec?.type === 'NodePort') return true;
  return spec?.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false;
}

/** A load balancer that keeps traffic on the node it arrived at asks each node, on this port, whether to send any. */
function needsHealthCheck(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function servicePortNodePorts(spec: ServiceSpec | undefined): number[] {
  return (spec?.ports ?? []).map((p: ServicePort) => p.nodePort ?? 0).filter((p) => p > 0);
}

/** Every node port a Service holds, each once: its ports' and its health check's. */
function nodePortsOf(service: Service): number[] {
  const ports = new Set(servicePortNodePorts(service.spec));
  if (service.spec?.healthCheckNodePort) ports.add(service.spec.healthCheckNodePort);
  return [...ports];
}
