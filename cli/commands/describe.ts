// skiffctl describe: show details of objects and their events, as kubectl describe does. `describe TYPE NAME`
// falls back to every object whose name starts with NAME when there is none of that exact name; `describe TYPE`
// (or -l) describes them all. Several objects are separated by two blank lines.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import type { Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { describerFor } from '../describe/index.ts';
import type { DescribeContext } from '../describe/context.ts';
import type { DiscoveredResource } from '../discovery.ts';
import { AggregateCliError, CliError, usageError } from '../errors.ts';
import { getObject, listObjects } from '../fetch.ts';
import { parseResourceArgs, resolveResourceArgs } from '../resolve.ts';
import type { Session } from '../session.ts';

interface DescribeOptions {
  selector?: string;
  allNamespaces?: boolean;
  showEvents?: string | boolean;
  chunkSize?: string;
}

export function register(parent: Command, run: Runner): void {
  completes(parent.command('describe')
    .summary('Show details of a specific resource or group of resources')
    .description('Show details of a specific resource or group of resources, with their events.')
    .argument('[resources...]', 'TYPE [NAME_PREFIX] | TYPE/NAME')
    .option('-l, --selector <selector>', 'label selector')
    .option('-A, --all-namespaces', 'describe the requested objects across all namespaces')
    .option('--show-events [bool]', 'show the events of the described objects (default true)')
    .option('--chunk-size <n>', 'read large lists in chunks of this size', '500')
    .action(run<DescribeOptions>(describe)), 'resources');
}

async function describe(session: Session, opts: DescribeOptions, args: string[]): Promise<void> {
  if (args.length === 0) {
    throw new CliError('You must specify the type of resource to describe. Use "skiffctl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.');
  }
  const discovery = await session.discovery();
  const parsed = parseResourceArgs(args);
  const targets = resolveResourceArgs(discovery, parsed);
  const namespace = opts.allNamespaces ? undefined : session.namespace();
  const client = session.client();
  const ctx: DescribeContext = {
    client,
    showEvents: opts.showEvents !== false && opts.showEvents !== 'false',
    chunkSize: Number(opts.chunkSize ?? 500),
    now: Date.now(),
  };
  // prefixMatch: kubectl's DescribeMatchingResources ends each description with an extra newline.
  const objects: { resource: DiscoveredResource; obj: ApiObject; prefixMatch?: boolean }[] = [];
  const errors: unknown[] = [];
  for (const { resource, names } of targets) {
    if (names.length === 0) {
      try {
        const list = await listObjects(client, resource, namespace, { labelSelector: opts.selector }, ctx.chunkSize);
        objects.push(...list.items.map((obj) => ({ resource, obj })));
      } catch (e) {
        errors.push(e);
      }
      continue;
    }
    if (opts.allNamespaces && resource.namespaced) throw usageError('a resource cannot be retrieved by name across all namespaces');
    for (const name of names) {
      try {
        objects.push({ resource, obj: await getObject(client, resource, namespace, name) });
      } catch (e) {
        // `describe pods web` describes web-1, web-2 ... when there is no pod named exactly web.
        if (isNotFound(e) && parsed.form === 'types' && args.length === 2) {
          const list = await listObjects(client, resource, namespace, { labelSelector: opts.selector }, ctx.chunkSize);
          const matching = list.items.filter((o) => (o.metadata?.name ?? '').startsWith(name));
          if (matching.length === 0) throw e;
          objects.push(...matching.map((obj) => ({ resource, obj, prefixMatch: true })));
          continue;
        }
        errors.push(e);
      }
    }
  }
  let first = true;
  for (const { resource, obj, prefixMatch } of objects) {
    try {
      const text = await describerFor(resource)(ctx, resource, obj);
      if (prefixMatch) session.out(`${text}\n`);
      else session.out(first ? text : `\n\n${text}`);
      first = false;
    } catch (e) {
      errors.push(e);
    }
  }
  if (objects.length === 0 && errors.length === 0) {
    session.err(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${session.namespace()} namespace.\n`);
  }
  if (errors.length > 0) throw errors.length === 1 ? errors[0] : new AggregateCliError(errors);
}
