// Per-attempt state, as kube's CycleState: plugins compute what they need once per pod (PreFilter, PreScore) and
// read it back for every node. Keys are typed objects, so a plugin reads back exactly the type it wrote.
import type { Pod } from '../../apiserver/api/types.ts';
import { podInfoOf } from './pod-info.ts';
import type { Snapshot } from './snapshot.ts';
import type { PodInfo } from './types.ts';

export interface StateKey<T> {
  readonly name: string;
  /** Carries T for the type checker only. */
  readonly phantom?: T;
}

export function stateKey<T>(name: string): StateKey<T> {
  return { name };
}

export class CycleState {
  readonly pod: Pod;
  readonly podInfo: PodInfo;
  readonly snapshot: Snapshot;
  private readonly data = new Map<StateKey<unknown>, unknown>();

  constructor(pod: Pod, snapshot: Snapshot) {
    this.pod = pod;
    this.podInfo = podInfoOf(pod);
    this.snapshot = snapshot;
  }

  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key, value);
  }

  /** The value under `key`, computed and stored on first use (a filter called without its PreFilter still works). */
  readOrCompute<T>(key: StateKey<T>, compute: () => T): T {
    if (this.data.has(key)) return this.data.get(key) as T;
    const value = compute();
    this.data.set(key, value);
    return value;
  }
}
