// One request's changes to one allocator, applied or undone together (kube's PortAllocationOperation): values taken
// now are given back by revert; values the request frees are only given back by commit, so a failed update keeps
// what the stored object still holds.
import type { AllocateNextResult, AllocationError, RangeAllocator } from './range-allocator.ts';

export class AllocationOperation<V> {
  private readonly allocator: RangeAllocator<V>;
  private allocated: V[] = [];
  private toRelease: V[] = [];

  constructor(allocator: RangeAllocator<V>) {
    this.allocator = allocator;
  }

  allocate(value: V): AllocationError | undefined {
    const err = this.allocator.allocate(value);
    if (!err) this.allocated.push(value);
    return err;
  }

  allocateNext(): AllocateNextResult<V> {
    const result = this.allocator.allocateNext();
    if (result.error === undefined) this.allocated.push(result.value);
    return result;
  }

  /** Freed when the operation commits. */
  releaseOnCommit(value: V): void {
    this.toRelease.push(value);
  }

  commit(): void {
    for (const value of this.toRelease) this.allocator.release(value);
    this.allocated = [];
    this.toRelease = [];
  }

  revert(): void {
    for (const value of this.allocated) this.allocator.release(value);
    this.allocated = [];
    this.toRelease = [];
  }
}
