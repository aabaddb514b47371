// Strategy of coordination.k8s.io/v1 Leases: validation only, no defaults and no status.
import type { Lease } from '../../api/types.ts';
import { validateLease, validateLeaseUpdate } from '../../api/validation/lease.ts';
import type { Strategy } from '../strategy.ts';
import { kindStrategy } from './kind-strategy.ts';

export const leaseStrategy: Strategy = kindStrategy<Lease>({
  validate: validateLease,
  validateUpdate: validateLeaseUpdate,
});
