// PodMatchers for pod affinity terms, so the snapshot can memoise "pods per node selected by this term".
import { termMatches, termUsesNamespaceLabels } from './affinity-terms.ts';
import type { PodMatcher } from './pod-count-index.ts';
import type { AffinityTerm } from './types.ts';

/** Pods the term selects. */
export function termMatcher(term: AffinityTerm): PodMatcher {
  return {
    key: `term\n${term.key}`,
    usesNamespaceLabels: termUsesNamespaceLabels(term),
    matches: (pod, nsLabels) => termMatches(term, pod.namespace, pod.labels, nsLabels(pod.namespace)),
  };
}

/** Pods every one of the terms selects (how required pod affinity counts a pod as a match). */
export function allTermsMatcher(terms: readonly AffinityTerm[]): PodMatcher {
  return {
    key: `all\n${terms.map((t) => t.key).join('\n')}`,
    usesNamespaceLabels: terms.some(termUsesNamespaceLabels),
    matches: (pod, nsLabels) => {
      if (terms.length === 0) return false;
      const labels = nsLabels(pod.namespace);
      for (const t of terms) if (!termMatches(t, pod.namespace, pod.labels, labels)) return false;
      return true;
    },
  };
}
