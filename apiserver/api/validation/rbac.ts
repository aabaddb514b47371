// RBAC validation (rbac.authorization.k8s.io/v1), after Kubernetes' pkg/apis/rbac/validation. Names of roles and
// bindings only have to be usable as a path segment (`system:kube-scheduler` is a name), which the registry checks
// through nameValidatorFor. A binding's roleRef is fixed once created: changing whom it grants what would turn an
// audit trail of "who bound this" into a lie, so kube makes you delete and recreate it.
import { fieldError, type FieldError } from '../errors.ts';
import { GoValue, goQuote } from '../go-format.ts';
import { validateLabelSelector } from '../labels.ts';
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { isValidPathSegmentName, nameIsDNSSubdomain } from './names.ts';

export const rbacGroup = 'rbac.authorization.k8s.io';

export function validateRole(role: Role): FieldError[] {
  return validateRules(role.rules, true);
}

export function validateClusterRole(role: ClusterRole): FieldError[] {
  const errs = validateRules(role.rules, false);
  const aggregation = role.aggregationRule;
  if (aggregation) {
    const selectorsPath = 'aggregationRule.clusterRoleSelectors';
    const selectors = aggregation.clusterRoleSelectors ?? [];
    if (selectors.length === 0) {
      errs.push(fieldError.required(selectorsPath, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    }
    selectors.forEach((selector, i) => errs.push(...validateLabelSelector(selector, index(selectorsPath, i))));
  }
  return errs;
}

function validateRules(rules: PolicyRule[] | undefined, namespaced: boolean): FieldError[] {
  return (rules ?? []).flatMap((rule, i) => validatePolicyRule(rule, namespaced, index('rules', i)));
}

/** ValidatePolicyRule: verbs always; then either non-resource URLs (cluster roles only) or groups and resources. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((rule.verbs ?? []).length === 0) errs.push(fieldError.required(child(path, 'verbs'), 'verbs must contain at least one value'));
  const urls = rule.nonResourceURLs ?? [];
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldError.invalid(child(path, 'nonResourceURLs'), urls, 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0) {
      errs.push(fieldError.invalid(child(path, 'nonResourceURLs'), urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if ((rule.apiGroups ?? []).length === 0) errs.push(fieldError.required(child(path, 'apiGroups'), 'resource rules must supply at least one api group'));
  if ((rule.resources ?? []).length === 0) errs.push(fieldError.required(child(path, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRoleBinding(binding: RoleBinding): FieldError[] {
  return validateBinding(binding.roleRef, binding.subjects, ['Role', 'ClusterRole'], true);
}

export function validateClusterRoleBinding(binding: ClusterRoleBinding): FieldError[] {
  return validateBinding(binding.roleRef, binding.subjects, ['ClusterRole'], false);
}

/** An update of either kind of binding: its roleRef may not change. */
export function validateBindingUpdate(binding: RoleBinding | ClusterRoleBinding, old: RoleBinding | ClusterRoleBinding): FieldError[] {
  return roleRefUnchanged(binding.roleRef, old.roleRef);
}

export const validateRoleBindingUpdate: (binding: RoleBinding, old: RoleBinding) => FieldError[] = validateBindingUpdate;
export const validateClusterRoleBindingUpdate: (binding: ClusterRoleBinding, old: ClusterRoleBinding) => FieldError[] = validateBindingUpdate;

function validateBinding(
  roleRef: RoleRef | undefined, subjects: Subject[] | undefined, kinds: string[], namespaced: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const ref: Partial<RoleRef> = roleRef ?? {};
  if (ref.apiGroup !== rbacGroup) errs.push(fieldError.notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  if (!kinds.includes(ref.kind ?? '')) errs.push(fieldError.notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(fieldError.required('roleRef.name', ''));
  else errs.push(...invalidEach('roleRef.name', ref.name, isValidPathSegmentName(ref.name)));
  (subjects ?? []).forEach((subject, i) => errs.push(...validateSubject(subject, namespaced, index('subjects', i))));
  return errs;
}

/** ValidateRoleBindingSubject: User and Group subjects belong to the RBAC group, ServiceAccounts to the core one. */
export function validateSubject(subject: Subject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!subject.name) errs.push(fieldError.required(child(path, 'name'), ''));
  switch (subject.kind) {
    case 'ServiceAccount':
      if (subject.name) errs.push(...invalidEach(child(path, 'name'), subject.name, nameIsDNSSubdomain(subject.name, false)));
      if (subject.apiGroup) errs.push(fieldError.notSupported(child(path, 'apiGroup'), subject.apiGroup, ['']));
      // A RoleBinding's ServiceAccount defaults to the binding's namespace; a cluster binding has none to offer.
      if (!namespaced && !subject.namespace) errs.push(fieldError.required(child(path, 'namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (subject.apiGroup !== rbacGroup) errs.push(fieldError.notSupported(child(path, 'apiGroup'), subject.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(fieldError.notSupported(child(path, 'kind'), subject.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** Whether two roleRefs name the same role (a missing field counts as empty). */
export function sameRoleRef(a: RoleRef | undefined, b: RoleRef | undefined): boolean {
  return (a?.apiGroup ?? '') === (b?.apiGroup ?? '') && (a?.kind ?? '') === (b?.kind ?? '') && (a?.name ?? '') === (b?.name ?? '');
}

function roleRefUnchanged(roleRef: RoleRef | undefined, old: RoleRef | undefined): FieldError[] {
  if (sameRoleRef(roleRef, old)) return [];
  // kube prints the internal struct with %#v: rbac.RoleRef{APIGroup:"...", Kind:"...", Name:"..."}.
  const printed = `rbac.RoleRef{APIGroup:${goQuote(roleRef?.apiGroup ?? '')}, Kind:${goQuote(roleRef?.kind ?? '')}, Name:${goQuote(roleRef?.name ?? '')}}`;
  return [fieldError.invalid('roleRef', new GoValue(printed), 'cannot change roleRef')];
}
