// What the ClusterIP and NodePort allocators share: the outcome of an allocation, as values the caller turns
// into the API error kube gives for it (422 for a bad or taken value the user asked for, 500 for a full range).

export type AllocationErrorReason = 'NotInRange' | 'Allocated' | 'Full';

export interface AllocationError {
  reason: AllocationErrorReason;
  /** kube's wording, e.g. "provided IP is already allocated". */
  message: string;
}

export type AllocateNextResult<V> = { value: V; error?: undefined } | { value?: undefined; error: AllocationError };

/** A range of values (IP addresses, ports) handed out at most once each. Not thread-safe: Node runs it on one. */
export interface RangeAllocator<V> {
  /** Takes `value` if it is inside the range and free. */
  allocate(value: V): AllocationError | undefined;
  allocateNext(): AllocateNextResult<V>;
  /** Gives `value` back; values outside the range or not taken are ignored. */
  release(value: V): void;
  has(value: V): boolean;
}

export const rangeFull: AllocationError = { reason: 'Full', message: 'range is full' };
