// What the client asked to receive, from its Accept header: plain objects as JSON or YAML, a server-side
// Table (kubectl get), or PartialObjectMetadata (metadata-only clients). Protobuf alone gets 406: Skiff speaks JSON.
import { errors } from '../api/errors.ts';

export type Rendering =
  | { as: 'object'; format: 'json' | 'yaml' }
  | { as: 'Table'; version: 'v1' | 'v1beta1' }
  | { as: 'PartialObjectMetadata'; version: 'v1' | 'v1beta1' };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(header: string): MediaRange[] {
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const parsed: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) parsed[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: (type ?? '').toLowerCase(), params: parsed };
  }).filter((m) => m.type !== '');
}

const jsonTypes = new Set(['application/json', 'application/*', '*/*']);

/** Picks the first rendering in the client's order of preference that Skiff can produce. */
export function negotiate(accept: string | undefined): Rendering {
  if (!accept) return { as: 'object', format: 'json' };
  for (const m of parseAccept(accept)) {
    const version = m.params.v === 'v1beta1' ? 'v1beta1' : 'v1';
    if (m.params.as) {
      if (m.type !== 'application/json' || m.params.g !== 'meta.k8s.io') continue;
      if (m.params.v !== 'v1' && m.params.v !== 'v1beta1') continue;
      if (m.params.as === 'Table') return { as: 'Table', version };
      if (m.params.as === 'PartialObjectMetadata' || m.params.as === 'PartialObjectMetadataList') {
        return { as: 'PartialObjectMetadata', version };
      }
      continue;
    }
    if (jsonTypes.has(m.type)) return { as: 'object', format: 'json' };
    if (m.type === 'application/yaml') return { as: 'object', format: 'yaml' };
  }
  throw errors.notAcceptable(
    'only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io');
}

/** The trimmed-down object a metadata-only client receives. */
export function partialObjectMetadata(obj: { apiVersion?: string; kind?: string; metadata?: unknown }, version: string): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}
