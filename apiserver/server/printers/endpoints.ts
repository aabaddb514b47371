// kubectl get endpoints: NAME ENDPOINTS AGE.
import { joinHostPort } from '../../api/go-format.ts';
import type { Endpoints } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const endpointsPrinter = kindPrinter<Endpoints>([
  nameColumn,
  column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.'),
  ageColumn,
], (ep, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), ageCell(ep, now)]);

const shownEndpoints = 3;

/**
 * Ready addresses as `ip:port` for every port (bare IPs for a subset without ports), the first three shown
 * and the rest counted: `10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...`.
 */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    // A headless service may publish addresses without ports.
    const perPort = ports.length === 0 ? [undefined] : ports.map((p) => p.port);
    for (const port of perPort) {
      count += addresses.length;
      for (const address of addresses) {
        if (shown.length === shownEndpoints) break;
        shown.push(port === undefined ? address.ip : joinHostPort(address.ip, port));
      }
    }
  }
  const text = shown.join(',');
  return count > shownEndpoints ? `${text} + ${count - shownEndpoints} more...` : text;
}
