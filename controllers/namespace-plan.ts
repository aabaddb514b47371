// The namespace controller's decisions, without I/O (kube's pkg/controller/namespace/deletion): which kinds to
// empty and in what order, how long what is left should take to go, and the conditions that tell the user what a
// Terminating namespace is still waiting for.
import type { ResourceInfo } from '../apiserver/api/resources.ts';
import type { Namespace, Pod } from '../apiserver/api/types.ts';

export type NamespaceCondition = NonNullable<NonNullable<Namespace['status']>['conditions']>[number];

/** The spec.finalizers entry this controller owns (kube's finalizer token). */
export const namespaceFinalizer = 'kubernetes';

/** How long objects held by finalizers are given before the namespace is looked at again (kube's estimate). */
export const finalizerEstimateSeconds = 15;

/**
 * The kinds a namespace is emptied of, in stages: every namespaced kind that can be deleted, pods first. Pods go
 * before the objects they use (ConfigMaps, Secrets, ServiceAccounts...) so nothing runs on in a half-deleted
 * namespace; the next stage starts only once nothing is left of the one before (kube's OrderedNamespaceDeletion).
 */
export function deletionStages(table: readonly ResourceInfo[]): ResourceInfo[][] {
  const deletable = table.filter((ri) => ri.namespaced && ri.verbs.includes('delete') && ri.verbs.includes('list'));
  return [deletable.filter(isPods), deletable.filter((ri) => !isPods(ri))].filter((stage) => stage.length > 0);
}

export function isPods(ri: Pick<ResourceInfo, 'group' | 'plural'>): boolean {
  return ri.group === '' && ri.plural === 'pods';
}

/**
 * Seconds the namespace's pods may still need to stop: the longest grace period of a pod still running, or 0
 * once that long has passed since the namespace was deleted (kube's estimateGracefulTermination).
 */
export function gracefulTerminationEstimate(pods: readonly Pod[], deletedAtMs: number, nowMs: number): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
  }
  return nowMs - deletedAtMs >= estimate * 1000 ? 0 : estimate;
}

/** What is left of one kind after its deletion was asked for. */
export interface ContentLeft {
  /** `pods.` / `deployments.apps`, as kube names a group-resource in its messages. */
  resource: string;
  remaining: number;
  /** How many remaining objects each finalizer holds. */
  finalizers: Record<string, number>;
  /** Seconds to wait before looking again; 0 means nothing is expected to go by itself. */
  estimateSeconds: number;
  /** Objects remain that nothing holds: their deletion did not happen as asked. */
  error?: string;
}

/** kube's deleteAllContentForGroupVersionResource verdict on the objects listed after the delete. */
export function contentLeft(ri: ResourceInfo, namespace: string, items: readonly { metadata?: { finalizers?: string[] } }[],
  estimateSeconds: number): ContentLeft {
  const resource = `${ri.plural}.${ri.group}`;
  if (items.length === 0) return { resource, remaining: 0, finalizers: {}, estimateSeconds: 0 };
  const finalizers: Record<string, number> = {};
  for (const item of items) {
    for (const f of item.metadata?.finalizers ?? []) finalizers[f] = (finalizers[f] ?? 0) + 1;
  }
  const left = { resource, remaining: items.length, finalizers };
  if (estimateSeconds > 0) return { ...left, estimateSeconds };
  // Finalizers are a normal reason to wait: their controllers get a default while to finish.
  if (Object.keys(finalizers).length > 0) return { ...left, estimateSeconds: finalizerEstimateSeconds };
  const gvr = `${ri.group}/${ri.version}, Resource=${ri.plural}`;
  return { ...left, estimateSeconds, error: `unexpected items still remain in namespace: ${namespace} for gvr: ${gvr}` };
}

/** One pass over a namespace's content, summed over kinds. */
export interface DeletionPass {
  estimateSeconds: number;
  /** By group-resource, only those with something left. */
  remaining: Record<string, number>;
  finalizers: Record<string, number>;
  /** Why some kinds could not be emptied (failed requests, objects that stayed). */
  errors: string[];
}

export function summarizePass(results: readonly ContentLeft[], requestErrors: readonly string[] = []): DeletionPass {
  const pass: DeletionPass = { estimateSeconds: 0, remaining: {}, finalizers: {}, errors: [...requestErrors] };
  for (const r of results) {
    pass.estimateSeconds = Math.max(pass.estimateSeconds, r.estimateSeconds);
    if (r.error) pass.errors.push(r.error);
    if (r.remaining === 0) continue;
    pass.remaining[r.resource] = r.remaining;
    for (const [f, n] of Object.entries(r.finalizers)) pass.finalizers[f] = (pass.finalizers[f] ?? 0) + n;
  }
  return pass;
}

/** When to look at a namespace again whose content is still going: half the estimate, plus a second. */
export function requeueAfterSeconds(estimateSeconds: number): number {
  return Math.floor(estimateSeconds / 2) + 1;
}

/** spec.finalizers without this controller's own, sorted and de-duplicated as kube writes them. */
export function withoutFinalizer(finalizers: readonly string[] | undefined, token: string): string[] {
  return [...new Set((finalizers ?? []).filter((f) => f !== token))].sort();
}

// The condition types the namespace controller keeps, in kube's order, with what each says when all is well.
const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;
type ConditionType = typeof conditionTypes[number];

const ok: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** The True (something is wrong or left) conditions a pass calls for; every other type is its "ok" variant. */
function failingConditions(pass: DeletionPass): Partial<Record<ConditionType, { reason: string; message: string }>> {
  const failing: Partial<Record<ConditionType, { reason: string; message: string }>> = {};
  // Skiff's resource table is compiled in, so discovery and group-version parsing cannot fail.
  if (pass.errors.length > 0) {
    failing.NamespaceDeletionContentFailure = {
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${pass.errors.length} remaining: ${[...pass.errors].sort().join(', ')}`,
    };
  }
  const remaining = Object.entries(pass.remaining).filter(([, n]) => n > 0)
    .map(([resource, n]) => `${resource} has ${n} resource instances`).sort();
  if (remaining.length > 0) {
    failing.NamespaceContentRemaining = { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` };
  }
  const held = Object.entries(pass.finalizers).filter(([, n]) => n > 0)
    .map(([finalizer, n]) => `${finalizer} in ${n} resource instances`).sort();
  if (held.length > 0) {
    failing.NamespaceFinalizersRemaining = {
      reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${held.join(', ')}`,
    };
  }
  return failing;
}

/**
 * The namespace's conditions after a pass (kube's updateConditions): each type the controller keeps is set to
 * what the pass found, its lastTransitionTime moving only when its status flips; other conditions stay as they are.
 */
export function namespaceDeletionConditions(current: readonly NamespaceCondition[] | undefined, pass: DeletionPass,
  now: string): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = (current ?? []).map((c) => ({ ...c }));
  const failing = failingConditions(pass);
  let changed = false;
  for (const type of conditionTypes) {
    const f = failing[type];
    const want = { type, status: f ? 'True' : 'False', ...(f ?? ok[type]) };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ ...want, lastTransitionTime: now });
      changed = true;
    } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
      if (old.status !== want.status) old.lastTransitionTime = now;
      old.status = want.status;
      old.reason = want.reason;
      old.message = want.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
