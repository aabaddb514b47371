// kubectl get endpointslices: NAME ADDRESSTYPE PORTS ENDPOINTS AGE.
import type { EndpointSlice } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const endpointSlicePrinter = kindPrinter<EndpointSlice>([
  nameColumn,
  column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.'),
  column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.'),
  column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
  ageColumn,
], (slice, now) => [
  slice.metadata?.name ?? '',
  slice.addressType ?? '',
  formatSlicePorts(slice.ports),
  formatSliceEndpoints(slice.endpoints),
  ageCell(slice, now),
]);

const shown = 3;

/** listWithMoreString: the first three joined by commas, `+ N more...` for the rest, `<unset>` for none. */
function listWithMore(list: string[], count: number): string {
  const text = list.join(',');
  if (count > shown) return `${text} + ${count - shown} more...`;
  return text || '<unset>';
}

/** formatDiscoveryPorts: each port's number, else its name, else `*` (a port without number means all ports). */
function formatSlicePorts(ports: EndpointSlice['ports'] | null): string {
  const list = (ports ?? []).slice(0, shown).map((p) => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ?? '*'));
  return listWithMore(list, ports?.length ?? 0);
}

/** formatDiscoveryEndpoints: every address of every endpoint, ready or not. */
function formatSliceEndpoints(endpoints: EndpointSlice['endpoints'] | null | undefined): string {
  const addresses = (endpoints ?? []).flatMap((e) => e.addresses ?? []);
  return listWithMore(addresses.slice(0, shown), addresses.length);
}
