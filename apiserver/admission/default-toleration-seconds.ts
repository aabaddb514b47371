// The DefaultTolerationSeconds admission plugin: every pod that does not say how long it tolerates its node being
// not ready or unreachable gets kube's default of 300 s for each, so the taint eviction controller moves it off a
// dead node after five minutes rather than never (it would otherwise stay bound to the node for ever).
import type { Pod, Toleration } from '../api/types.ts';

export const defaultNotReadyTolerationSeconds = 300;
export const defaultUnreachableTolerationSeconds = 300;

const notReadyKey = 'node.kubernetes.io/not-ready';
const unreachableKey = 'node.kubernetes.io/unreachable';

/**
 * A toleration counts as saying something about `key` when it names that key or every key, for NoExecute or every
 * effect, whatever its operator and value (as kube's plugin reads it).
 */
function speaksFor(t: Toleration, key: string): boolean {
  return (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect);
}

/** Adds the default not-ready and unreachable NoExecute tolerations the pod lacks (on create and update, as kube). */
export function addDefaultTolerations(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  const tolerations = spec.tolerations ?? [];
  const add: Toleration[] = [];
  if (!tolerations.some((t) => speaksFor(t, notReadyKey))) {
    add.push({ key: notReadyKey, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultNotReadyTolerationSeconds });
  }
  if (!tolerations.some((t) => speaksFor(t, unreachableKey))) {
    add.push({ key: unreachableKey, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultUnreachableTolerationSeconds });
  }
  if (add.length > 0) spec.tolerations = [...tolerations, ...add];
}
