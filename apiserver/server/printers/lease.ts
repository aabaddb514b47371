// kubectl get leases: NAME HOLDER AGE.
import type { Lease } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const leasePrinter = kindPrinter<Lease>([
  nameColumn,
  column('Holder', 'string', 'holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.'),
  ageColumn,
], (lease, now) => [lease.metadata?.name ?? '', lease.spec?.holderIdentity ?? '', ageCell(lease, now)]);
