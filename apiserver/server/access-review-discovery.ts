// How authorization.k8s.io/v1 appears in discovery: its reviews are answered by handlers of their own
// (access-review-routes.ts), not by the registry, so they are not in the resource table; discovery adds the group
// after the built-in ones. Every review is create-only, as in kube.
import type { ExtraGroup } from './discovery.ts';

export const reviewDiscovery: ExtraGroup = {
  group: 'authorization.k8s.io',
  version: 'v1',
  verbs: ['create'],
  resources: [
    { plural: 'localsubjectaccessreviews', singular: 'localsubjectaccessreview', kind: 'LocalSubjectAccessReview', namespaced: true },
    { plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false },
    { plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false },
    { plural: 'subjectaccessreviews', singular: 'subjectaccessreview', kind: 'SubjectAccessReview', namespaced: false },
  ],
};
