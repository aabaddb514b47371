// The patch client-side apply sends (and `diff` previews): kubectl's three-way strategic merge patch from the
// last-applied configuration, the new manifest and the live object, with the strategic-merge keys from the
// server's OpenAPI schema. A kind without a published schema gets kubectl's three-way JSON merge patch instead.
import { createJsonMergePatch, createThreeWayMergePatch } from '../apiserver/api/patch/three-way.ts';
import type { ApiObject } from '../apiserver/client/object.ts';
import type { PatchType } from '../apiserver/client/rest.ts';
import type { DiscoveredResource } from './discovery.ts';
import { readLastApplied } from './last-applied.ts';
import type { Session } from './session.ts';

export async function applyPatch(session: Session, resource: DiscoveredResource, live: ApiObject,
  modified: ApiObject): Promise<{ patch: Record<string, unknown>; type: PatchType }> {
  const kind = await session.openapi().kind(resource.group, resource.version, resource.kind);
  const original = readLastApplied(live);
  if (kind) return { patch: createThreeWayMergePatch(original, modified, live, kind.schema, kind.set.resolve), type: 'strategic' };
  return { patch: threeWayJsonMergePatch(original, modified, live), type: 'merge' };
}

/**
 * For kinds without a published schema: kubectl's CreateThreeWayJSONMergePatch, deletions from (last applied ->
 * manifest), changes from (live -> manifest), as one JSON merge patch.
 */
export function threeWayJsonMergePatch(original: unknown, modified: unknown, current: unknown): Record<string, unknown> {
  const deletions = onlyNulls(createJsonMergePatch(original ?? {}, modified) as Record<string, unknown>);
  const changes = withoutNulls(createJsonMergePatch(current ?? {}, modified) as Record<string, unknown>);
  return mergeDeep(deletions, changes);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyNulls(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) out[k] = null;
    else if (isMap(v)) {
      const inner = onlyNulls(v);
      if (Object.keys(inner).length > 0) out[k] = inner;
    }
  }
  return out;
}

function withoutNulls(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) continue;
    if (isMap(v)) {
      const inner = withoutNulls(v);
      if (Object.keys(inner).length > 0) out[k] = inner;
    } else out[k] = v;
  }
  return out;
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isMap(v) && isMap(out[k]) ? mergeDeep(out[k] as Record<string, unknown>, v) : v;
  return out;
}

