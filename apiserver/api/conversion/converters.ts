// Kinds served at more than one version are stored at one (resources.ts lists the others with their
// storageVersion) and converted at the edges of a request: a body decoded at the version it was sent to becomes the
// storage version before the registry sees it, and whatever goes back (objects, lists, watch events, table rows)
// becomes the version the request addressed. The registry, strategies, validation, printers and controllers see
// storage versions only, as kube's see its internal version.
// Converters are keyed by group and kind, like strategies. Every served version of a kind with a converter goes
// through it, the storage version too: kube's conversions also normalise (autoscaling/v2 drops the round-trip
// annotations autoscaling/v1 writes).
import { groupVersion, type ResourceInfo } from '../resources.ts';
import type { KubeList, KubeObject } from '../types.ts';
import { horizontalPodAutoscalerConverter } from './autoscaling-v1.ts';

export interface KindConverter {
  /** An object decoded at `version`, in the storage version's form (apiVersion included). May reuse parts of `obj`. */
  toStorage(obj: KubeObject, version: string): KubeObject;
  /** A stored object in `version`'s form. Never modifies `obj`: stored objects are frozen and shared. */
  fromStorage(obj: KubeObject, version: string): KubeObject;
}

const converters = new Map<string, KindConverter>([
  ['autoscaling/HorizontalPodAutoscaler', horizontalPodAutoscalerConverter],
]);

function converterFor(ri: Pick<ResourceInfo, 'group' | 'kind'>): KindConverter | undefined {
  return converters.get(`${ri.group}/${ri.kind}`);
}

/** Whether `ri`'s kind converts between versions (every version in resources.ts's convertedVersions must). */
export function hasConverter(ri: Pick<ResourceInfo, 'group' | 'kind'>): boolean {
  return converterFor(ri) !== undefined;
}

/** An object decoded at `ri`'s version, as the registry stores it. The object itself for kinds served once. */
export function toStorage(ri: ResourceInfo, obj: KubeObject): KubeObject {
  const converter = converterFor(ri);
  return converter ? converter.toStorage(obj, ri.version) : obj;
}

/** A stored object as `ri`'s version shows it. The object itself for kinds served once. */
export function fromStorage<T extends KubeObject>(ri: ResourceInfo, obj: T): T {
  const converter = converterFor(ri);
  return converter ? converter.fromStorage(obj, ri.version) as T : obj;
}

/** A list of stored objects as `ri`'s version shows it. */
export function listFromStorage<T extends KubeObject>(ri: ResourceInfo, list: KubeList<T>): KubeList<T> {
  if (!converterFor(ri)) return list;
  return { ...list, apiVersion: groupVersion(ri), items: list.items.map((obj) => fromStorage(ri, obj)) };
}
