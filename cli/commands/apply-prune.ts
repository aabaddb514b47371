// apply --prune as kubectl 1.32 prunes without an ApplySet (pkg/cmd/apply/prune.go): once every object has been
// applied, list each prune kind in each namespace the apply touched, and each cluster-scoped prune kind once, with
// the apply's label selector; delete (in the background) every object that carries the last-applied annotation (so
// was applied, or created with --save-config) and is not one of the objects just applied, by uid. Objects created
// any other way are never pruned. A client dry run deletes nothing and a server dry run deletes with dryRun=All; both
// still print what would go (`configmap/x pruned (dry run)`).
import type { ApiObject } from '../../apiserver/client/object.ts';
import type { Discovery, DiscoveredResource } from '../discovery.ts';
import { usageError } from '../errors.ts';
import { lastAppliedAnnotation } from '../last-applied.ts';
import { ResultPrinter, warn, type DryRun, type ResultFormat } from '../mutation.ts';
import type { Session } from '../session.ts';

/** A kind in a group version, as the allowlist names it; discovery says whether it lives in namespaces. */
export interface KindRef {
  group: string;
  version: string;
  kind: string;
}

/** One entry of a parsed --prune-allowlist: the kind and its scope as discovery found it. */
export interface PruneKind extends KindRef {
  namespaced: boolean;
}

const kind = (group: string, version: string, name: string): KindRef => ({ group, version, kind: name });

/** kubectl's default allowlist (pkg/util/prune), in its order: namespaced kinds, then cluster-scoped ones. */
export const defaultPruneKinds: readonly KindRef[] = [
  kind('', 'v1', 'ConfigMap'),
  kind('', 'v1', 'Endpoints'),
  kind('', 'v1', 'PersistentVolumeClaim'),
  kind('', 'v1', 'Pod'),
  kind('', 'v1', 'ReplicationController'),
  kind('', 'v1', 'Secret'),
  kind('', 'v1', 'Service'),
  kind('batch', 'v1', 'Job'),
  kind('batch', 'v1', 'CronJob'),
  kind('networking.k8s.io', 'v1', 'Ingress'),
  kind('apps', 'v1', 'DaemonSet'),
  kind('apps', 'v1', 'Deployment'),
  kind('apps', 'v1', 'ReplicaSet'),
  kind('apps', 'v1', 'StatefulSet'),
  kind('', 'v1', 'Namespace'),
  kind('', 'v1', 'PersistentVolume'),
];

const defaultsDeprecation = 'Deprecated: skiffctl apply will no longer prune non-namespaced resources by default when used with the --namespace flag in a future release. To preserve the current behaviour, list the resources you want to target explicitly in the --prune-allowlist flag.';

/**
 * The served resource for a kind, as kubectl's discovery RESTMapper finds it: the kind as the server spells it or
 * all in lower case (the mapper registers both), in the version given, or the preferred one when none is.
 */
function findKind(discovery: Discovery, group: string, version: string, name: string): DiscoveredResource | undefined {
  const candidates = discovery.resources.filter((r) => r.group === group && (r.kind === name || r.kind.toLowerCase() === name));
  if (version) return candidates.find((r) => r.version === version);
  return candidates.find((r) => r.preferred) ?? candidates[0];
}

/** meta.NoKindMatchError's words. */
function noKindMatch(group: string, version: string, name: string): string {
  if (!version) return `no matches for kind "${name}" in group "${group}"`;
  return `no matches for kind "${name}" in version "${group ? `${group}/${version}` : version}"`;
}

/**
 * `--prune-allowlist` values (`core/v1/ConfigMap`, `apps/v1/Deployment`), each mapped through discovery: kubectl's
 * prune.ParseResources, with its errors. Each flag is one value (kubectl's StringArray does not split on commas).
 */
export function parsePruneAllowlist(discovery: Discovery, values: readonly string[]): PruneKind[] {
  return values.map((value) => {
    const parts = value.split('/');
    if (parts.length !== 3) throw usageError(`invalid GroupVersionKind format: ${value}, please follow <group/version/kind>`);
    const [rawGroup, version, name] = parts;
    const group = rawGroup === 'core' ? '' : rawGroup;
    const resource = findKind(discovery, group, version, name);
    if (!resource) throw usageError(noKindMatch(group, version, name));
    return { group, version, kind: name, namespaced: resource.namespaced };
  });
}

/**
 * The resources to list, namespaced and cluster-scoped: the allowlist given, else kubectl's default one without the
 * kinds this server does not serve (Skiff has no Ingress; kubectl would stop there with "invalid resource").
 */
export function pruneResources(discovery: Discovery, allowlist: readonly KindRef[] | undefined): { namespaced: DiscoveredResource[]; clusterScoped: DiscoveredResource[] } {
  const namespaced: DiscoveredResource[] = [];
  const clusterScoped: DiscoveredResource[] = [];
  for (const k of allowlist ?? defaultPruneKinds) {
    const resource = findKind(discovery, k.group, k.version, k.kind);
    if (!resource) continue;
    (resource.namespaced ? namespaced : clusterScoped).push(resource);
  }
  return { namespaced, clusterScoped };
}

/** The listed objects to delete: applied once (the annotation says so) but not in this apply. */
export function objectsToPrune(items: readonly ApiObject[], visitedUids: ReadonlySet<string>): ApiObject[] {
  return items.filter((obj) => obj.metadata?.annotations?.[lastAppliedAnnotation] !== undefined
    && !visitedUids.has(obj.metadata?.uid ?? ''));
}

/** What the apply leaves for the pruner. */
export interface PruneInput {
  /** undefined: the default allowlist. */
  allowlist: PruneKind[] | undefined;
  selector: string | undefined;
  /** The uids of the objects applied ('' for objects a client dry run would create). */
  visitedUids: ReadonlySet<string>;
  /** The namespaces of the objects applied, and -n when given, in the order first seen. */
  visitedNamespaces: ReadonlySet<string>;
  dryRun: DryRun;
  format: ResultFormat;
}

/** Go's `%v` of a GroupVersionKind: `/v1, Kind=ConfigMap`, `apps/v1, Kind=Deployment`. */
function gvkString(r: DiscoveredResource): string {
  return `${r.group}/${r.version}, Kind=${r.kind}`;
}

export async function prune(session: Session, input: PruneInput): Promise<void> {
  // kubectl warns whenever the defaults are used with a namespace, and it always has one (the context's, or default).
  if (!input.allowlist) warn(session, defaultsDeprecation, 'prune.go:71');
  const { namespaced, clusterScoped } = pruneResources(await session.discovery(), input.allowlist);
  for (const namespace of input.visitedNamespaces) {
    for (const resource of namespaced) {
      await pruneOne(session, input, resource, namespace).catch((e: unknown) => {
        throw usageError(`error pruning namespaced object ${gvkString(resource)}: ${messageOf(e)}`);
      });
    }
  }
  for (const resource of clusterScoped) {
    await pruneOne(session, input, resource, undefined).catch((e: unknown) => {
      throw usageError(`error pruning nonNamespaced object ${gvkString(resource)}: ${messageOf(e)}`);
    });
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^error: /, '') : String(e);
}

/** One list (one request, as kubectl's dynamic client makes it, no paging), then the deletions in list order. */
async function pruneOne(session: Session, input: PruneInput, resource: DiscoveredResource, namespace: string | undefined): Promise<void> {
  const client = session.client();
  const list = await client.list<ApiObject>(resource, namespace, { labelSelector: input.selector || undefined });
  for (const obj of objectsToPrune(list.items ?? [], input.visitedUids)) {
    const name = obj.metadata?.name ?? '';
    if (input.dryRun !== 'client') {
      await client.delete(resource, namespace, name, { propagationPolicy: 'Background', dryRun: input.dryRun === 'server' });
    }
    // A printer per object, as kubectl makes one per call: -o yaml objects follow each other without `---`.
    new ResultPrinter(session, input.format, input.dryRun).print(obj, 'pruned', resource);
  }
}
