// The OpenAPI definitions of the served types, loaded once from the file `npm run gen` writes. Decoding, strategic
// merge patch, the served OpenAPI documents and `kubectl explain` all read this one set.
import { existsSync, readFileSync } from 'node:fs';
import { definitionName, moduleForGroupVersion } from './definition-names.ts';
import { definitionsFile, packageRoot } from './package-root.ts';
import { refPrefix, type Definitions, type Schema } from './schema.ts';

let loaded: Definitions | undefined;
let byKind: Map<string, string> | undefined;

export function definitions(): Definitions {
  if (!loaded) {
    const file = definitionsFile(packageRoot(import.meta.url));
    if (!existsSync(file)) {
      throw new Error(`OpenAPI definitions not found at ${file}: run \`npm run gen\` (or \`npm run build\`) to generate them`);
    }
    loaded = JSON.parse(readFileSync(file, 'utf8')) as Definitions;
  }
  return loaded;
}

/** `('apps', 'v1', 'Deployment')` -> `io.k8s.api.apps.v1.Deployment`, from the definitions' group-version-kinds. */
export function definitionNameForKind(group: string, version: string, kind: string): string | undefined {
  if (!byKind) {
    byKind = new Map();
    for (const [name, schema] of Object.entries(definitions())) {
      for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
        byKind.set(kindKey(gvk.group, gvk.version, gvk.kind), name);
      }
    }
  }
  const named = byKind.get(kindKey(group, version, kind));
  if (named) return named;
  // Types without a group-version-kind of their own (PodSpec, ...) by the package Kubernetes publishes them in.
  const guess = definitionName(moduleForGroupVersion(group, version), kind);
  return guess in definitions() ? guess : undefined;
}

export function schemaForKind(group: string, version: string, kind: string): Schema | undefined {
  const name = definitionNameForKind(group, version, kind);
  return name ? definitions()[name] : undefined;
}

/**
 * The schema a property really has: follows `$ref` and the `allOf: [{ $ref }]` wrapper Kubernetes puts around
 * described references, keeping the outer schema's extensions (patch strategy, description) over the target's.
 */
export function resolveSchema(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    if (current.allOf?.length === 1 && !current.properties) {
      const { allOf, ...outer } = current;
      current = { ...resolveSchema(allOf[0]), ...outer };
      continue;
    }
    if (current.$ref) {
      const { $ref, ...outer } = current;
      const target = definitions()[refName($ref)];
      if (!target) throw new Error(`OpenAPI: unresolvable reference ${$ref}`);
      current = { ...target, ...outer };
      continue;
    }
    return current;
  }
  throw new Error('OpenAPI: reference chain too deep');
}

/** `#/components/schemas/io.k8s.api.core.v1.Pod` (or a v2 `#/definitions/` ref) -> `io.k8s.api.core.v1.Pod`. */
export function refName(ref: string): string {
  if (ref.startsWith(refPrefix)) return ref.slice(refPrefix.length);
  return ref.slice(ref.lastIndexOf('/') + 1);
}

function kindKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}
