// skiffctl api-resources: the resource types the server serves (preferred versions), as kubectl lists them:
// core group first, then groups alphabetically, names sorted within a group.
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { apiVersionOf, qualifiedPlural, type DiscoveredResource } from '../discovery.ts';
import { usageError } from '../errors.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import type { Session } from '../session.ts';

interface ApiResourcesOptions {
  output?: string;
  namespaced?: string;
  apiGroup?: string;
  verbs?: string;
  categories?: string;
  sortBy?: string;
  headers?: boolean;
}

export function register(parent: Command, run: Runner): void {
  parent.command('api-resources')
    .description('Print the supported API resources on the server')
    .option('-o, --output <format>', 'wide or name')
    .option('--namespaced <bool>', 'true: only namespaced resources; false: only cluster-scoped ones')
    .option('--api-group <group>', "only resources in this API group ('' for the core group)")
    .option('--verbs <verbs>', 'only resources that support all these verbs (comma-separated)')
    .option('--categories <categories>', 'only resources in these categories (comma-separated)')
    .option('--sort-by <field>', 'sort by name or kind')
    .option('--no-headers', 'do not print headers')
    .action(run<ApiResourcesOptions>(apiResources));
}

export function selectResources(all: DiscoveredResource[], opts: ApiResourcesOptions): DiscoveredResource[] {
  let list = all;
  if (opts.namespaced !== undefined) {
    if (opts.namespaced !== 'true' && opts.namespaced !== 'false') throw usageError(`invalid argument "${opts.namespaced}" for "--namespaced" flag: strconv.ParseBool: parsing "${opts.namespaced}": invalid syntax`);
    list = list.filter((r) => r.namespaced === (opts.namespaced === 'true'));
  }
  if (opts.apiGroup !== undefined) list = list.filter((r) => r.group === opts.apiGroup);
  if (opts.verbs) {
    const verbs = opts.verbs.split(',').filter(Boolean);
    list = list.filter((r) => verbs.every((v) => r.verbs.includes(v)));
  }
  if (opts.categories) {
    const cats = opts.categories.split(',').filter(Boolean);
    list = list.filter((r) => cats.every((c) => r.categories.includes(c)));
  }
  if (opts.sortBy !== undefined && opts.sortBy !== 'name' && opts.sortBy !== 'kind') {
    throw usageError('--sort-by accepts only name or kind');
  }
  // Without --sort-by kubectl lists by group, then name; with it, by that field alone.
  const byGroup = [...list].sort((a, b) => cmp(a.group, b.group) || cmp(a.plural, b.plural));
  if (opts.sortBy === 'kind') return byGroup.sort((a, b) => cmp(a.kind, b.kind));
  if (opts.sortBy === 'name') return byGroup.sort((a, b) => cmp(a.plural, b.plural));
  return byGroup;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function apiResources(session: Session, opts: ApiResourcesOptions): Promise<void> {
  const output = opts.output ?? '';
  if (!['', 'wide', 'name'].includes(output)) throw usageError(`--output ${output} is not available`);
  const resources = selectResources((await session.discovery()).preferredResources(), opts);
  if (output === 'name') {
    session.out(resources.map((r) => `${qualifiedPlural(r)}\n`).join(''));
    return;
  }
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  const wide = output === 'wide';
  if (opts.headers !== false) {
    w.row(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
  }
  for (const r of resources) {
    const cells = [r.plural, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind];
    if (wide) cells.push([...r.verbs].sort().join(','), r.categories.join(','));
    w.row(cells);
  }
  w.flush();
}
