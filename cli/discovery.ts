// What the server serves, learned the way kubectl's discovery client learns it: GET /api and /apis for the group
// versions, then each group version's resource list. Resolution of `po`, `deployments.apps`, `all` ... and
// `api-resources` read from here, so skiffctl knows exactly the kinds the server it talks to has.
import type { APIResourceList } from '../apiserver/api/types.ts';
import type { ResourceRef } from '../apiserver/client/paths.ts';
import type { RestClient } from '../apiserver/client/rest.ts';

export interface DiscoveredResource extends ResourceRef {
  /** Lower-case plural, as in URLs. */
  plural: string;
  singular: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** The group's preferred version serves this resource. */
  preferred: boolean;
}

interface ApiVersionsDoc { versions?: string[] }
interface ApiGroupListDoc {
  groups?: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

export class Discovery {
  /** Every top-level resource of every group version, core first, then groups in the server's order. */
  readonly resources: DiscoveredResource[];
  /** `v1`, `apps/v1`, ... */
  readonly groupVersions: string[];
  /** Every subresource the lists name, as `group/version/plural/sub` (group empty for the core group). */
  private readonly subresources: ReadonlySet<string>;

  constructor(resources: DiscoveredResource[], groupVersions: string[], subresources: Iterable<string> = []) {
    this.resources = resources;
    this.groupVersions = groupVersions;
    this.subresources = new Set(subresources);
  }

  static async load(client: RestClient): Promise<Discovery> {
    const [core, apis] = await Promise.all([
      client.request<ApiVersionsDoc>('GET', '/api'),
      client.request<ApiGroupListDoc>('GET', '/apis'),
    ]);
    const targets: { group: string; version: string; path: string; preferred: boolean }[] = [];
    (core.versions ?? []).forEach((version, i) => targets.push({ group: '', version, path: `/api/${version}`, preferred: i === 0 }));
    for (const g of apis.groups ?? []) {
      const preferred = g.preferredVersion?.version ?? g.versions[0]?.version;
      for (const v of g.versions) {
        targets.push({ group: g.name, version: v.version, path: `/apis/${v.groupVersion}`, preferred: v.version === preferred });
      }
    }
    const lists = await Promise.all(targets.map((t) => client.request<APIResourceList>('GET', t.path)));
    const resources: DiscoveredResource[] = [];
    const subresources: string[] = [];
    lists.forEach((list, i) => {
      const t = targets[i];
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) {
          subresources.push(`${t.group}/${t.version}/${r.name}`);
          continue;
        }
        resources.push({
          plural: r.name,
          singular: r.singularName || r.kind.toLowerCase(),
          kind: r.kind,
          group: t.group,
          version: t.version,
          namespaced: r.namespaced,
          shortNames: [...(r.shortNames ?? [])],
          categories: [...(r.categories ?? [])],
          verbs: [...(r.verbs ?? [])],
          preferred: t.preferred,
        });
      }
    });
    return new Discovery(resources, targets.map((t) => (t.group ? `${t.group}/${t.version}` : t.version)), subresources);
  }

  /** Does discovery list `sub` (e.g. `scale`) as a subresource of the resource? */
  hasSubresource(r: Pick<DiscoveredResource, 'group' | 'version' | 'plural'>, sub: string): boolean {
    return this.subresources.has(`${r.group}/${r.version}/${r.plural}/${sub}`);
  }

  /** The resources kubectl's RESTMapper would pick among: each group's preferred version first. */
  preferredResources(): DiscoveredResource[] {
    return this.resources.filter((r) => r.preferred);
  }
}

/** `deployment.apps`, or `pod` for the core group: how kubectl names a kind in `kind/name` output. */
export function kindPrefix(r: Pick<DiscoveredResource, 'kind' | 'group'>): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

/** `deployments.apps`, or `pods`: how kubectl names a resource in `Error from server (NotFound): ...`. */
export function qualifiedPlural(r: Pick<DiscoveredResource, 'plural' | 'group'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export function apiVersionOf(r: Pick<DiscoveredResource, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}
