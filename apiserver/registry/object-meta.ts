// The metadata fields the apiserver owns (uid, creationTimestamp, generation, generated names), filled the way
// kube-apiserver's BeforeCreate/BeforeUpdate fill them.
import { randomInt, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject, Mutable, ObjectMeta } from '../api/types.ts';

// kube's utilrand alphabet: no vowels (no accidental words) and no easily confused characters.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
const maxGeneratedNameLength = 63;

/** `generateName` + 5 random characters, trimmed so the result stays within 63 characters as Kubernetes does. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[randomInt(alphabet.length)];
  const room = maxGeneratedNameLength - suffix.length;
  return `${prefix.length > room ? prefix.slice(0, room) : prefix}${suffix}`;
}

export function nowRFC3339(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Fills the system fields of a new object. */
export function fillCreateMeta(obj: KubeObject, opts: { now: string; tracksGeneration: boolean }): Mutable<ObjectMeta> {
  const meta: Mutable<ObjectMeta> = obj.metadata ?? {};
  obj.metadata = meta;
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  meta.uid = randomUUID();
  meta.creationTimestamp = opts.now;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (opts.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  return meta;
}

/**
 * Carries the fields a client cannot change from the stored object into the update. `changed` decides whether a
 * tracked generation moves on (default: anything but metadata and status changed).
 */
export function carryUpdateMeta(obj: KubeObject, old: KubeObject, tracksGeneration: boolean,
  changed: (obj: KubeObject, old: KubeObject) => boolean = specChanged): void {
  const meta: Mutable<ObjectMeta> = obj.metadata ?? {};
  obj.metadata = meta;
  const oldMeta = old.metadata ?? {};
  meta.uid ??= oldMeta.uid;
  meta.creationTimestamp = oldMeta.creationTimestamp;
  // Deletion is driven by DELETE, never by an update.
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  else delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (tracksGeneration) {
    const generation = oldMeta.generation ?? 1;
    meta.generation = changed(obj, old) ? generation + 1 : generation;
  } else {
    delete meta.generation;
  }
}

/** Generation counts changes of everything but metadata and status (Kubernetes bumps it on spec changes). */
export function specChanged(obj: KubeObject, old: KubeObject): boolean {
  return !isDeepStrictEqual(withoutMetaAndStatus(obj), withoutMetaAndStatus(old));
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

/** True when an update would store exactly what is stored already (resourceVersion aside): Kubernetes skips such writes. */
export function sameStoredContent(obj: KubeObject, old: KubeObject): boolean {
  const a = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
  const b = { ...old, metadata: { ...old.metadata, resourceVersion: undefined } };
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
