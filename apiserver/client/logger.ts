// The client is a library used by daemons and by skiffctl alike. When a caller passes no logger, warnings and errors
// still go somewhere useful (stderr) without ever mixing into a CLI's stdout.
import { pino, type Logger } from 'pino';

let fallback: Logger | undefined;

export function defaultLogger(): Logger {
  fallback ??= pino({ name: 'skiff-client', level: process.env.SKIFF_CLIENT_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  return fallback;
}

export type { Logger };
