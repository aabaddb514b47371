// Docker's failures as ContainerRuntimeErrors: the HTTP status (or socket error) becomes a reason callers act on,
// and the message keeps the daemon's own words.
import { ContainerRuntimeError, type RuntimeErrorReason } from './runtime.ts';

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | string | null;
  message?: string;
}

export function errorMessage(err: unknown): string {
  const e = err as DockerodeError | undefined;
  if (e && typeof e.json === 'object' && e.json && typeof e.json.message === 'string') return e.json.message;
  // docker-modem prefixes the daemon's text with its own "(HTTP code 500) server error - "; users want the text.
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

export function statusOf(err: unknown): number | undefined {
  const code = (err as DockerodeError | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE']);

/** Docker's answer as one of our reasons; `notFound` says what a 404 means for this call. */
export function translate(err: unknown, what: string, notFound: RuntimeErrorReason = 'NotFound'): ContainerRuntimeError {
  if (err instanceof ContainerRuntimeError) return err;
  const statusCode = statusOf(err);
  const message = `${what}: ${errorMessage(err)}`;
  const code = (err as DockerodeError | undefined)?.code;
  let reason: RuntimeErrorReason = 'Failed';
  if (statusCode === 404) reason = notFound;
  else if (statusCode === 409) reason = 'Conflict';
  // Docker answers 400 "No such container" when a container to join (the sandbox) is missing.
  else if (statusCode === 400) reason = /no such container/i.test(message) ? 'NotFound' : 'InvalidConfig';
  else if (statusCode === undefined && code !== undefined && unreachableCodes.has(code)) reason = 'Unavailable';
  return new ContainerRuntimeError(reason, message, { statusCode, cause: err });
}

/** A 404 on create means a missing image, or a missing network or sandbox to join. */
export function createNotFoundReason(err: unknown): RuntimeErrorReason {
  return /no such image/i.test(errorMessage(err)) ? 'ImageNotFound' : 'NotFound';
}
