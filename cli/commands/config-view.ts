// skiffctl config view: the merged kubeconfig, secrets hidden as kubectl hides them (DATA+OMITTED for *-data
// fields, REDACTED for tokens and passwords) unless --raw; --minify keeps only what the current context uses;
// --flatten inlines referenced files. Entries are sorted by name and JSON fields follow client-go's struct order,
// as kubectl prints them.
import fs from 'node:fs';
import path from 'node:path';
import type { Kubeconfig, MergedKubeconfig } from '../../apiserver/client/kubeconfig.ts';
import { usageError } from '../errors.ts';
import { JsonPathError } from '../output/jsonpath.ts';
import { parseOutputFormat } from '../output/format.ts';
import { toYaml } from '../output/objects.ts';

export interface ViewOptions {
  minify?: boolean;
  raw?: boolean;
  flatten?: boolean;
  output?: string;
}

const clusterOrder = ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression', 'extensions'];
const userOrder = ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'];
const contextOrder = ['cluster', 'user', 'namespace', 'extensions'];

function ordered(fields: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (fields[k] !== undefined) out[k] = fields[k];
  for (const [k, v] of Object.entries(fields)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const k of Object.keys(out)) {
    if (k.endsWith('-data') && out[k]) out[k] = 'DATA+OMITTED';
    if ((k === 'token' || k === 'password') && out[k]) out[k] = 'REDACTED';
  }
  return out;
}

/** Replaces file references with inline data, reading them relative to the file the entry came from. */
function flatten(fields: Record<string, unknown>, origin: string | undefined, refs: string[]): Record<string, unknown> {
  const out = { ...fields };
  for (const ref of refs) {
    const file = out[ref];
    if (typeof file !== 'string' || file === '') continue;
    const full = path.isAbsolute(file) || !origin ? file : path.resolve(path.dirname(origin), file);
    out[`${ref}-data`] = fs.readFileSync(full).toString('base64');
    delete out[ref];
  }
  return out;
}

/** The config to print, in the shape and order kubectl prints it. */
export function viewConfig(merged: MergedKubeconfig, opts: ViewOptions, contextOverride?: string): Record<string, unknown> {
  let config: Kubeconfig = merged.config;
  if (opts.minify) {
    const name = contextOverride || config['current-context'];
    if (!name) throw usageError('current-context must exist in order to minify');
    const ctx = config.contexts.find((c) => c.name === name);
    if (!ctx) throw usageError(`cannot locate context ${name}`);
    config = {
      ...config,
      'current-context': name,
      contexts: [ctx],
      clusters: config.clusters.filter((c) => c.name === ctx.context.cluster),
      users: config.users.filter((u) => u.name === ctx.context.user),
    };
  }
  const hide = !(opts.raw || opts.flatten);
  return {
    kind: 'Config',
    apiVersion: 'v1',
    preferences: config.preferences ?? {},
    clusters: [...config.clusters].sort(byName).map((c) => {
      let fields: Record<string, unknown> = c.cluster;
      if (opts.flatten) fields = flatten(fields, merged.origins.clusters.get(c.name), ['certificate-authority']);
      if (hide) fields = redact(fields);
      return { name: c.name, cluster: ordered(fields, clusterOrder) };
    }),
    users: [...config.users].sort(byName).map((u) => {
      let fields: Record<string, unknown> = u.user;
      if (opts.flatten) fields = flatten(fields, merged.origins.users.get(u.name), ['client-certificate', 'client-key']);
      if (hide) fields = redact(fields);
      return { name: u.name, user: ordered(fields, userOrder) };
    }),
    contexts: [...config.contexts].sort(byName).map((c) => ({ name: c.name, context: ordered(c.context, contextOrder) })),
    'current-context': config['current-context'] ?? '',
  };
}

export function renderConfig(view: Record<string, unknown>, output: string | undefined): string {
  if (!output || output === 'yaml') return toYaml(view);
  if (output === 'json') return `${JSON.stringify(view, null, 4)}\n`;
  const format = parseOutputFormat(output);
  if (format.type !== 'jsonpath') throw usageError(`--output ${output} is not available for config view`);
  try {
    return format.path.execute(view);
  } catch (e) {
    if (e instanceof JsonPathError) throw usageError(`error executing jsonpath ${JSON.stringify(format.template)}: Error executing template: ${e.message}`);
    throw e;
  }
}
