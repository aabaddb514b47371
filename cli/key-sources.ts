// The data of `create configmap` and `create secret generic`: --from-literal=key=value, --from-file=[key=]path
// (a directory adds each regular file in it), --from-env-file=path (KEY=VALUE lines), parsed and checked with
// kubectl's rules and messages. Keys are config-map keys for both kinds.
import fs from 'node:fs';
import path from 'node:path';
import { usageError } from './errors.ts';

export interface KeySourceOptions {
  fromLiteral?: string[];
  fromFile?: string[];
  fromEnvFile?: string[];
}

export interface KeyData {
  /** Text values (UTF-8 files and literals). */
  text: Map<string, string>;
  /** Values that are not valid UTF-8 (config maps keep them in binaryData). */
  binary: Map<string, Buffer>;
}

/** How the two kinds word a duplicate or invalid key. */
export interface KeyRules {
  invalid(key: string, problems: string): string;
  duplicate(key: string, inBinary: boolean): string;
  envFileIsDirectory: string;
}

const keyPattern = /^[-._a-zA-Z0-9]+$/;

/** validation.IsConfigMapKey. */
export function keyProblems(key: string): string[] {
  const problems: string[] = [];
  if (key.length > 253) problems.push('must be no more than 253 characters');
  if (!keyPattern.test(key)) {
    problems.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  }
  if (key === '.') problems.push("must not be '.'");
  else if (key === '..') problems.push("must not be '..'");
  else if (key.startsWith('..')) problems.push("must not start with '..'");
  return problems;
}

export function parseLiteralSource(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) throw usageError(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

export function parseFileSource(source: string): [string, string] {
  const count = source.split('=').length - 1;
  if (count === 0) return [path.posix.basename(source), source];
  if (count === 1 && source.startsWith('=')) throw usageError(`key name for file path ${source.slice(1)} missing`);
  if (count === 1 && source.endsWith('=')) throw usageError(`file path for key name ${source.slice(0, -1)} missing`);
  if (count > 1) throw usageError("key names or file paths cannot contain '='");
  const [key, file] = source.split('=');
  return [key, file];
}

export function collectKeyData(opts: KeySourceOptions, rules: KeyRules): KeyData {
  const data: KeyData = { text: new Map(), binary: new Map() };
  if (opts.fromEnvFile?.length && (opts.fromFile?.length || opts.fromLiteral?.length)) {
    throw usageError('from-env-file cannot be combined with from-file or from-literal');
  }
  const add = (key: string, value: string | Buffer): void => {
    const problems = keyProblems(key);
    if (problems.length > 0) throw usageError(rules.invalid(key, problems.join(',')));
    if (data.text.has(key)) throw usageError(rules.duplicate(key, false));
    if (data.binary.has(key)) throw usageError(rules.duplicate(key, true));
    if (typeof value === 'string') data.text.set(key, value);
    else data.binary.set(key, value);
  };
  const addFile = (key: string, file: string): void => {
    const bytes = fs.readFileSync(file);
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    add(key, Buffer.from(text, 'utf8').equals(bytes) ? text : bytes);
  };
  for (const source of opts.fromFile ?? []) {
    const [key, file] = parseFileSource(source);
    const stat = statOrFail(file);
    if (stat.isDirectory()) {
      if (source.includes('=')) throw usageError('cannot give a key name for a directory path');
      for (const entry of fs.readdirSync(file, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (entry.isFile()) addFile(entry.name, path.join(file, entry.name));
      }
    } else {
      addFile(key, file);
    }
  }
  for (const source of opts.fromLiteral ?? []) add(...parseLiteralSource(source));
  for (const file of opts.fromEnvFile ?? []) {
    if (statOrFail(file).isDirectory()) throw usageError(rules.envFileIsDirectory);
    for (const [key, value] of parseEnvFile(file)) add(key, value);
  }
  return data;
}

function statOrFail(file: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw usageError(`error reading ${file}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
}

/** KEY=VALUE lines; blank lines and # comments skipped; a bare KEY takes its value from the environment. */
export function parseEnvFile(file: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw usageError(`"${key}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (line ${i + 1} of ${file})`);
    }
    if (eq >= 0) out.push([key, line.slice(eq + 1)]);
    else if (process.env[key] !== undefined) out.push([key, process.env[key] ?? '']);
  });
  return out;
}
