// A stable hash of a container spec, stored on the Docker container (naming.ts `io.kubernetes.container.hash`). The
// kubelet compares it with the hash of the current spec: equal means the running container still matches and is
// adopted as-is after a kubelet restart; different means the spec changed (for example a new image) and the
// container is replaced, as Kubernetes' HashContainer drives it.
//
// Key order and absent-vs-undefined fields must not change the hash, or every kubelet restart would restart every
// container: the JSON is canonical (keys sorted, undefined dropped) before hashing.
import { createHash } from 'node:crypto';
import type { Container } from '../../apiserver/api/types.ts';

export function containerSpecHash(container: Container): string {
  return createHash('sha256').update(canonicalJson(container)).digest('hex').slice(0, 16);
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, value]) => `${JSON.stringify(k)}:${canonicalJson(value)}`).join(',')}}`;
}
