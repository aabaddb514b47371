// How skiffctl fails: one message on stderr, in kubectl's words, and exit code 1 (kubectl's DefaultErrorExitCode).
// Commands throw; main() prints through formatError. Errors already shaped for the user are CliErrors; server
// answers arrive as ApiStatusError from the client and are worded here, as kubectl's cmdutil.CheckErr words them.
import { ApiStatusError } from '../apiserver/client/status-error.ts';

export class CliError extends Error {
  readonly exitCode: number;
  /** How the error reads among several (kubectl's MultipleErrors); undefined: the message without `error: `. */
  readonly aggregateText: string | undefined;

  /** `message` is printed exactly as given (it carries its own `error: ` prefix where kubectl has one). */
  constructor(message: string, exitCode = 1, aggregateText?: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.aggregateText = aggregateText;
  }
}

/**
 * A Go error whose text already begins with `error: ` (kubectl's rollout and set commands word some that way): it
 * keeps that text alone and among others.
 */
export function goError(text: string): CliError {
  return new CliError(text.startsWith('error: ') ? text : `error: ${text}`, 1, text);
}

/** Ends the command with `exitCode` and prints nothing (diff's 1 for "changes found", exec's remote exit code). */
export class SilentExit extends CliError {
  constructor(exitCode: number) {
    super('', exitCode);
    this.name = 'SilentExit';
  }
}

/** A plain `error: ...` line. */
export function usageError(message: string): CliError {
  return new CliError(`error: ${message}`);
}

/**
 * Several failures of one command (e.g. two names not found), each on its own line, in order. As kubectl's
 * MultipleErrors, server errors keep their `Error from server (...)` wording but other messages lose the `error: `
 * prefix a lone error gets.
 */
export class AggregateCliError extends Error {
  readonly errors: unknown[];

  constructor(errors: unknown[]) {
    super(errors.map((e) => {
      if (e instanceof ApiStatusError) return statusMessage(e);
      if (e instanceof CliError && e.aggregateText !== undefined) return e.aggregateText;
      return formatError(e).replace(/^error: /, '');
    }).join('\n'));
    this.name = 'AggregateCliError';
    this.errors = errors;
  }
}

/** Throws nothing for no errors, the error itself for one, an AggregateCliError for several. */
export function throwCollected(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateCliError(errors);
}

function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (code) return code;
  }
  return undefined;
}

/** kubectl's StandardErrorMessage for a server error. */
function statusMessage(e: ApiStatusError): string {
  const { reason } = e.status;
  if (reason === 'Unauthorized') return `error: You must be logged in to the server (${e.status.message || 'Unauthorized'})`;
  if (reason) return `Error from server (${reason}): ${e.message}`;
  return `Error from server: ${e.message}`;
}

/** The text kubectl would print for `e` (without a trailing newline). */
export function formatError(e: unknown, server?: string): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof AggregateCliError) return e.message;
  if (e instanceof ApiStatusError && e.status.reason === 'Invalid') return invalidMessage(e);
  if (e instanceof ApiStatusError) return statusMessage(e);
  const code = networkCode(e);
  if (code === 'ECONNREFUSED' && server) {
    return `The connection to the server ${new URL(server).host} was refused - did you specify the right host or port?`;
  }
  if (code && server && /^(ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|CERT_HAS_EXPIRED)$/.test(code)) {
    return `Unable to connect to the server: ${(e as Error).message}`;
  }
  const message = e instanceof Error ? e.message : String(e);
  return message.startsWith('error: ') ? message : `error: ${message}`;
}

/** kubectl's wording of a 422: `The Deployment "web" is invalid: spec.replicas: Invalid value: ...`, one cause a line. */
function invalidMessage(e: ApiStatusError): string {
  const { details, message } = e.status;
  let head = 'The request is invalid';
  if (!details) return message ? `${head}: ${message}` : head;
  if (details.kind || details.name) head = `The ${details.kind ?? ''} ${JSON.stringify(details.name ?? '')} is invalid`;
  else if (message && !details.causes?.length) head += `: ${message}`;
  const causes = [...new Set((details.causes ?? []).map((c) => `${c.field ?? ''}: ${c.message ?? ''}`))];
  if (causes.length === 0) return head;
  if (causes.length === 1) return `${head}: ${causes[0]}`;
  return `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
}

export function exitCodeOf(e: unknown): number {
  return e instanceof CliError ? e.exitCode : 1;
}

/**
 * kubectl's AddSourceToErr: `error when creating "x.yaml": ...` in front of the message, keeping a server error a
 * server error (so it still prints as `Error from server (Reason): ...`).
 */
export function withSource(verb: string, source: string | undefined, e: unknown): unknown {
  if (!source) return e;
  const prefix = `error when ${verb} ${JSON.stringify(source)}: `;
  if (e instanceof ApiStatusError) return new ApiStatusError({ ...e.status, message: `${prefix}${e.status.message ?? e.message}` });
  if (e instanceof CliError) return new CliError(`error: ${prefix}${e.message.replace(/^error: /, '')}`, e.exitCode);
  return new Error(`${prefix}${e instanceof Error ? e.message : String(e)}`);
}

/** A server error worded as Go's `%v` of it (no `Error from server` prefix): `failed to create configmap: ...`. */
export function wrapError(prefix: string, e: unknown): CliError {
  const message = e instanceof Error ? e.message.replace(/^error: /, '') : String(e);
  return usageError(`${prefix}: ${message}`);
}

/** kubectl's error when neither names nor -f say which objects a verb acts on. */
export function noResourcesError(): CliError {
  return new CliError(`error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`);
}
