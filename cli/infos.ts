// The objects a verb acts on, as kubectl's resource builder finds them: from manifests (-f), each mapped to the
// resource its apiVersion and kind name, with the namespace settled; or from arguments (TYPE NAME..., TYPE/NAME,
// TYPE -l sel, TYPE --all), listing or naming objects on the server. One Info per object, in the user's order.
import type { ApiObject } from '../apiserver/client/object.ts';
import { apiVersionOf, kindPrefix, type Discovery, type DiscoveredResource } from './discovery.ts';
import { matchesSelector, parseSelector } from '../apiserver/api/labels.ts';
import { CliError, throwCollected, usageError } from './errors.ts';
import { getObject, listObjects, namespaceFor } from './fetch.ts';
import { readManifests, type ManifestOptions } from './manifests.ts';
import { parseResourceArgs, resolveResourceArgs } from './resolve.ts';
import type { Session } from './session.ts';

export interface Info {
  resource: DiscoveredResource;
  /** undefined for cluster-scoped objects. */
  namespace: string | undefined;
  name: string;
  /** The manifest's contents for -f; the live object once fetched; undefined when only the name is known. */
  object: ApiObject | undefined;
  /** The file the manifest came from (`STDIN` for -), for `error when creating "x.yaml": ...`. */
  source?: string;
}

/** Test `entry.info`: `error` is unknown and may be any value. */
export type InfoOrError = { info: Info; error?: undefined } | { info?: undefined; error: unknown; source?: string };

/** The served resource an apiVersion and kind name, or undefined. */
export function resourceForKind(discovery: Discovery, apiVersion: string, kind: string): DiscoveredResource | undefined {
  return discovery.resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/** kubectl's mapping error for a manifest whose kind the server does not serve. */
export function noMatchError(obj: ApiObject, source: string): CliError {
  const name = obj.metadata?.name ?? '';
  const ns = obj.metadata?.namespace ?? '';
  return usageError(`resource mapping not found for name: "${name}" namespace: "${ns}" from "${source}": no matches for kind "${obj.kind}" in version "${obj.apiVersion}"\nensure CRDs are installed first`);
}

/**
 * The namespace a manifest's object goes to: its own, else the session's. With an explicit -n an object naming
 * another namespace is refused, as kubectl refuses it.
 */
export function manifestNamespace(session: Session, resource: DiscoveredResource, obj: ApiObject): string | undefined {
  if (!resource.namespaced) return undefined;
  const own = obj.metadata?.namespace;
  const explicit = session.flags.namespace;
  if (own && explicit && own !== explicit) {
    throw usageError(`the namespace from the provided object "${own}" does not match the namespace "${explicit}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || session.namespace();
}

/** Every object of the -f inputs, mapped; unreadable streams and unknown kinds come back as errors in place. */
export async function manifestInfos(session: Session, filenames: readonly string[], opts: ManifestOptions = {}): Promise<InfoOrError[]> {
  const entries = readManifests(filenames, opts);
  const discovery = await session.discovery();
  return entries.map((entry): InfoOrError => {
    const obj = entry.object;
    if (!obj) return { error: entry.error, source: entry.source };
    const resource = resourceForKind(discovery, obj.apiVersion ?? '', obj.kind ?? '');
    if (!resource) return { error: noMatchError(obj, entry.source), source: entry.source };
    try {
      const namespace = manifestNamespace(session, resource, obj);
      const object: ApiObject = { ...obj, metadata: { ...obj.metadata } };
      if (namespace && object.metadata) object.metadata.namespace = namespace;
      else if (!resource.namespaced && object.metadata) delete object.metadata.namespace;
      return { info: { resource, namespace, name: obj.metadata?.name ?? '', object, source: entry.source } };
    } catch (e) {
      return { error: e, source: entry.source };
    }
  });
}

/**
 * Runs `each` on every object of the -f inputs that the label selector takes. An input that cannot be read or mapped,
 * or an object whose call fails, does not stop the others: the errors are thrown together at the end, as kubectl
 * does. Answers how many objects were taken.
 */
export async function forEachManifest(session: Session, opts: { filename: readonly string[]; recursive?: boolean; selector?: string },
  each: (info: Info) => Promise<void>): Promise<number> {
  const selector = opts.selector ? parseSelector(opts.selector) : undefined;
  const errors: unknown[] = [];
  let count = 0;
  for (const entry of await manifestInfos(session, opts.filename, { recursive: opts.recursive })) {
    const { info } = entry;
    if (!info) {
      errors.push(entry.error);
      continue;
    }
    if (selector && !matchesSelector(selector, info.object?.metadata?.labels)) continue;
    count++;
    try {
      await each(info);
    } catch (e) {
      errors.push(e);
    }
  }
  throwCollected(errors);
  return count;
}

export interface ArgOptions {
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  /** Fetch named objects too (label, annotate, scale ... read before they write). */
  fetchNamed?: boolean;
  /** A type without names means every object of it (rollout's ResourceTypeOrNameArgs(true, ...)). */
  typeMeansAll?: boolean;
}

/**
 * The objects TYPE NAME / TYPE/NAME / TYPE -l / TYPE --all arguments name. Types without names need a selector or
 * --all, else kubectl's "no name was specified". Named objects that cannot be read are errors in place.
 */
export async function argInfos(session: Session, args: readonly string[], opts: ArgOptions = {}): Promise<InfoOrError[]> {
  const discovery = await session.discovery();
  const targets = resolveResourceArgs(discovery, parseResourceArgs(args));
  const client = session.client();
  const namespace = opts.allNamespaces ? undefined : session.namespace();
  const out: InfoOrError[] = [];
  for (const { resource, names } of targets) {
    if (names.length === 0) {
      if (!opts.selector && !opts.fieldSelector && !opts.all && !opts.typeMeansAll) throw usageError('resource(s) were provided, but no name was specified');
      const list = await listObjects(client, resource, namespace, { labelSelector: opts.selector, fieldSelector: opts.fieldSelector });
      for (const object of list.items) {
        out.push({ info: { resource, namespace: namespaceFor(resource, object.metadata?.namespace), name: object.metadata?.name ?? '', object } });
      }
      continue;
    }
    if (opts.selector) throw usageError('name cannot be provided when a selector is specified');
    if (opts.all) throw usageError('name cannot be provided when --all is specified');
    for (const name of names) {
      const ns = namespaceFor(resource, session.namespace());
      if (!opts.fetchNamed) {
        out.push({ info: { resource, namespace: ns, name, object: undefined } });
        continue;
      }
      try {
        out.push({ info: { resource, namespace: ns, name, object: await getObject(client, resource, ns, name) } });
      } catch (e) {
        out.push({ error: e });
      }
    }
  }
  return out;
}

export interface InputOptions extends ArgOptions {
  filenames?: string[];
  recursive?: boolean;
}

/**
 * `-f` or arguments, never both (kubectl: "specify a resource by argument or filename, not both"). Manifest infos
 * are re-read from the server when `fetchNamed` is set, so verbs see the live object.
 */
export async function collectInfos(session: Session, args: readonly string[], opts: InputOptions): Promise<InfoOrError[]> {
  const files = opts.filenames ?? [];
  if (files.length > 0 && args.length > 0) {
    throw usageError(`Unexpected args: [${args.join(' ')}]\nSee 'skiffctl -h' for help and examples`);
  }
  if (files.length > 0) {
    const infos = await manifestInfos(session, files, { recursive: opts.recursive });
    if (!opts.fetchNamed) return infos;
    const client = session.client();
    const out: InfoOrError[] = [];
    for (const entry of infos) {
      const { info } = entry;
      if (!info) {
        out.push(entry);
        continue;
      }
      try {
        out.push({ info: { ...info, object: await getObject(client, info.resource, info.namespace, info.name) } });
      } catch (e) {
        out.push({ error: e, source: info.source });
      }
    }
    return out;
  }
  return argInfos(session, args, opts);
}

/** The object as the server has it now. */
export function liveObject(session: Session, info: Info): Promise<ApiObject> {
  return getObject(session.client(), info.resource, info.namespace, info.name);
}

/**
 * `Resource: "apps/v1, Resource=deployments", GroupVersionKind: ...`: kubectl's Info.String(), how apply and
 * set-last-applied name an object in their errors.
 */
export function infoString(info: Info): string {
  const gv = `${info.resource.group}/${info.resource.version}`;
  return `Resource: "${gv}, Resource=${info.resource.plural}", GroupVersionKind: "${gv}, Kind=${info.resource.kind}"\nName: "${info.name}", Namespace: "${info.namespace ?? ''}"`;
}

/** `deployment.apps/web`. */
export function infoName(info: Info): string {
  return `${kindPrefix(info.resource)}/${info.name}`;
}
