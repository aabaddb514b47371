// skiffctl explain RESOURCE[.FIELD...]: the documentation of a kind or one of its fields, from the server's OpenAPI
// v3 document, laid out as kubectl explain's plaintext template lays it out (explain-render.ts).
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { renderExplain } from '../explain-render.ts';
import type { Discovery, DiscoveredResource } from '../discovery.ts';
import { resolveSingleType } from '../resolve.ts';
import type { Session } from '../session.ts';

interface ExplainOptions {
  recursive?: boolean;
  apiVersion?: string;
  output?: string;
  maxDepth: string;
}

export function register(parent: Command, run: Runner): void {
  parent.command('explain')
    .summary('Get documentation for a resource')
    .argument('[resource...]', 'TYPE[.FIELD...] (e.g. pods.spec.containers)')
    .option('--recursive', 'print the fields of fields')
    .option('--max-depth <n>', 'with --recursive: how deep to go (0: all)', '0')
    .option('--api-version <version>', 'the group/version of the resource (e.g. apps/v1)')
    .option('--output <format>', 'plaintext (the only format Skiff renders)', 'plaintext')
    .action(run<ExplainOptions>(explain));
}

/** The longest dotted prefix that names a resource, and the field path after it (`deployments.apps.spec`). */
function splitRequest(discovery: Discovery, request: string): { resource: DiscoveredResource; fields: string[] } {
  const parts = request.split('.');
  for (let i = parts.length; i > 1; i--) {
    try {
      return { resource: resolveSingleType(discovery, parts.slice(0, i).join('.')), fields: parts.slice(i) };
    } catch {
      // a shorter prefix may name it
    }
  }
  // The type alone: resolves, or fails with kubectl's message for an unknown type.
  return { resource: resolveSingleType(discovery, parts[0]), fields: parts.slice(1) };
}

async function explain(session: Session, opts: ExplainOptions, args: string[]): Promise<void> {
  if (args.length === 0) {
    throw new CliError('error: You must specify the type of resource to explain. Use "skiffctl api-resources" for a complete list of supported resources.');
  }
  if (args.length > 1) throw new CliError('error: We accept only this format: explain RESOURCE');
  const maxDepth = Number(opts.maxDepth);
  if (maxDepth > 0 && !opts.recursive) throw usageError('--max-depth requires --recursive');
  if (maxDepth < 0) throw usageError('--max-depth must be non-negative');
  if (opts.output && opts.output !== 'plaintext') throw usageError(`unsupported output format "${opts.output}": skiffctl renders plaintext`);
  const discovery = await session.discovery();
  let split: { resource: DiscoveredResource; fields: string[] };
  try {
    split = splitRequest(discovery, args[0]);
  } catch (e) {
    // kubectl explain prints this one without `error: ` (the closest type is skiffctl's addition).
    if (e instanceof CliError) throw new CliError(e.message.replace(/^error: /, ''));
    throw e;
  }
  const { resource, fields } = split;
  let group = resource.group;
  let version = resource.version;
  if (opts.apiVersion) {
    const slash = opts.apiVersion.indexOf('/');
    group = slash < 0 ? '' : opts.apiVersion.slice(0, slash);
    version = slash < 0 ? opts.apiVersion : opts.apiVersion.slice(slash + 1);
  }
  const found = await session.openapi().kind(group, version, resource.kind);
  if (!found) throw usageError(`couldn't find resource for "${group ? `${group}/` : ''}${version}, Resource=${resource.plural}"`);
  const text = renderExplain({ group, version, kind: resource.kind, schema: found.schema, fieldPath: fields, recursive: Boolean(opts.recursive), maxDepth },
    { schemas: found.set.schemas });
  if (text === undefined) {
    // kubectl's template has printed the header by the time it finds the field missing.
    session.out(`${group ? `GROUP:      ${group}\n` : ''}KIND:       ${resource.kind}\nVERSION:    ${version}\n\n`);
    throw usageError(`field "${fields.at(-1) ?? ''}" does not exist`);
  }
  session.out(text);
}
