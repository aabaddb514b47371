// Which history compaction may drop. Watch clients resume from the last revision they saw, so history has to cover
// the time a client may reasonably be away: Kubernetes keeps 5 minutes, kine at least 1000 revisions; we keep
// whichever is more. A watcher still replaying old history pins everything above its cursor.

export interface CompactionInputs {
  /** The newest revision issued. */
  headRv: number;
  /** Everything at or below this is already gone. */
  compactedRv: number;
  /** Keep at least this many of the newest revisions. */
  minRetainRevisions: number;
  /** The oldest revision younger than the minimum retention time, if any retained revision is that young. */
  oldestRecentRv: number | undefined;
  /** The lowest revision a watcher is replaying from, if any. */
  replayCursor: number | undefined;
}

/** The revision to compact up to (inclusive); equal to compactedRv when there is nothing to drop. */
export function compactionTarget(inputs: CompactionInputs): number {
  let target = inputs.headRv - inputs.minRetainRevisions;
  if (inputs.oldestRecentRv !== undefined) target = Math.min(target, inputs.oldestRecentRv - 1);
  if (inputs.replayCursor !== undefined) target = Math.min(target, inputs.replayCursor);
  return Math.max(target, inputs.compactedRv);
}
