// Filter verdicts. Rejections that never vary are built once, so a filter saying no allocates nothing.
import type { Rejection } from './types.ts';

/** Unschedulable: the node might fit after something on it changes (kube's Unschedulable). */
export function unschedulable(...reasons: string[]): Rejection {
  return Object.freeze({ reasons: Object.freeze(reasons), unresolvable: false });
}

/** Unschedulable and unresolvable: nothing done to the pods on the node could make it fit. */
export function unresolvable(...reasons: string[]): Rejection {
  return Object.freeze({ reasons: Object.freeze(reasons), unresolvable: true });
}
