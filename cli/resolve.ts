// Turns what a user types after a verb into resources and names, as kubectl's resource builder does:
//   get pods | get po web db | get pods,svc | get deploy/web svc/web | get all | get deployments.apps
// A type resolves against discovery by plural, singular, kind or short name, case-insensitively, optionally
// qualified by group (`deployments.apps`) or version and group (`deployments.v1.apps`); a category (`all`) expands to
// its members. An unknown type fails with kubectl's message and the closest name the server has.
import { CliError, usageError } from './errors.ts';
import type { Discovery, DiscoveredResource } from './discovery.ts';
import { closest } from './suggest.ts';

/** One resource to act on: every object of it (names empty) or the named ones. */
export interface ResourceTarget {
  resource: DiscoveredResource;
  names: string[];
}

/** The two argument shapes kubectl accepts. */
export type ResourceArgs =
  | { form: 'types'; types: string[]; names: string[] }
  | { form: 'pairs'; pairs: { type: string; name: string }[] };

export function parseResourceArgs(args: readonly string[]): ResourceArgs {
  if (args.some((a) => a.includes('/'))) {
    const pairs = args.map((a) => {
      if (!a.includes('/')) {
        throw usageError("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
      }
      const [type, name, ...rest] = a.split('/');
      if (!type || !name || rest.length > 0) throw usageError('arguments in resource/name form must have a single resource and name');
      return { type, name };
    });
    return { form: 'pairs', pairs };
  }
  const [first = '', ...names] = args;
  return { form: 'types', types: first.split(',').filter((t) => t !== ''), names };
}

export function unknownTypeError(discovery: Discovery, type: string): CliError {
  const candidates = discovery.preferredResources()
    .flatMap((r) => [r.plural, r.singular, ...r.shortNames]);
  const suggestion = closest(type.toLowerCase(), candidates);
  const hint = suggestion ? `; did you mean "${discovery.preferredResources().find((r) => r.plural === suggestion || r.singular === suggestion || r.shortNames.includes(suggestion))?.plural ?? suggestion}"?` : '';
  return new CliError(`error: the server doesn't have a resource type "${type}"${hint}`);
}

function matches(r: DiscoveredResource, name: string): boolean {
  return r.plural === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name);
}

/**
 * The resources one type argument names: one resource, or several for a category. Preferred versions win; among
 * groups, the first served (core, then the server's group order), as kubectl's RESTMapper orders them.
 */
export function resolveType(discovery: Discovery, type: string): DiscoveredResource[] {
  const name = type.toLowerCase();
  const preferred = discovery.preferredResources();
  const exact = preferred.find((r) => matches(r, name));
  if (exact) return [exact];
  const category = preferred.filter((r) => r.categories.includes(name));
  if (category.length > 0) return category;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const resource = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    // `pods.` and `pods.v1.` name the core group.
    const byGroup = discovery.resources.filter((r) => matches(r, resource) && (r.group === rest || (rest === '' && r.group === '')))
      .sort((a, b) => Number(b.preferred) - Number(a.preferred));
    if (byGroup.length > 0) return [byGroup[0]];
    const vdot = rest.indexOf('.');
    if (vdot > 0) {
      const version = rest.slice(0, vdot);
      const group = rest.slice(vdot + 1);
      const byVersion = discovery.resources.find((r) => matches(r, resource) && r.version === version && r.group === group);
      if (byVersion) return [byVersion];
    }
  }
  throw unknownTypeError(discovery, type);
}

/** One resource, refusing categories: for verbs that act on a single kind (describe TYPE NAME, ...). */
export function resolveSingleType(discovery: Discovery, type: string): DiscoveredResource {
  const found = resolveType(discovery, type);
  if (found.length !== 1) throw usageError(`"${type}" names several resource types; name one`);
  return found[0];
}

/**
 * Resolves parsed arguments in the user's order. With the `types` form every name applies to every type
 * (kubectl get pods,svc web: pods/web and services/web). Empty types are an error for the caller to word.
 */
export function resolveResourceArgs(discovery: Discovery, args: ResourceArgs): ResourceTarget[] {
  const targets: ResourceTarget[] = [];
  if (args.form === 'pairs') {
    for (const { type, name } of args.pairs) {
      for (const resource of resolveType(discovery, type)) targets.push({ resource, names: [name] });
    }
    return targets;
  }
  const seen = new Set<string>();
  for (const type of args.types) {
    for (const resource of resolveType(discovery, type)) {
      const key = `${resource.group}/${resource.plural}`;
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push({ resource, names: [...args.names] });
    }
  }
  return targets;
}
