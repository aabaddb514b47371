// EndpointSlice validation (discovery.k8s.io/v1), after Kubernetes' pkg/apis/discovery/validation. A slice is read
// by every proxy and DNS server that watches it, so each address must be of the slice's type and, for IPs, one a
// packet could usefully be sent to; the lists are bounded so no slice grows without limit.
import type { SliceEndpoint } from '../endpoint-slices.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { EndpointSlice } from '../types.ts';
import { child, immutable, index, invalidEach, oneOf } from './common.ts';
import { nonSpecialIPErrors } from './endpoints.ts';
import {
  isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIPv4Address, isValidIPv6Address, isValidLabelValue,
  nameIsDNSSubdomain,
} from './names.ts';

type SlicePort = NonNullable<EndpointSlice['ports']>[number];

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
/** Kubernetes' limits: 1000 endpoints a slice, 100 addresses an endpoint, 8 zone hints. */
const maxEndpoints = 1000;
const maxAddresses = 100;
/** Raised from 100 to 20,000 in Kubernetes 1.21 (and back-ported): a Service may have that many ports. */
const maxPorts = 20_000;
const maxZoneHints = 8;

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  return [
    ...oneOf(slice.addressType, 'addressType', addressTypes),
    ...validateEndpoints(slice.endpoints ?? [], slice.addressType, 'endpoints'),
    ...validatePorts(slice.ports ?? [], 'ports'),
  ];
}

/** The address type decides how every address is read, so it is fixed at creation. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return immutable(slice.addressType, old.addressType, 'addressType');
}

function validateEndpoints(endpoints: SliceEndpoint[], addressType: string | undefined, path: string): FieldError[] {
  if (endpoints.length > maxEndpoints) return [fieldError.tooMany(path, endpoints.length, maxEndpoints)];
  const errs: FieldError[] = [];
  endpoints.forEach((endpoint, i) => {
    const at = index(path, i);
    const addressesPath = child(at, 'addresses');
    const addresses = endpoint.addresses ?? [];
    if (addresses.length === 0) errs.push(fieldError.required(addressesPath, 'must contain at least 1 address'));
    else if (addresses.length > maxAddresses) errs.push(fieldError.tooMany(addressesPath, addresses.length, maxAddresses));
    // Addresses of a type Kubernetes does not know are left alone (the type itself is reported above).
    addresses.forEach((address, j) => errs.push(...validateAddress(address, addressType, index(addressesPath, j))));
    if (endpoint.nodeName !== undefined && endpoint.nodeName !== null) {
      errs.push(...invalidEach(child(at, 'nodeName'), endpoint.nodeName, nameIsDNSSubdomain(endpoint.nodeName, false)));
    }
    if (endpoint.hostname !== undefined && endpoint.hostname !== null) {
      errs.push(...invalidEach(child(at, 'hostname'), endpoint.hostname, isDNS1123Label(endpoint.hostname)));
    }
    if (endpoint.hints) errs.push(...validateHints(endpoint.hints, child(at, 'hints')));
  });
  return errs;
}

function validateAddress(address: string, addressType: string | undefined, path: string): FieldError[] {
  switch (addressType) {
    case 'IPv4': {
      const errs = invalidEach(path, address, isValidIPv4Address(address));
      return errs.length > 0 ? errs : nonSpecialIPErrors(address, path);
    }
    case 'IPv6': {
      const errs = invalidEach(path, address, isValidIPv6Address(address));
      return errs.length > 0 ? errs : nonSpecialIPErrors(address, path);
    }
    case 'FQDN':
      return fullyQualifiedDomainNameErrors(address, path);
    default:
      return [];
  }
}

/**
 * apimachinery's IsFullyQualifiedDomainName: a DNS subdomain (a trailing dot allowed) of at least two labels. As in
 * kube, the first problem found is the only one reported, quoting the part at fault.
 */
function fullyQualifiedDomainNameErrors(name: string, path: string): FieldError[] {
  if (name.length === 0) return [fieldError.required(path, '')];
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const subdomain = isDNS1123Subdomain(trimmed);
  if (subdomain.length > 0) return [fieldError.invalid(path, trimmed, subdomain.join(','))];
  const labels = trimmed.split('.');
  if (labels.length < 2) return [fieldError.invalid(path, trimmed, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return [fieldError.invalid(path, label, errs.join(','))];
  }
  return [];
}

function validateHints(hints: NonNullable<SliceEndpoint['hints']>, path: string): FieldError[] {
  const zonesPath = child(path, 'forZones');
  const zones = hints.forZones ?? [];
  if (zones.length > maxZoneHints) return [fieldError.tooMany(zonesPath, zones.length, maxZoneHints)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((zone, i) => {
    const namePath = child(index(zonesPath, i), 'name');
    if (seen.has(zone.name)) errs.push(fieldError.duplicate(namePath, zone.name));
    else seen.add(zone.name);
    errs.push(...invalidEach(namePath, zone.name, isValidLabelValue(zone.name ?? '')));
  });
  return errs;
}

function validatePorts(ports: SlicePort[], path: string): FieldError[] {
  if (ports.length > maxPorts) return [fieldError.tooMany(path, ports.length, maxPorts)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = index(path, i);
    // Defaulting gives every port a name ('' when unset), so '' is a name too and may appear once.
    const name = port.name ?? '';
    if (name.length > 0) errs.push(...invalidEach(child(at, 'name'), name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(fieldError.duplicate(child(at, 'name'), name));
    else names.add(name);
    if (port.protocol === undefined || port.protocol === null) errs.push(fieldError.required(child(at, 'protocol'), ''));
    else if (!protocols.includes(port.protocol)) errs.push(fieldError.notSupported(child(at, 'protocol'), port.protocol, protocols));
    if (port.appProtocol !== undefined && port.appProtocol !== null) {
      errs.push(...invalidEach(child(at, 'appProtocol'), port.appProtocol, isQualifiedName(port.appProtocol)));
    }
  });
  return errs;
}
