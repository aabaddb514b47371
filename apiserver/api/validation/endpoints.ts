// Endpoints validation (core/v1), after Kubernetes' ValidateEndpoints. Endpoints are written by the endpoints
// controller and read by every node's proxy, so each address must be a routable pod or node IP.
import type { EndpointAddress, EndpointPort } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { Endpoints } from '../types.ts';
import { child, index, invalidEach, oneOf } from './common.ts';
import { isDNS1123Label, isQualifiedName, isValidIP, isValidPortNum, nameIsDNSSubdomain } from './names.ts';

const protocols = ['SCTP', 'TCP', 'UDP'];

export function validateEndpoints(endpoints: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (endpoints.subsets ?? []).forEach((subset, i) => {
    const path = index('subsets', i);
    const addresses = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(fieldError.required(path, 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) => errs.push(...validateAddress(a, index(child(path, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, index(child(path, 'notReadyAddresses'), j))));
    const ports = subset.ports ?? [];
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, index(child(path, 'ports'), j))));
  });
  return errs;
}

function validateAddress(address: EndpointAddress, path: string): FieldError[] {
  const ipPath = child(path, 'ip');
  const ipErrors = invalidEach(ipPath, address.ip, isValidIP(address.ip ?? ''));
  const errs = ipErrors.length > 0 ? ipErrors : nonSpecialIPErrors(address.ip, ipPath);
  if (address.hostname) errs.push(...invalidEach(child(path, 'hostname'), address.hostname, isDNS1123Label(address.hostname)));
  if (address.nodeName !== undefined) {
    errs.push(...invalidEach(child(path, 'nodeName'), address.nodeName, nameIsDNSSubdomain(address.nodeName, false)));
  }
  return errs;
}

/** Addresses traffic could never usefully be sent to, or that belong to the node itself. */
export function nonSpecialIPErrors(ip: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const lower = ip.toLowerCase();
  if (ip === '0.0.0.0' || /^(0*:)*:?0*$/.test(lower) || lower === '::') {
    errs.push(fieldError.invalid(path, ip, `may not be unspecified (${ip})`));
  }
  if (ip.startsWith('127.') || lower === '::1') {
    errs.push(fieldError.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (ip.startsWith('169.254.') || /^fe[89ab][0-9a-f]:/.test(lower)) {
    errs.push(fieldError.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (ip.startsWith('224.0.0.') || lower.startsWith('ff02:')) {
    errs.push(fieldError.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

function validatePort(port: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!port.name) {
    if (requireName) errs.push(fieldError.required(child(path, 'name')));
  } else {
    errs.push(...invalidEach(child(path, 'name'), port.name, isDNS1123Label(port.name)));
  }
  errs.push(...invalidEach(child(path, 'port'), port.port, isValidPortNum(port.port ?? 0)));
  errs.push(...oneOf(port.protocol, child(path, 'protocol'), protocols));
  if (port.appProtocol !== undefined && port.appProtocol !== null) {
    errs.push(...invalidEach(child(path, 'appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
  }
  return errs;
}

/** Endpoints have no fields that are immutable beyond their metadata. */
export function validateEndpointsUpdate(_endpoints: Endpoints, _old: Endpoints): FieldError[] {
  return [];
}
