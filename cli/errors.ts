// How skiffctl fails: one message on stderr, in kubectl's words, and exit code 1 (kubectl's DefaultErrorExitCode).
// Commands throw; main() prints through formatError. Errors already shaped for the user are CliErrors; server
// answers arrive as ApiStatusError from the client and are worded here, as kubectl's cmdutil.CheckErr words them.
import { ApiStatusError } from '../apiserver/client/status-error.ts';

export class CliError extends Error {
  readonly exitCode: number;

  /** `message` is printed exactly as given (it carries its own `error: ` prefix where kubectl has one). */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A plain `error: ...` line. */
export function usageError(message: string): CliError {
  return new CliError(`error: ${message}`);
}

/** Several failures of one command (e.g. two names not found), each on its own line, in order. */
export class AggregateCliError extends Error {
  readonly errors: unknown[];

  constructor(errors: unknown[]) {
    super(errors.map((e) => formatError(e)).join('\n'));
    this.name = 'AggregateCliError';
    this.errors = errors;
  }
}

function networkCode(e: unknown): string | undefined {
  for (let cur: unknown = e; cur instanceof Error; cur = cur.cause) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (code) return code;
  }
  return undefined;
}

/** The text kubectl would print for `e` (without a trailing newline). */
export function formatError(e: unknown, server?: string): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof AggregateCliError) return e.message;
  if (e instanceof ApiStatusError) {
    const { reason } = e.status;
    if (reason === 'Unauthorized') return `error: You must be logged in to the server (${e.status.message || 'Unauthorized'})`;
    if (reason) return `Error from server (${reason}): ${e.message}`;
    return `Error from server: ${e.message}`;
  }
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

export function exitCodeOf(e: unknown): number {
  return e instanceof CliError ? e.exitCode : 1;
}
