// Pod (anti-)affinity terms, parsed as kube's framework.AffinityTerm: a term selects the pods, in its namespaces
// or in namespaces its namespaceSelector picks, whose labels match its labelSelector. With neither namespaces nor
// namespaceSelector the term means the pod's own namespace; an empty namespaceSelector ({}) means all namespaces.
import { matchesSelector, selectorFromLabelSelector, type Selector } from '../../apiserver/api/labels.ts';
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../apiserver/api/pod-types.ts';
import type { AffinityTerm, WeightedAffinityTerm } from './types.ts';

function selectorKey(s: Selector | 'nothing'): string {
  return s === 'nothing' ? '!' : JSON.stringify(s.requirements);
}

/** Parses one term of a pod in `podNamespace`; throws when a selector is invalid. */
export function parseAffinityTerm(podNamespace: string, t: PodAffinityTerm): AffinityTerm {
  const selector = selectorFromLabelSelector(t.labelSelector);
  const namespaceSelector = selectorFromLabelSelector(t.namespaceSelector);
  const listed = t.namespaces ?? [];
  const namespaces = new Set(listed.length === 0 && t.namespaceSelector === undefined ? [podNamespace] : listed);
  const key = JSON.stringify([[...namespaces].sort(), selectorKey(namespaceSelector), selectorKey(selector), t.topologyKey]);
  return { key, namespaces, namespaceSelector, selector, topologyKey: t.topologyKey };
}

export function parseWeightedAffinityTerm(podNamespace: string, t: WeightedPodAffinityTerm): WeightedAffinityTerm {
  return { term: parseAffinityTerm(podNamespace, t.podAffinityTerm), weight: t.weight };
}

/**
 * Whether a pod in `namespace` with `labels` is selected by the term. `namespaceLabels` are that namespace's
 * labels, undefined when the namespace is unknown (then only an empty namespaceSelector can pick it).
 */
export function termMatches(
  term: AffinityTerm,
  namespace: string,
  labels: Readonly<Record<string, string>>,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (!term.namespaces.has(namespace) && !namespaceSelected(term.namespaceSelector, namespaceLabels)) return false;
  return matchesSelector(term.selector, labels);
}

function namespaceSelected(sel: Selector | 'nothing', nsLabels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel === 'nothing') return false;
  if (sel.requirements.length === 0) return true;
  return nsLabels !== undefined && matchesSelector(sel, nsLabels);
}

/** Whether the term can depend on namespace labels (so cached matches must be dropped when those change). */
export function termUsesNamespaceLabels(term: AffinityTerm): boolean {
  return term.namespaceSelector !== 'nothing' && term.namespaceSelector.requirements.length > 0;
}
