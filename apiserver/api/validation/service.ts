// Service validation (core/v1), after Kubernetes' ValidateService(Update). Cluster IPs and node ports may be
// empty here: the apiserver allocates them after validation.
import type { ServicePort, ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { Service } from '../types.ts';
import { child, index, invalidEach, oneOf } from './common.ts';
import {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidCIDR, isValidIP, isValidPortName, isValidPortNum,
} from './names.ts';

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const sessionAffinities = ['ClientIP', 'None'];
const trafficPolicies = ['Cluster', 'Local'];
const ipFamilies = ['IPv4', 'IPv6'];
const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
/** Kubernetes caps ClientIP affinity at one day. */
const maxAffinitySeconds = 86400;

export function isHeadless(spec: ServiceSpec | undefined): boolean {
  return spec?.clusterIPs?.length === 1 && spec.clusterIPs[0] === 'None';
}

/** Reachable from outside the cluster: a node port, a load balancer, or external IPs. */
export function isExternallyAccessible(spec: ServiceSpec | undefined): boolean {
  return spec?.type === 'LoadBalancer' || spec?.type === 'NodePort'
    || (spec?.type === 'ClusterIP' && (spec.externalIPs?.length ?? 0) > 0);
}

export function validateService(service: Service): FieldError[] {
  // The name's DNS-1035 rule is applied by the generic handler (registry nameValidatorFor).
  const errs: FieldError[] = [];
  const spec = service.spec;
  if (!spec) return [...errs, fieldError.required('spec')];
  const type = spec.type;
  const ports = spec.ports ?? [];

  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(fieldError.required('spec.ports'));
  errs.push(...validateTypeRules(spec));
  const names = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, index('spec.ports', i))));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPs(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => errs.push(...invalidEach(index('spec.externalIPs', i), ip, isValidIP(ip))));
  errs.push(...oneOf(type, 'spec.type', serviceTypes));
  errs.push(...validateNodePorts(spec));
  errs.push(...validateDuplicatePorts(ports));
  errs.push(...validateLoadBalancerFields(spec));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateTypeRules(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (isHeadless(spec)) {
        errs.push(fieldError.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${spec.type} services`));
      }
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs?.length ?? 0) > 0) errs.push(fieldError.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if ((spec.ipFamilies?.length ?? 0) > 0) errs.push(fieldError.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy) errs.push(fieldError.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A CNAME target, which may be written fully qualified with a trailing dot.
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...invalidEach('spec.externalName', cname, isDNS1123Subdomain(cname)));
      else errs.push(fieldError.required('spec.externalName'));
      break;
    }
    default:
      break;
  }
  return errs;
}

function validateServicePort(port: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  if (!port.name) {
    if (requireName) errs.push(fieldError.required(namePath));
  } else {
    errs.push(...invalidEach(namePath, port.name, isDNS1123Label(port.name)));
    if (names.has(port.name)) errs.push(fieldError.duplicate(namePath, port.name));
    names.add(port.name);
  }
  errs.push(...invalidEach(child(path, 'port'), port.port, isValidPortNum(port.port ?? 0)));
  errs.push(...oneOf(port.protocol, child(path, 'protocol'), protocols));
  errs.push(...validatePortNumOrName(port.targetPort, child(path, 'targetPort')));
  if (port.appProtocol !== undefined && port.appProtocol !== null) {
    errs.push(...invalidEach(child(path, 'appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
  }
  return errs;
}

/** A container port by number or by name (an IANA service name). */
export function validatePortNumOrName(value: number | string | undefined, path: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return invalidEach(path, value, isValidPortNum(value));
  return invalidEach(path, value, isValidPortName(value));
}

function validateSessionAffinity(spec: ServiceSpec): FieldError[] {
  const errs = oneOf(spec.sessionAffinity, 'spec.sessionAffinity', sessionAffinities);
  const configPath = 'spec.sessionAffinityConfig';
  if (spec.sessionAffinity === 'ClientIP') {
    const when = 'when session affinity type is ClientIP';
    const config = spec.sessionAffinityConfig;
    if (!config) errs.push(fieldError.required(configPath, when));
    else if (!config.clientIP) errs.push(fieldError.required(`${configPath}.clientIP`, when));
    else if (config.clientIP.timeoutSeconds === undefined) errs.push(fieldError.required(`${configPath}.clientIP.timeoutSeconds`, when));
    else {
      const timeout = config.clientIP.timeoutSeconds;
      if (timeout <= 0 || timeout > maxAffinitySeconds) {
        errs.push(fieldError.invalid(`${configPath}.clientIP.timeoutSeconds`, timeout,
          `must be greater than 0 and less than ${maxAffinitySeconds}`));
      }
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(fieldError.forbidden(configPath, 'must not be set when session affinity is None'));
  }
  return errs;
}

/** clusterIP and clusterIPs name the same addresses; ipFamilies and ipFamilyPolicy describe them. */
function validateClusterIPs(spec: ServiceSpec): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  const path = 'spec.clusterIPs';
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(fieldError.required(path));
    else if (ips[0] !== spec.clusterIP) errs.push(fieldError.invalid(path, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(fieldError.invalid(path, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seenFamilies = new Set<string>();
  (spec.ipFamilies ?? []).forEach((family, i) => {
    const familyPath = index('spec.ipFamilies', i);
    if (!ipFamilies.includes(family)) errs.push(fieldError.notSupported(familyPath, family, ipFamilies));
    if (seenFamilies.has(family)) errs.push(fieldError.duplicate(familyPath, family));
    seenFamilies.add(family);
  });
  if (spec.ipFamilyPolicy && !ipFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(fieldError.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ipFamilyPolicies));
  }
  let invalidIP = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIP = true;
        errs.push(fieldError.invalid(path, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length > 0) invalidIP = true;
    errs.push(...invalidEach(index(path, i), ip, msgs));
  });
  if (ips.length > 2) errs.push(fieldError.invalid(path, ips, 'may only hold up to 2 values'));
  if (!invalidIP && ips.length === 2 && ips[0] !== 'None' && isIPv6(ips[0]) === isIPv6(ips[1])) {
    errs.push(fieldError.invalid(path, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!invalidIP && !isHeadless(spec)) {
    (spec.ipFamilies ?? []).forEach((family, i) => {
      const ip = ips[i];
      if (ip === undefined) return;
      if (family === 'IPv4' && isIPv6(ip)) {
        errs.push(fieldError.invalid(index(path, i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (family === 'IPv6' && !isIPv6(ip)) {
        errs.push(fieldError.invalid(index(path, i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

function validateNodePorts(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.ports ?? []).forEach((port, i) => {
    if (!port.nodePort) return;
    const path = `${index('spec.ports', i)}.nodePort`;
    if (spec.type === 'ClusterIP' || spec.type === 'ExternalName') {
      errs.push(fieldError.forbidden(path, `may not be used when \`type\` is '${spec.type}'`));
      return;
    }
    errs.push(...invalidEach(path, port.nodePort, isValidPortNum(port.nodePort)));
    const portKey = `${port.protocol ?? ''}/${port.nodePort}`;
    if (seen.has(portKey)) errs.push(fieldError.duplicate(path, port.nodePort));
    seen.add(portKey);
  });
  return errs;
}

/** Two ports with one protocol and number would be indistinguishable to the proxy. */
function validateDuplicatePorts(ports: ServicePort[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const portKey = `${port.protocol ?? ''}/${port.port}`;
    if (seen.has(portKey)) errs.push(fieldError.duplicate(index('spec.ports', i), { port: port.port, protocol: port.protocol }));
    seen.add(portKey);
  });
  return errs;
}

function validateLoadBalancerFields(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const isLoadBalancer = spec.type === 'LoadBalancer';
  const onlyForLoadBalancer = "may only be used when `type` is 'LoadBalancer'";
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    const path = 'spec.loadBalancerSourceRanges';
    if (!isLoadBalancer) errs.push(fieldError.forbidden(path, onlyForLoadBalancer));
    ranges.forEach((cidr, i) => errs.push(...invalidEach(index(path, i), cidr, isValidCIDR(cidr.trim()))));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && !isLoadBalancer) {
    errs.push(fieldError.forbidden('spec.allocateLoadBalancerNodePorts', onlyForLoadBalancer));
  }
  if (isLoadBalancer && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(fieldError.required('spec.allocateLoadBalancerNodePorts'));
  }
  if (spec.loadBalancerClass !== undefined) {
    if (isLoadBalancer) errs.push(...invalidEach('spec.loadBalancerClass', spec.loadBalancerClass, isQualifiedName(spec.loadBalancerClass)));
    else errs.push(fieldError.forbidden('spec.loadBalancerClass', onlyForLoadBalancer));
  }
  return errs;
}

function validateTrafficPolicies(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const external = spec.externalTrafficPolicy;
  if (!isExternallyAccessible(spec)) {
    if (external) {
      errs.push(fieldError.invalid('spec.externalTrafficPolicy', external, 'may only be set for externally-accessible services'));
    }
  } else {
    errs.push(...oneOf(external, 'spec.externalTrafficPolicy', trafficPolicies));
  }
  // The health check port exists only for load balancers that keep traffic on the node it arrived at.
  const needsHealthCheck = spec.type === 'LoadBalancer' && external === 'Local';
  if (spec.healthCheckNodePort) {
    if (!needsHealthCheck) {
      errs.push(fieldError.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    } else {
      errs.push(...invalidEach('spec.healthCheckNodePort', spec.healthCheckNodePort, isValidPortNum(spec.healthCheckNodePort)));
    }
  }
  const internalRequired = spec.type === 'ClusterIP' || spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  errs.push(...oneOf(spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', trafficPolicies, internalRequired));
  return errs;
}

/**
 * Only the checks that need the old object; the handler runs validateService on updates as well. A cluster IP
 * is fixed once allocated; moving to or from ExternalName releases or allocates one, so those are exempt.
 */
export function validateServiceUpdate(service: Service, old: Service): FieldError[] {
  const spec = service.spec ?? {};
  const oldSpec = old.spec ?? {};
  if (spec.type === 'ExternalName' || oldSpec.type === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const errs: FieldError[] = [];
  const ips = spec.clusterIPs ?? [];
  const oldIPs = oldSpec.clusterIPs ?? [];
  const path = 'spec.clusterIPs';
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(fieldError.invalid(index(path, i), ips, 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(fieldError.invalid(index(path, 0), ips, 'primary clusterIP can not be unset'));
    else if (ips[0] !== oldIPs[0]) errs.push(fieldError.invalid(index(path, 0), ips, 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(fieldError.invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null,
        "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(fieldError.invalid(index(path, 0), ips, 'may not change once set'));
  }
  const families = spec.ipFamilies ?? [];
  const oldFamilies = oldSpec.ipFamilies ?? [];
  if (!isHeadless(spec) && !isHeadless(oldSpec) && families.length > 0 && oldFamilies.length > 0
    && families[0] !== oldFamilies[0]) {
    errs.push(fieldError.invalid('spec.ipFamilies[0]', families, 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer' && oldSpec.type === 'LoadBalancer' && spec.loadBalancerClass !== oldSpec.loadBalancerClass) {
    errs.push(fieldError.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  const needsHealthCheck = (s: ServiceSpec): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (needsHealthCheck(spec) && needsHealthCheck(oldSpec) && oldSpec.healthCheckNodePort
    && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(fieldError.forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return errs;
}

const ipModes = ['Proxy', 'VIP'];

/** Load balancer addresses written by a cloud controller or the service proxy. */
export function validateServiceStatusUpdate(service: Service): FieldError[] {
  const errs: FieldError[] = [];
  (service.status?.loadBalancer?.ingress ?? []).forEach((ingress, i) => {
    const path = index('status.loadBalancer.ingress', i);
    if (ingress.ip) errs.push(...invalidEach(child(path, 'ip'), ingress.ip, isValidIP(ingress.ip)));
    if (ingress.ipMode !== undefined) {
      if (!ingress.ip) errs.push(fieldError.forbidden(child(path, 'ipMode'), 'may not be specified when `ip` is not set'));
      else if (!ipModes.includes(ingress.ipMode)) errs.push(fieldError.notSupported(child(path, 'ipMode'), ingress.ipMode, ipModes));
    }
    if (ingress.hostname) {
      errs.push(...invalidEach(child(path, 'hostname'), ingress.hostname, isDNS1123Subdomain(ingress.hostname)));
      if (isValidIP(ingress.hostname).length === 0) {
        errs.push(fieldError.invalid(child(path, 'hostname'), ingress.hostname, 'must be a DNS name, not an IP address'));
      }
    }
  });
  return errs;
}
