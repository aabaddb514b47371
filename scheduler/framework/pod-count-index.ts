// How many pods on each node a selector matches, memoised across scheduling attempts. Spreading and pod affinity
// ask the same question for every replica of a workload ("how many app=web pods per node?"); kube answers it by
// walking every pod in the cluster each time. Here the first attempt walks them once and later pod additions and
// removals adjust the answer, so an attempt costs O(nodes) instead of O(pods).
import type { PodInfo } from './types.ts';

export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

export interface PodMatcher {
  /** What the matcher selects: two matchers with the same key must select the same pods. */
  readonly key: string;
  /** The answer depends on namespace labels, so a namespace label change must drop it. */
  readonly usesNamespaceLabels: boolean;
  matches(pod: PodInfo, namespaceLabels: NamespaceLabels): boolean;
}

interface Memo {
  readonly matcher: PodMatcher;
  /** node name → matching pods (absent when none). */
  readonly counts: Map<string, number>;
  lastUsed: number;
}

/** Enough for the workloads being scheduled at any one time; the least recently used memo goes first. */
const defaultMemoLimit = 64;

export class PodCountIndex {
  private readonly memos = new Map<string, Memo>();
  private readonly limit: number;
  private clock = 0;

  constructor(limit = defaultMemoLimit) {
    this.limit = limit;
  }

  /** Per-node counts for `matcher`, walking `pods` only the first time this matcher is seen. */
  counts(matcher: PodMatcher, pods: () => Iterable<readonly [string, PodInfo]>, nsLabels: NamespaceLabels): ReadonlyMap<string, number> {
    this.clock++;
    const existing = this.memos.get(matcher.key);
    if (existing) {
      existing.lastUsed = this.clock;
      return existing.counts;
    }
    if (this.memos.size >= this.limit) this.evictLeastRecentlyUsed();
    const counts = new Map<string, number>();
    for (const [nodeName, pod] of pods()) {
      if (matcher.matches(pod, nsLabels)) counts.set(nodeName, (counts.get(nodeName) ?? 0) + 1);
    }
    this.memos.set(matcher.key, { matcher, counts, lastUsed: this.clock });
    return counts;
  }

  podAdded(nodeName: string, pod: PodInfo, nsLabels: NamespaceLabels): void {
    for (const memo of this.memos.values()) {
      if (memo.matcher.matches(pod, nsLabels)) memo.counts.set(nodeName, (memo.counts.get(nodeName) ?? 0) + 1);
    }
  }

  podRemoved(nodeName: string, pod: PodInfo, nsLabels: NamespaceLabels): void {
    for (const memo of this.memos.values()) {
      if (!memo.matcher.matches(pod, nsLabels)) continue;
      const n = (memo.counts.get(nodeName) ?? 0) - 1;
      if (n <= 0) memo.counts.delete(nodeName);
      else memo.counts.set(nodeName, n);
    }
  }

  /** Namespace labels changed: answers that depended on them are no longer known. */
  dropNamespaceDependent(): void {
    for (const [key, memo] of this.memos) if (memo.matcher.usesNamespaceLabels) this.memos.delete(key);
  }

  get size(): number {
    return this.memos.size;
  }

  private evictLeastRecentlyUsed(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [key, memo] of this.memos) {
      if (memo.lastUsed < oldest) {
        oldest = memo.lastUsed;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined) this.memos.delete(oldestKey);
  }
}
