// Kubeconfig files in kubectl's format: which files to read (--kubeconfig, else $KUBECONFIG, else ~/.kube/config),
// how several files merge (client-go's clientcmd rules), and how one context resolves into what a client needs to
// connect. Writing (for deploy scripts) lives here too; skiffctl's `config` edits are in kubeconfig-edit.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  /** base64 of the PEM bundle. */
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  /** Fields Skiff does not use (proxy-url, extensions, ...) survive a read-modify-write. */
  [field: string]: unknown;
}

export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  [field: string]: unknown;
}

export interface KubeconfigContext {
  cluster?: string;
  user?: string;
  namespace?: string;
  [field: string]: unknown;
}

export interface NamedCluster { name: string; cluster: KubeconfigCluster }
export interface NamedUser { name: string; user: KubeconfigUser }
export interface NamedContext { name: string; context: KubeconfigContext }

export interface Kubeconfig {
  apiVersion: string;
  kind: string;
  preferences?: Record<string, unknown>;
  clusters: NamedCluster[];
  users: NamedUser[];
  contexts: NamedContext[];
  'current-context'?: string;
  [field: string]: unknown;
}

/** What a client needs to reach the apiserver, with file references already read. */
export interface ResolvedKubeconfig {
  contextName: string;
  clusterName: string;
  userName?: string;
  server: string;
  /** The context's namespace, 'default' when it names none. */
  namespace: string;
  /** PEM text (decoded from certificate-authority-data, or read from certificate-authority). */
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  /** PEM text of the client certificate and key. */
  clientCertData?: string;
  clientKeyData?: string;
}

export interface KubeconfigLocation {
  /** An explicit file (`--kubeconfig`): used alone, and it must exist. */
  path?: string;
  /** Where $KUBECONFIG and $HOME are read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export function emptyKubeconfig(): Kubeconfig {
  return { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], users: [], contexts: [] };
}

/** The files kubectl would read, in precedence order, and whether the choice was explicit. */
export function kubeconfigPrecedence(loc: KubeconfigLocation = {}): { files: string[]; explicit: boolean } {
  if (loc.path) return { files: [loc.path], explicit: true };
  const env = loc.env ?? process.env;
  const list = env.KUBECONFIG;
  if (list) {
    const files = [...new Set(list.split(path.delimiter).filter((f) => f !== ''))];
    if (files.length > 0) return { files, explicit: false };
  }
  const home = env.HOME || os.homedir();
  return { files: [path.join(home, '.kube', 'config')], explicit: false };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function namedEntries<T>(doc: Record<string, unknown>, list: string, field: string, source: string):
  { name: string; value: T }[] {
  const raw = doc[list];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`${source}: "${list}" must be a list`);
  return raw.map((entry, i) => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new Error(`${source}: ${list}[${i}] needs a non-empty "name"`);
    }
    const value = entry[field] ?? {};
    if (!isRecord(value)) throw new Error(`${source}: ${list}[${i}].${field} must be a mapping`);
    return { name: entry.name, value: value as T };
  });
}

/** Parses one kubeconfig document; `source` names it in errors. An empty document is an empty config. */
export function parseKubeconfig(text: string, source = 'kubeconfig'): Kubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new Error(`${source}: not valid YAML: ${(e as Error).message}`, { cause: e });
  }
  if (doc === null || doc === undefined) return emptyKubeconfig();
  if (!isRecord(doc)) throw new Error(`${source}: expected a mapping at the top level`);
  const current = doc['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw new Error(`${source}: "current-context" must be a string`);
  }
  return {
    ...doc,
    apiVersion: typeof doc.apiVersion === 'string' ? doc.apiVersion : 'v1',
    kind: typeof doc.kind === 'string' ? doc.kind : 'Config',
    preferences: isRecord(doc.preferences) ? doc.preferences : {},
    clusters: namedEntries<KubeconfigCluster>(doc, 'clusters', 'cluster', source)
      .map(({ name, value }) => ({ name, cluster: value })),
    users: namedEntries<KubeconfigUser>(doc, 'users', 'user', source).map(({ name, value }) => ({ name, user: value })),
    contexts: namedEntries<KubeconfigContext>(doc, 'contexts', 'context', source)
      .map(({ name, value }) => ({ name, context: value })),
    'current-context': typeof current === 'string' && current !== '' ? current : undefined,
  };
}

/** Reads and parses one file; undefined when it does not exist. */
export function readKubeconfigFile(file: string): Kubeconfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`reading kubeconfig ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseKubeconfig(text, file);
}

/** The merged view of the files, with the file each named entry came from. */
export interface MergedKubeconfig {
  config: Kubeconfig;
  /** Name -> file it was taken from (relative paths in that entry are relative to this file's directory). */
  origins: { clusters: Map<string, string>; users: Map<string, string>; contexts: Map<string, string> };
  files: string[];
  explicit: boolean;
}

/**
 * Merges as clientcmd does: for clusters, users and contexts the first file to define a name wins, whole (nothing of
 * a later file's entry of the same name is used); current-context and preferences come from the first file that
 * sets them. Missing files in $KUBECONFIG are skipped; a missing explicit file is an error.
 */
export function mergeKubeconfigs(loc: KubeconfigLocation = {}): MergedKubeconfig {
  const { files, explicit } = kubeconfigPrecedence(loc);
  const merged = emptyKubeconfig();
  const origins = { clusters: new Map<string, string>(), users: new Map<string, string>(), contexts: new Map<string, string>() };
  let preferencesSet = false;
  for (const file of files) {
    const doc = readKubeconfigFile(file);
    if (!doc) {
      if (explicit) throw new Error(`kubeconfig ${file} does not exist`);
      continue;
    }
    for (const c of doc.clusters) {
      if (origins.clusters.has(c.name)) continue;
      origins.clusters.set(c.name, file);
      merged.clusters.push(c);
    }
    for (const u of doc.users) {
      if (origins.users.has(u.name)) continue;
      origins.users.set(u.name, file);
      merged.users.push(u);
    }
    for (const c of doc.contexts) {
      if (origins.contexts.has(c.name)) continue;
      origins.contexts.set(c.name, file);
      merged.contexts.push(c);
    }
    if (!merged['current-context'] && doc['current-context']) merged['current-context'] = doc['current-context'];
    if (!preferencesSet && doc.preferences && Object.keys(doc.preferences).length > 0) {
      merged.preferences = doc.preferences;
      preferencesSet = true;
    }
  }
  return { config: merged, origins, files, explicit };
}

function absoluteFrom(file: string | undefined, ref: string): string {
  return path.isAbsolute(ref) || !file ? ref : path.resolve(path.dirname(file), ref);
}

function decodeData(value: string, what: string): string {
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new Error(`${what} is not valid base64`);
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

function readReferenced(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`reading ${what} ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Data inline (base64) or in a file, never both: kubectl rejects that as an invalid configuration. */
function dataOrFile(entry: Record<string, unknown>, field: string, origin: string | undefined, owner: string):
  string | undefined {
  const data = entry[`${field}-data`];
  const file = entry[field];
  if (typeof data === 'string' && data !== '' && typeof file === 'string' && file !== '') {
    throw new Error(`invalid configuration: ${field}-data and ${field} are both specified for ${owner}`);
  }
  if (typeof data === 'string' && data !== '') return decodeData(data, `${field}-data of ${owner}`);
  if (typeof file === 'string' && file !== '') return readReferenced(absoluteFrom(origin, file), `${field} of ${owner}`);
  return undefined;
}

/** Resolves `contextName` (or the current context) into connection settings, reading every referenced file. */
export function resolveKubeconfig(merged: MergedKubeconfig, contextName?: string): ResolvedKubeconfig {
  const where = merged.files.join(path.delimiter);
  const name = contextName || merged.config['current-context'];
  if (!name) throw new Error(`no context chosen: current-context is not set (kubeconfig: ${where})`);
  const ctx = merged.config.contexts.find((c) => c.name === name)?.context;
  if (!ctx) throw new Error(`context "${name}" does not exist (kubeconfig: ${where})`);
  if (!ctx.cluster) throw new Error(`invalid configuration: context "${name}" names no cluster`);
  const cluster = merged.config.clusters.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`invalid configuration: cluster "${ctx.cluster}" of context "${name}" does not exist`);
  if (!cluster.server) throw new Error(`invalid configuration: cluster "${ctx.cluster}" has no server`);

  const clusterOrigin = merged.origins.clusters.get(ctx.cluster);
  const resolved: ResolvedKubeconfig = {
    contextName: name,
    clusterName: ctx.cluster,
    server: cluster.server,
    namespace: ctx.namespace || 'default',
  };
  const owner = `cluster "${ctx.cluster}"`;
  resolved.caData = dataOrFile(cluster, 'certificate-authority', clusterOrigin, owner);
  if (cluster['insecure-skip-tls-verify'] === true) {
    if (resolved.caData) {
      throw new Error(`invalid configuration: ${owner} sets both a certificate authority and insecure-skip-tls-verify`);
    }
    resolved.insecureSkipTLSVerify = true;
  }
  if (cluster['tls-server-name']) resolved.tlsServerName = cluster['tls-server-name'];

  if (ctx.user) {
    const user = merged.config.users.find((u) => u.name === ctx.user)?.user;
    if (!user) throw new Error(`invalid configuration: user "${ctx.user}" of context "${name}" does not exist`);
    resolveUser(resolved, ctx.user, user, merged.origins.users.get(ctx.user));
  }
  return resolved;
}

function resolveUser(resolved: ResolvedKubeconfig, name: string, user: KubeconfigUser, origin: string | undefined): void {
  const owner = `user "${name}"`;
  for (const unsupported of ['exec', 'auth-provider', 'username', 'password'] as const) {
    if (user[unsupported] !== undefined) {
      throw new Error(`${owner} uses "${unsupported}", which Skiff's client does not support: use a token or a client certificate`);
    }
  }
  resolved.userName = name;
  // As kubectl: an inline token takes priority over tokenFile.
  if (user.token) resolved.token = user.token;
  else if (user.tokenFile) {
    resolved.token = readReferenced(absoluteFrom(origin, user.tokenFile), `tokenFile of ${owner}`).trim();
  }
  resolved.clientCertData = dataOrFile(user, 'client-certificate', origin, owner);
  resolved.clientKeyData = dataOrFile(user, 'client-key', origin, owner);
  if (resolved.clientCertData && !resolved.clientKeyData) {
    throw new Error(`invalid configuration: ${owner} has a client certificate but no client-key or client-key-data`);
  }
  if (resolved.clientKeyData && !resolved.clientCertData) {
    throw new Error(`invalid configuration: ${owner} has a client key but no client-certificate or client-certificate-data`);
  }
}

/** The one call programs make: read the files kubectl would read and resolve the chosen context. */
export function loadKubeconfig(opts: KubeconfigLocation & { context?: string } = {}): ResolvedKubeconfig {
  const merged = mergeKubeconfigs(opts);
  if (merged.config.contexts.length === 0 && merged.config.clusters.length === 0) {
    throw new Error(`no kubeconfig found (looked in: ${merged.files.join(', ')}); pass --kubeconfig or set KUBECONFIG`);
  }
  return resolveKubeconfig(merged, opts.context);
}

export interface BuildKubeconfigOptions {
  server: string;
  clusterName?: string;
  userName?: string;
  /** Default `<user>@<cluster>`. */
  contextName?: string;
  namespace?: string;
  /** PEM text; stored base64-encoded as certificate-authority-data. */
  caData?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  clientCertData?: string;
  clientKeyData?: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** A self-contained kubeconfig (all data inline) with one cluster, user and context, which is current. */
export function buildKubeconfig(opts: BuildKubeconfigOptions): Kubeconfig {
  const clusterName = opts.clusterName ?? 'skiff';
  const userName = opts.userName ?? 'admin';
  const contextName = opts.contextName ?? `${userName}@${clusterName}`;
  const cluster: KubeconfigCluster = { server: opts.server };
  if (opts.caData) cluster['certificate-authority-data'] = b64(opts.caData);
  if (opts.insecureSkipTLSVerify) cluster['insecure-skip-tls-verify'] = true;
  if (opts.tlsServerName) cluster['tls-server-name'] = opts.tlsServerName;
  const user: KubeconfigUser = {};
  if (opts.token) user.token = opts.token;
  if (opts.clientCertData) user['client-certificate-data'] = b64(opts.clientCertData);
  if (opts.clientKeyData) user['client-key-data'] = b64(opts.clientKeyData);
  const context: KubeconfigContext = { cluster: clusterName, user: userName };
  if (opts.namespace) context.namespace = opts.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context }],
    'current-context': contextName,
  };
}

export function serializeKubeconfig(config: Kubeconfig): string {
  const out: Record<string, unknown> = { ...config };
  if (!out['current-context']) delete out['current-context'];
  return stringifyYaml(out);
}

/**
 * Writes atomically (temp file + rename) with mode 0600 (the file holds credentials), creating the directory if
 * needed. A reader never sees a half-written file.
 */
export function writeKubeconfig(file: string, config: Kubeconfig): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, serializeKubeconfig(config), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
