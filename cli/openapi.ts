// The server's OpenAPI v3 documents, as kubectl reads them: `/openapi/v3` lists one document per group version,
// each fetched on first use. Client-side apply and `patch --type strategic` previews take the strategic-merge keys
// from them (x-kubernetes-patch-strategy / -merge-key), `explain` the fields, types and descriptions. Nothing is
// taken from Skiff's own files: the server skiffctl talks to is the authority on what it serves.
import { refPrefix, type Schema } from '../apiserver/api/openapi/schema.ts';
import type { ResolveSchema } from '../apiserver/api/patch/patch-meta.ts';
import type { RestClient } from '../apiserver/client/rest.ts';

interface RootDoc {
  paths?: Record<string, { serverRelativeURL?: string }>;
}

interface GroupVersionDoc {
  components?: { schemas?: Record<string, Schema> };
}

/** One group version's schemas and the means to follow their references. */
export class SchemaSet {
  readonly schemas: Record<string, Schema>;

  constructor(schemas: Record<string, Schema>) {
    this.schemas = schemas;
  }

  /** The definition whose x-kubernetes-group-version-kind names this kind. */
  forKind(group: string, version: string, kind: string): { name: string; schema: Schema } | undefined {
    for (const [name, schema] of Object.entries(this.schemas)) {
      if (schema['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind)) {
        return { name, schema };
      }
    }
    return undefined;
  }

  /** Follows `$ref` and the one-element `allOf` wrapper, the outer schema's own keys (description, patch strategy) winning. */
  readonly resolve: ResolveSchema = (schema: Schema): Schema => {
    let current = schema;
    for (let depth = 0; depth < 32; depth++) {
      if (current.allOf?.length === 1 && !current.properties) {
        const { allOf, ...outer } = current;
        current = { ...this.resolve(allOf[0]), ...outer };
        continue;
      }
      if (current.$ref) {
        const { $ref, ...outer } = current;
        const target = this.schemas[refName($ref)];
        if (!target) return outer;
        current = { ...target, ...outer };
        continue;
      }
      return current;
    }
    return current;
  };
}

/** `#/components/schemas/io.k8s.api.core.v1.Pod` -> `io.k8s.api.core.v1.Pod`. */
export function refName(ref: string): string {
  return ref.startsWith(refPrefix) ? ref.slice(refPrefix.length) : ref.slice(ref.lastIndexOf('/') + 1);
}

/** Per session: the root list once, each group version's document once. */
export class OpenApi {
  private readonly client: RestClient;
  private root: Promise<RootDoc | undefined> | undefined;
  private readonly docs = new Map<string, Promise<SchemaSet | undefined>>();

  constructor(client: RestClient) {
    this.client = client;
  }

  /** The schemas of `group`/`version`, or undefined when the server publishes no OpenAPI v3 for it. */
  schemas(group: string, version: string): Promise<SchemaSet | undefined> {
    const key = group ? `apis/${group}/${version}` : `api/${version}`;
    let doc = this.docs.get(key);
    if (!doc) {
      doc = this.load(key);
      this.docs.set(key, doc);
    }
    return doc;
  }

  private async load(key: string): Promise<SchemaSet | undefined> {
    this.root ??= this.client.request<RootDoc>('GET', '/openapi/v3').catch(() => undefined);
    const root = await this.root;
    const url = root?.paths?.[key]?.serverRelativeURL;
    if (!url) return undefined;
    const doc = await this.client.request<GroupVersionDoc>('GET', url);
    return new SchemaSet(doc.components?.schemas ?? {});
  }

  /** The kind's schema with its set (for resolving), or undefined when unpublished. */
  async kind(group: string, version: string, kind: string): Promise<{ set: SchemaSet; name: string; schema: Schema } | undefined> {
    const set = await this.schemas(group, version);
    const found = set?.forKind(group, version, kind);
    return set && found ? { set, ...found } : undefined;
  }
}
