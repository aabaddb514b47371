// authorization.k8s.io/v1 reviews: "may this user do this?" (SubjectAccessReview, LocalSubjectAccessReview), "may
// I?" (SelfSubjectAccessReview, `kubectl auth can-i`) and "what may I do here?" (SelfSubjectRulesReview, `can-i
// --list`). Each is answered by the server's own authorizer and returned, never stored, so like selfsubjectreviews
// they sit beside the resource table rather than in it. Creating one is itself authorized like any request
// (system:basic-user lets everyone ask about themselves).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fieldValidationMode, parseBody } from '../api/decode.ts';
import { aggregateMessages, errors, invalid, type FieldError } from '../api/errors.ts';
import type {
  KubeObject, NonResourceRule, ResourceAttributes, ResourceRule, SubjectAccessReviewSpec, SubjectAccessReviewStatus,
} from '../api/types.ts';
import { validateAccessReviewSpec, validateLocalReview, validateReviewMetadata } from '../api/validation/access-review.ts';
import { decodeObject } from '../registry/object-decoder.ts';
import type { Authorizer, RequestAttributes, RuleResolver } from './authz.ts';
import { isRawBody } from './body.ts';
import type { UserInfo } from './user.ts';

const group = 'authorization.k8s.io';
const base = `/apis/${group}/v1`;

type ReviewKind = 'SubjectAccessReview' | 'SelfSubjectAccessReview' | 'LocalSubjectAccessReview' | 'SelfSubjectRulesReview';

function decodeReview(request: FastifyRequest, reply: FastifyReply, kind: ReviewKind): KubeObject {
  const body = request.body;
  if (!isRawBody(body)) throw errors.badRequest('the request has no body');
  if (body.format !== 'json' && body.format !== 'yaml') throw errors.unsupportedMediaType(String(request.headers['content-type']));
  const parsed = parseBody(body.text, body.format, kind);
  const fieldValidation = fieldValidationMode((request.query as Record<string, string | undefined>).fieldValidation, 'CreateOptions');
  const decoded = decodeObject({ group, version: 'v1', kind }, parsed.value, { fieldValidation, duplicates: parsed.duplicates });
  if (decoded.warnings.length > 0) reply.header('Warning', decoded.warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  return decoded.object;
}

function check(kind: ReviewKind, fieldErrors: FieldError[]): void {
  if (fieldErrors.length > 0) throw invalid(kind, group, '', fieldErrors);
}

/** kube's ResourceAttributesFrom / NonResourceAttributesFrom. */
export function reviewAttributes(user: UserInfo, spec: SubjectAccessReviewSpec): RequestAttributes {
  const r: ResourceAttributes | undefined = spec.resourceAttributes;
  if (r) {
    return {
      user, verb: r.verb ?? '', apiGroup: r.group ?? '', apiVersion: r.version ?? '', resource: r.resource ?? '',
      subresource: r.subresource ?? '', namespace: r.namespace ?? '', name: r.name ?? '', path: '', resourceRequest: true,
    };
  }
  const n = spec.nonResourceAttributes ?? {};
  return {
    user, verb: n.verb ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '',
    path: n.path ?? '', resourceRequest: false,
  };
}

function decide(authorizer: Authorizer, attrs: RequestAttributes): SubjectAccessReviewStatus {
  const decision = authorizer.authorize(attrs);
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

/** The user a SubjectAccessReview names: exactly as given (no system:authenticated added), as kube does. */
function specUser(spec: SubjectAccessReviewSpec): UserInfo {
  return {
    name: spec.user ?? '', groups: spec.groups ?? [],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
}

export function registerAccessReviewRoutes(app: FastifyInstance, authorizer: Authorizer & RuleResolver): void {
  const requestor = (request: FastifyRequest): UserInfo => {
    if (!request.user) throw errors.unauthorized();
    return request.user;
  };

  app.post(`${base}/subjectaccessreviews`, async (request, reply) => {
    requestor(request);
    const review = decodeReview(request, reply, 'SubjectAccessReview');
    const spec = (review.spec ?? {}) as SubjectAccessReviewSpec;
    check('SubjectAccessReview', [...validateAccessReviewSpec(spec, false), ...validateReviewMetadata(review.metadata, false)]);
    review.status = decide(authorizer, reviewAttributes(specUser(spec), spec));
    return reply.code(201).send(review);
  });

  app.post(`${base}/namespaces/:namespace/localsubjectaccessreviews`, async (request, reply) => {
    requestor(request);
    const { namespace } = request.params as { namespace: string };
    const review = decodeReview(request, reply, 'LocalSubjectAccessReview');
    const meta = (review.metadata ??= {});
    if (meta.namespace && meta.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = namespace;
    const spec = (review.spec ?? {}) as SubjectAccessReviewSpec;
    check('LocalSubjectAccessReview', [
      ...validateAccessReviewSpec(spec, false), ...validateReviewMetadata(meta, true), ...validateLocalReview(spec, namespace),
    ]);
    review.status = decide(authorizer, reviewAttributes(specUser(spec), spec));
    return reply.code(201).send(review);
  });

  app.post(`${base}/selfsubjectaccessreviews`, async (request, reply) => {
    const user = requestor(request);
    const review = decodeReview(request, reply, 'SelfSubjectAccessReview');
    const spec = (review.spec ?? {}) as SubjectAccessReviewSpec;
    check('SelfSubjectAccessReview', [...validateAccessReviewSpec(spec, true), ...validateReviewMetadata(review.metadata, false)]);
    review.status = decide(authorizer, reviewAttributes(user, spec));
    return reply.code(201).send(review);
  });

  app.post(`${base}/selfsubjectrulesreviews`, async (request, reply) => {
    const user = requestor(request);
    const review = decodeReview(request, reply, 'SelfSubjectRulesReview');
    const namespace = (review.spec as { namespace?: string } | undefined)?.namespace ?? '';
    if (!namespace) throw errors.badRequest('no namespace on request');
    const rules = authorizer.rulesFor(user, namespace);
    const status: { resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[]; incomplete: boolean; evaluationError?: string } = {
      resourceRules: rules.resourceRules, nonResourceRules: rules.nonResourceRules, incomplete: rules.incomplete,
    };
    if (rules.errors.length > 0) status.evaluationError = aggregateMessages(rules.errors);
    // kube answers with a fresh object: only the status, not the spec that was sent.
    return reply.code(201).send({ kind: 'SelfSubjectRulesReview', apiVersion: `${group}/v1`, metadata: {}, spec: {}, status });
  });
}
