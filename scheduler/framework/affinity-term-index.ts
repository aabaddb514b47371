// The (anti-)affinity terms of the pods already placed, grouped by identical term with a count per node. kube's
// InterPodAffinity walks every pod with affinity on every attempt; replicas of one workload carry the same terms,
// so grouping them turns that walk into one check per distinct term plus its nodes.
import type { AffinityTerm, PodInfo } from './types.ts';

export type ExistingTermKind = 'requiredAffinity' | 'requiredAntiAffinity' | 'preferredAffinity' | 'preferredAntiAffinity';

export interface TermGroup {
  readonly kind: ExistingTermKind;
  readonly term: AffinityTerm;
  /** The preferred term's weight; 0 for required terms (their weight is the plugin's hardPodAffinityWeight). */
  readonly weight: number;
  /** node name → pods on it carrying the term. */
  readonly counts: Map<string, number>;
}

const kinds: readonly ExistingTermKind[] = ['requiredAffinity', 'requiredAntiAffinity', 'preferredAffinity', 'preferredAntiAffinity'];

function termsOf(pod: PodInfo, kind: ExistingTermKind): readonly { term: AffinityTerm; weight: number }[] {
  switch (kind) {
    case 'requiredAffinity': return pod.requiredAffinityTerms.map((term) => ({ term, weight: 0 }));
    case 'requiredAntiAffinity': return pod.requiredAntiAffinityTerms.map((term) => ({ term, weight: 0 }));
    case 'preferredAffinity': return pod.preferredAffinityTerms;
    case 'preferredAntiAffinity': return pod.preferredAntiAffinityTerms;
  }
}

export class AffinityTermIndex {
  private readonly groups = new Map<ExistingTermKind, Map<string, TermGroup>>(kinds.map((k) => [k, new Map()]));

  podAdded(nodeName: string, pod: PodInfo): void {
    this.update(nodeName, pod, 1);
  }

  podRemoved(nodeName: string, pod: PodInfo): void {
    this.update(nodeName, pod, -1);
  }

  groupsOf(kind: ExistingTermKind): Iterable<TermGroup> {
    return this.groups.get(kind)!.values();
  }

  hasAny(kind: ExistingTermKind): boolean {
    return this.groups.get(kind)!.size > 0;
  }

  private update(nodeName: string, pod: PodInfo, delta: 1 | -1): void {
    for (const kind of kinds) {
      const terms = termsOf(pod, kind);
      if (terms.length === 0) continue;
      const byKey = this.groups.get(kind)!;
      for (const { term, weight } of terms) {
        const key = `${weight}|${term.key}`;
        let group = byKey.get(key);
        if (!group) {
          if (delta < 0) continue;
          group = { kind, term, weight, counts: new Map() };
          byKey.set(key, group);
        }
        const n = (group.counts.get(nodeName) ?? 0) + delta;
        if (n > 0) group.counts.set(nodeName, n);
        else group.counts.delete(nodeName);
        if (group.counts.size === 0) byKey.delete(key);
      }
    }
  }
}
