// Errors at the API are Kubernetes Status objects. Validation code returns FieldError values; the handler turns
// them into one 422 Invalid Status in one place (see invalid()).
import { GoValue, goStringSlice } from './go-format.ts';
import type { Status, StatusCause } from './types.ts';

/** The `reason` values of Kubernetes' field errors (apimachinery field.ErrorType). */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'InternalError';

export interface FieldError {
  type: FieldErrorType;
  /** Path in Kubernetes' notation: `spec.containers[0].image`, `metadata.labels[app]`. */
  field: string;
  /** The offending value, quoted in the message as Kubernetes does. Omitted for Required/Forbidden. */
  value?: unknown;
  /** Detail after the field and value, e.g. "must be no more than 63 characters". */
  detail?: string;
}

export const fieldError = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported', field, value,
    detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  tooLong: (field: string, value: unknown, max: number): FieldError => ({
    type: 'FieldValueTooLong', field, value, detail: `may not be more than ${max} bytes`,
  }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} items`,
  }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
};

const typeText: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
};

/** Renders a field error the way apimachinery's field.Error.Error() does. */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/** The error without its field (apimachinery's ErrorBody): what a Status cause's message holds. */
export function fieldErrorBody(e: FieldError): string {
  // As apimachinery 1.32: Required, Forbidden and TooLong errors don't repeat the value.
  const showValue = e.value !== undefined && e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden' && e.type !== 'FieldValueTooLong';
  const value = showValue ? `: ${typeof e.value === 'string' ? JSON.stringify(e.value) : formatValue(e.value)}` : '';
  return `${typeText[e.type]}${value}${e.detail ? `: ${e.detail}` : ''}`;
}

function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof GoValue) return v.text;
  // Go's %#v, which apimachinery uses for values that are not strings or numbers: []string{"10.96.0.1"}.
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return goStringSlice(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Expired'
  | 'MethodNotAllowed' | 'NotAcceptable' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'Invalid'
  | 'TooManyRequests' | 'InternalError' | 'ServiceUnavailable' | 'Timeout';

/** An error that carries the Status the client will receive. Thrown by handlers, caught by one error hook. */
export class ApiError extends Error {
  readonly status: Status & { code: number };
  constructor(code: number, reason: StatusReason, message: string, details?: Status['details']) {
    super(message);
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details) this.status.details = details;
  }
  get code(): number { return this.status.code; }
  get reason(): string { return this.status.reason ?? ''; }
}

/** `resource` is the plural (`pods`); `group` is '' for the core group. Messages match kube-apiserver's. */
function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const errors = {
  badRequest: (message: string) => new ApiError(400, 'BadRequest', message),
  unauthorized: (message = 'Unauthorized') => new ApiError(401, 'Unauthorized', message),
  forbidden: (message: string, details?: Status['details']) => new ApiError(403, 'Forbidden', message, details),
  /** kube's NewForbidden: `pods "web-1" is forbidden: <reason>`. */
  forbiddenObject: (group: string, resource: string, name: string, reason: string, causes?: StatusCause[]) =>
    new ApiError(403, 'Forbidden', `${qualified(group, resource)} "${name}" is forbidden: ${reason}`,
      { name, group: group || undefined, kind: resource, ...(causes ? { causes } : {}) }),
  notFound: (group: string, resource: string, name: string) =>
    new ApiError(404, 'NotFound', `${qualified(group, resource)} "${name}" not found`,
      { name, group: group || undefined, kind: resource }),
  pathNotFound: (path: string) => new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`),
  alreadyExists: (group: string, resource: string, name: string) =>
    new ApiError(409, 'AlreadyExists', `${qualified(group, resource)} "${name}" already exists`,
      { name, group: group || undefined, kind: resource }),
  conflict: (group: string, resource: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
    new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`,
      { name, group: group || undefined, kind: resource }),
  expired: (message: string) => new ApiError(410, 'Expired', message),
  methodNotAllowed: (message: string) => new ApiError(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => new ApiError(406, 'NotAcceptable', message),
  tooLarge: (limit: number) => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  unsupportedMediaType: (contentType: string) =>
    new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/merge-patch+json, application/strategic-merge-patch+json, application/json-patch+json, application/apply-patch+yaml (got ${JSON.stringify(contentType)})`),
  tooManyRequests: (message: string, retryAfterSeconds: number) =>
    new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) =>
    new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  timeout: (message: string) => new ApiError(504, 'Timeout', message),
};

/** The one place field errors become a 422 Invalid Status, as kube-apiserver's NewInvalid does. */
export function invalid(kind: string, group: string, name: string, fieldErrors: FieldError[]): ApiError {
  const causes: StatusCause[] = fieldErrors.map((e) => ({
    reason: e.type, message: fieldErrorBody(e), field: e.field,
  }));
  const listed = fieldErrors.map(formatFieldError);
  const summary = listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`;
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`,
    { name, group: group || undefined, kind, causes });
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** utilerrors.NewAggregate(...).Error(): duplicates dropped, one message as it is, several as `[a, b]`. */
export function aggregateMessages(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length <= 1 ? unique[0] ?? '' : `[${unique.join(', ')}]`;
}
