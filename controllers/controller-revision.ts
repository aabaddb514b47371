// ControllerRevisions for the DaemonSet and StatefulSet controllers (kube's controller/history): a snapshot of the
// pod template, named `<owner>-<hash>` and labelled controller-revision-hash, so pods can be told apart by the
// revision they were made from and rollbacks can find an old template.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { ControllerRevision, PodTemplateSpec } from '../apiserver/api/types.ts';
import { isAlreadyExists, type ApiObject, type RestClient } from '../apiserver/client/index.ts';

export const revisionHashLabel = 'controller-revision-hash';
const revisionsResource = resourceFor('apps', 'v1', 'controllerrevisions')!;

/** 32-bit FNV-1a, the hash kube uses for templates. */
export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** kube's rand.SafeEncodeString: no vowels (no words) and no look-alike characters. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += safeAlphabet[ch.charCodeAt(0) % safeAlphabet.length];
  return out;
}

/** JSON with object keys sorted, so the same template always hashes the same whatever order its fields came in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The revision hash of a template; collisionCount changes it when a different template already has the name. */
export function templateHash(template: PodTemplateSpec | undefined, collisionCount = 0): string {
  const data = canonicalJson(template ?? {}) + (collisionCount > 0 ? String(collisionCount) : '');
  return safeEncode(String(fnv32a(data)));
}

/** The data a revision stores: the template, as the `spec.template` the owner had. */
export function revisionData(template: PodTemplateSpec | undefined): { spec: { template: PodTemplateSpec } } {
  return { spec: { template: template ?? {} } };
}

/** Whether a stored revision holds this template. */
export function revisionMatches(rev: ControllerRevision, template: PodTemplateSpec | undefined): boolean {
  return canonicalJson(rev.data) === canonicalJson(revisionData(template));
}

export function nextRevisionNumber(revisions: ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision), 0) + 1;
}

/**
 * The revision holding `template` among the owner's revisions: an existing one (made newest again on a rollback), or
 * a new one. A name clash with a different template bumps collisionCount and hashes again, as kube does.
 */
export async function ensureRevision(client: RestClient, owner: ApiObject & { spec?: { template?: PodTemplateSpec } },
  kind: 'DaemonSet' | 'StatefulSet', template: PodTemplateSpec | undefined, owned: ControllerRevision[],
  collisionCount: number): Promise<{ hash: string; collisionCount: number; revision: number }> {
  const namespace = owner.metadata?.namespace;
  const latest = nextRevisionNumber(owned);
  const existing = owned.find((r) => revisionMatches(r, template));
  if (existing) {
    const hash = existing.metadata?.labels?.[revisionHashLabel] ?? templateHash(template, collisionCount);
    if (existing.revision === latest - 1) return { hash, collisionCount, revision: existing.revision };
    await client.update<ControllerRevision>(revisionsResource, namespace, { ...existing, revision: latest });
    return { hash, collisionCount, revision: latest };
  }
  for (let count = collisionCount; ; count++) {
    const hash = templateHash(template, count);
    const rev: ControllerRevision = {
      apiVersion: 'apps/v1', kind: 'ControllerRevision',
      metadata: {
        name: `${owner.metadata?.name ?? ''}-${hash}`, namespace,
        labels: { ...template?.metadata?.labels, [revisionHashLabel]: hash },
        ownerReferences: [{
          apiVersion: 'apps/v1', kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '',
          controller: true, blockOwnerDeletion: true,
        }],
      },
      data: revisionData(template),
      revision: latest,
    };
    try {
      await client.create(revisionsResource, namespace, rev);
      return { hash, collisionCount: count, revision: latest };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const clash = await client.get<ControllerRevision>(revisionsResource, namespace, rev.metadata?.name ?? '');
      const ours = clash.metadata?.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata?.uid);
      if (ours && revisionMatches(clash, template)) return { hash, collisionCount: count, revision: clash.revision };
    }
  }
}

/** The template a revision stored (for pods still made from the current, not the update, revision). */
export function templateOf(rev: ControllerRevision | undefined): PodTemplateSpec | undefined {
  const data = rev?.data as { spec?: { template?: PodTemplateSpec } } | undefined;
  return data?.spec?.template;
}
