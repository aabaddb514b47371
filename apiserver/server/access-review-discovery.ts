// How authorization.k8s.io/v1 appears in discovery: its reviews are answered by handlers of their own
// (access-review-routes.ts), not by the registry, so they are not in the resource table; discovery adds the group
// after the built-in ones. Every review is create-only, as in kube.
import type { APIResource, APIResourceList } from '../api/types.ts';

export const reviewGroup = 'authorization.k8s.io';
export const reviewVersion = 'v1';
const groupVersion = `${reviewGroup}/${reviewVersion}`;
const verbs = ['create'];

const reviews: readonly { plural: string; kind: string; namespaced: boolean }[] = [
  { plural: 'localsubjectaccessreviews', kind: 'LocalSubjectAccessReview', namespaced: true },
  { plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false },
  { plural: 'selfsubjectrulesreviews', kind: 'SelfSubjectRulesReview', namespaced: false },
  { plural: 'subjectaccessreviews', kind: 'SubjectAccessReview', namespaced: false },
];

/** The group as listed in /apis (APIGroup without kind and apiVersion). */
export function reviewAPIGroup(): { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion: { groupVersion: string; version: string } } {
  const version = { groupVersion, version: reviewVersion };
  return { name: reviewGroup, versions: [version], preferredVersion: version };
}

export function reviewAPIResourceList(): APIResourceList {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion,
    resources: reviews.map((r): APIResource => ({
      name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs,
    })),
  };
}

/** The group's entry in an apidiscovery.k8s.io APIGroupDiscoveryList. */
export function reviewGroupDiscovery(): Record<string, unknown> {
  return {
    metadata: { name: reviewGroup },
    versions: [{
      version: reviewVersion,
      freshness: 'Current',
      resources: reviews.map((r) => ({
        resource: r.plural,
        responseKind: { group: reviewGroup, version: reviewVersion, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.kind.toLowerCase(),
        verbs,
      })),
    }],
  };
}
