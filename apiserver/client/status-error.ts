// Every non-2xx answer from the apiserver becomes an ApiStatusError carrying a Kubernetes Status, so callers branch
// on `code`/`reason` the way client-go's apierrors.IsNotFound/IsConflict do, whatever the server put in the body.
import type { Status } from '../api/types.ts';

export type StatusWithCode = Status & { code: number };

export class ApiStatusError extends Error {
  readonly status: StatusWithCode;

  constructor(status: StatusWithCode) {
    super(status.message || `the server responded with HTTP ${status.code}`);
    this.name = 'ApiStatusError';
    this.status = status;
  }

  get code(): number { return this.status.code; }
  get reason(): string { return this.status.reason ?? ''; }
}

/**
 * A fenced client refused to send a write because its fence provider had no token: this process does not (or no
 * longer) hold the lease. Nothing reached the server. Deliberately not an ApiStatusError, so retry-on-conflict
 * loops do not spin on it.
 */
export class NotLeaderError extends Error {
  constructor(method: string, path: string) {
    super(`refusing ${method} ${path}: this client is fenced and holds no leader lease`);
    this.name = 'NotLeaderError';
  }
}

/** The reasons apimachinery's NewGenericServerResponse assigns when the body is not a Status. */
function reasonForCode(code: number, method: string): string {
  switch (code) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 406: return 'NotAcceptable';
    case 409: return method === 'POST' ? 'AlreadyExists' : 'Conflict';
    case 410: return 'Expired';
    case 413: return 'RequestEntityTooLarge';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

function isStatusBody(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status';
}

/** The Status for an HTTP answer: the body's own when it is one, else one synthesized from the code and text. */
export function statusFromResponse(code: number, body: string, method = 'GET'): StatusWithCode {
  let parsed: unknown;
  try { parsed = body ? JSON.parse(body) : undefined; } catch { parsed = undefined; }
  if (isStatusBody(parsed)) {
    // The HTTP code is authoritative; some servers omit `code` from the body.
    return { ...parsed, code: typeof parsed.code === 'number' ? parsed.code : code };
  }
  const text = body.trim();
  const message = text
    ? `the server responded with HTTP ${code}: ${text.length > 500 ? `${text.slice(0, 500)}...` : text}`
    : `the server responded with HTTP ${code}`;
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    code, reason: reasonForCode(code, method), message,
  };
}

/** A Status embedded in a watch ERROR event. */
export function statusFromWatchError(obj: unknown): StatusWithCode {
  if (isStatusBody(obj)) return { ...obj, code: typeof obj.code === 'number' ? obj.code : 500 };
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
    message: `watch ERROR event without a Status: ${JSON.stringify(obj).slice(0, 300)}`,
  };
}

function codeOf(e: unknown): number | undefined {
  return e instanceof ApiStatusError ? e.code : undefined;
}
function reasonOf(e: unknown): string | undefined {
  return e instanceof ApiStatusError ? e.reason : undefined;
}

export const isNotFound = (e: unknown): boolean => codeOf(e) === 404;
export const isAlreadyExists = (e: unknown): boolean => reasonOf(e) === 'AlreadyExists';
/** A 409 that is not AlreadyExists: a stale resourceVersion, or a write refused by the fence. */
export const isConflict = (e: unknown): boolean => codeOf(e) === 409 && reasonOf(e) !== 'AlreadyExists';
export const isInvalid = (e: unknown): boolean => codeOf(e) === 422;
export const isForbidden = (e: unknown): boolean => codeOf(e) === 403;
/** A create refused because the namespace is being deleted (kube's NamespaceTerminating cause): nothing to retry. */
export const isNamespaceTerminating = (e: unknown): boolean => e instanceof ApiStatusError && e.code === 403
  && (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');
export const isUnauthorized = (e: unknown): boolean => codeOf(e) === 401;
export const isTooManyRequests = (e: unknown): boolean => codeOf(e) === 429;
/** A resourceVersion too old to serve (410, reason Expired or Gone): the caller must relist. */
export const isExpired = (e: unknown): boolean =>
  codeOf(e) === 410 || reasonOf(e) === 'Expired' || reasonOf(e) === 'Gone';
/** Answers worth retrying unchanged after a pause: overload and server-side trouble. */
export const isTransient = (e: unknown): boolean => {
  const code = codeOf(e);
  return code === 429 || code === 500 || code === 502 || code === 503 || code === 504;
};
