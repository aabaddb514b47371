// Validation of the authorization.k8s.io/v1 reviews (kube's pkg/apis/authorization/validation): a review asks
// about exactly one request, resource or not, and is never stored, so its metadata must be empty.
import { fieldError, type FieldError } from '../errors.ts';
import { GoValue, goQuote } from '../go-format.ts';
import type { NonResourceAttributes, ObjectMeta, SubjectAccessReviewSpec } from '../types.ts';
import { semanticEqual } from './common.ts';

/** Go's %#v of the internal *NonResourceAttributes, as kube's messages print it. */
function nonResourceValue(attrs: NonResourceAttributes | undefined): GoValue {
  if (!attrs) return new GoValue('(*authorization.NonResourceAttributes)(nil)');
  return new GoValue(`&authorization.NonResourceAttributes{Path:${goQuote(attrs.path ?? '')}, Verb:${goQuote(attrs.verb ?? '')}}`);
}

function metadataValue(meta: ObjectMeta | undefined): GoValue {
  const set = Object.entries(meta ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return new GoValue(`v1.ObjectMeta{${set.map(([k, v]) => `${k[0].toUpperCase()}${k.slice(1)}:${typeof v === 'string' ? goQuote(v) : JSON.stringify(v)}`).join(', ')}}`);
}

/** ValidateSelfSubjectAccessReviewSpec; `self` false adds SubjectAccessReviewSpec's "who" check. */
export function validateAccessReviewSpec(spec: SubjectAccessReviewSpec | undefined, self: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const s = spec ?? {};
  if (s.resourceAttributes && s.nonResourceAttributes) {
    errs.push(fieldError.invalid('spec.nonResourceAttributes', nonResourceValue(s.nonResourceAttributes), 'cannot be specified in combination with resourceAttributes'));
  }
  if (!s.resourceAttributes && !s.nonResourceAttributes) {
    errs.push(fieldError.invalid('spec.resourceAttributes', nonResourceValue(s.nonResourceAttributes), 'exactly one of nonResourceAttributes or resourceAttributes must be specified'));
  }
  if (!self && !s.user && (s.groups ?? []).length === 0) {
    errs.push(fieldError.invalid('spec.user', s.user ?? '', 'at least one of user or group must be specified'));
  }
  return errs;
}

/** Reviews are not objects anyone keeps: no name, labels or anything else (managedFields aside). */
export function validateReviewMetadata(meta: ObjectMeta | undefined, allowNamespace: boolean): FieldError[] {
  const rest: Record<string, unknown> = { ...meta };
  delete rest.managedFields;
  // A client that round-trips the object sends creationTimestamp: null, which Go decodes to the zero time.
  if (rest.creationTimestamp === null) delete rest.creationTimestamp;
  if (allowNamespace) delete rest.namespace;
  if (semanticEqual(rest, {})) return [];
  return [fieldError.invalid('metadata', metadataValue(meta), allowNamespace ? 'must be empty except for namespace' : 'must be empty')];
}

/** ValidateLocalSubjectAccessReview's own rules: the namespace asked about is the review's, and only resources. */
export function validateLocalReview(spec: SubjectAccessReviewSpec | undefined, namespace: string): FieldError[] {
  const errs: FieldError[] = [];
  if (spec?.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== namespace) {
    errs.push(fieldError.invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
  }
  if (spec?.nonResourceAttributes) {
    errs.push(fieldError.invalid('spec.nonResourceAttributes', nonResourceValue(spec.nonResourceAttributes), 'disallowed on this kind of request'));
  }
  return errs;
}
