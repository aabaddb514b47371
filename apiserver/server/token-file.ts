// Static bearer tokens from kube-apiserver's --token-auth-file CSV: `token,user,uid[,"group1,group2"]`.
// The file is parsed as Go's encoding/csv reads it (RFC 4180 quoting, any number of columns, empty lines
// skipped, no comment syntax: a `#` line is a record like any other). Unlike kube-apiserver, which needs a
// restart, Skiff picks up edits to the file, so tokens can be added and revoked while it runs.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { UserInfo } from './user.ts';

/**
 * Parses the token file into a map from token to user. Throws on the first bad record, naming its line and never
 * its content (the content is a credential). Stricter than kube-apiserver in three places, because each is a
 * mistake that would otherwise pass silently: an empty token or an empty user name is an error (kube warns and
 * skips the record, or accepts the empty name), and so is a duplicate token (kube warns and the last line wins,
 * so the same token could silently change identity).
 */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const firstLine = new Map<string, number>();
  for (const { fields, line } of readCsvRecords(text)) {
    if (fields.length < 3) {
      throw new Error(`line ${line}: must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    const [token, name, uid, groupField] = fields;
    if (token === '') throw new Error(`line ${line}: empty token`);
    if (name === '') throw new Error(`line ${line}: empty user name`);
    const earlier = firstLine.get(token);
    if (earlier !== undefined) throw new Error(`line ${line}: duplicate token (first used on line ${earlier})`);
    firstLine.set(token, line);
    // Several groups share one quoted column, comma-separated, as in kube. Empty names (from "a,,b" or a
    // trailing comma) are dropped: no binding can name them.
    const groups = groupField === undefined ? [] : groupField.split(',').filter((g) => g !== '');
    tokens.set(token, uid === '' ? { name, groups } : { name, uid, groups });
  }
  return tokens;
}

interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

/** RFC 4180 records with Go encoding/csv's rules: quoted fields may hold commas, `""` and newlines. */
function readCsvRecords(input: string): CsvRecord[] {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const end = text.indexOf('\n', i);
    const rest = text.slice(i, end === -1 ? text.length : end);
    // Blank lines separate nothing; a line of only spaces is treated as blank too.
    if (rest.trim() === '') {
      i = end === -1 ? text.length : end + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error(`line ${start}: quoted field is never closed`);
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n') {
          throw new Error(`line ${line}: unexpected character after a closing quote`);
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
          if (text[i] === '"') throw new Error(`line ${line}: bare " in a field that is not quoted`);
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      if (i >= text.length) break;
      if (text[i] === '\n') {
        i++;
        line++;
        break;
      }
      i++; // the comma
    }
    records.push({ fields, line: start });
  }
  return records;
}

export interface TokenAuthenticatorOptions {
  /**
   * authenticate() re-reads the file at most this often and reloads it when its content changed. 1000 ms by
   * default; 0 checks on every call. Comparing content rather than modification times also catches two edits
   * within one timestamp tick, and reading by path follows atomic replacement (write + rename), which an
   * fs.watch on the old inode would miss. The file is small; one read a second costs nothing measurable.
   */
  recheckIntervalMs?: number;
  /** Reload and permission notices. Messages never contain a token. Defaults: warnings go to process warnings. */
  log?: { info(msg: string): void; warn(msg: string): void };
}

/**
 * Authenticates bearer tokens against a token file. Only SHA-256 digests of tokens are kept, and lookups are by
 * digest: the time a lookup takes depends on the digest of what was presented, which an attacker cannot steer
 * towards a stored token, so timing reveals nothing about which tokens exist.
 */
export class TokenAuthenticator {
  readonly path: string;
  private readonly recheckIntervalMs: number;
  private readonly log: { info(msg: string): void; warn(msg: string): void };
  private usersByDigest = new Map<string, UserInfo>();
  /** Digest of the file content in force. */
  private loadedContent = '';
  /** What failed last (a content digest, or "unreadable"), so one bad edit is reported once, not per request. */
  private failed = '';
  private lastCheck = 0;

  /** Loads the file now; throws when it is missing or invalid, so a misconfigured server does not start. */
  constructor(path: string, opts: TokenAuthenticatorOptions = {}) {
    this.path = path;
    this.recheckIntervalMs = opts.recheckIntervalMs ?? 1000;
    this.log = opts.log ?? {
      info: () => {},
      warn: (msg) => process.emitWarning(msg, 'TokenFileWarning'),
    };
    this.apply(readFileSync(path, 'utf8'));
    this.lastCheck = Date.now();
  }

  /** The user a token belongs to, or undefined. */
  authenticate(token: string): UserInfo | undefined {
    this.reloadIfChanged();
    return this.usersByDigest.get(digest(token));
  }

  /** How many tokens are loaded. */
  get size(): number {
    return this.usersByDigest.size;
  }

  /**
   * Reloads when the file's content changed since the last load. A file that has become invalid or unreadable
   * keeps the previous tokens in force (and is reported once): a half-finished edit must not lock every client
   * out, and a deleted file is more likely an accident than a revocation.
   */
  reloadIfChanged(now = Date.now()): void {
    if (now - this.lastCheck < this.recheckIntervalMs) return;
    this.lastCheck = now;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      this.reportFailure('unreadable', `token file ${this.path} cannot be read (${errorCode(err)}); keeping the ${this.size} tokens loaded before`);
      return;
    }
    const content = digest(text);
    if (content === this.loadedContent) {
      this.failed = '';
      return;
    }
    if (content === this.failed) return;
    try {
      this.apply(text);
      this.log.info(`token file ${this.path} reloaded: ${this.size} tokens`);
    } catch (err) {
      this.reportFailure(content, `${(err as Error).message}; keeping the ${this.size} tokens loaded before`);
    }
  }

  private apply(text: string): void {
    let tokens: Map<string, UserInfo>;
    try {
      tokens = parseTokenFile(text);
    } catch (err) {
      throw new Error(`token file ${this.path}: ${(err as Error).message}`);
    }
    const byDigest = new Map<string, UserInfo>();
    // Frozen: callers get the stored object, and must not be able to change who a token is.
    for (const [token, user] of tokens) {
      byDigest.set(digest(token), Object.freeze({ ...user, groups: Object.freeze(user.groups) as string[] }));
    }
    this.usersByDigest = byDigest;
    this.loadedContent = digest(text);
    this.failed = '';
    this.warnIfExposed();
  }

  private warnIfExposed(): void {
    let mode: number;
    try {
      mode = statSync(this.path).mode & 0o777;
    } catch {
      return; // gone since we read it; the next check reports that
    }
    if ((mode & 0o077) !== 0) {
      this.log.warn(`token file ${this.path} is accessible to group or others (mode ${mode.toString(8)}); it holds credentials and should be 0600`);
    }
  }

  private reportFailure(what: string, message: string): void {
    if (this.failed === what) return;
    this.failed = what;
    this.log.warn(message);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}
