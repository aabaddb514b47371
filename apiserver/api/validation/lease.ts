// Lease validation (coordination.k8s.io/v1), after Kubernetes' ValidateLease. Leases back leader election and
// node heartbeats: a holder's claim must last a positive time.
import type { FieldError } from '../errors.ts';
import type { Lease } from '../types.ts';
import { nonNegative, positive } from './common.ts';

export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec;
  if (!spec) return [];
  return [
    ...positive(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds'),
    ...nonNegative(spec.leaseTransitions, 'spec.leaseTransitions'),
  ];
}

/** A Lease has no fields that are immutable beyond its metadata. */
export function validateLeaseUpdate(_lease: Lease, _old: Lease): FieldError[] {
  return [];
}
