// Build step (`npm run gen`, first part of `npm run build`): writes apiserver/api/generated/definitions.json, the
// OpenAPI definitions of every type Skiff serves, from kubernetes-types' declarations. Deterministic: the same
// kubernetes-types and tables give byte-identical output.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { servedResources, subresourceKinds, groupVersion } from '../resources.ts';
import { buildDefinitions, type DefinitionRoot, type GroupVersionKind } from './build-definitions.ts';
import { declarationIndex } from './declarations.ts';
import { definitionName, metaV1Prefix, moduleForGroupVersion } from './definition-names.ts';
import { definitionsFile, packageRoot } from './package-root.ts';
import type { Definitions } from './schema.ts';

/** Kinds served without a resource of their own: subresource bodies kubernetes-types declares. */
const subresourceBodies: GroupVersionKind[] = Object.values(subresourceKinds)
  .filter((k) => ['Scale', 'Eviction', 'Binding', 'TokenRequest'].includes(k.kind))
  .map(({ group, version, kind }) => ({ group, version, kind }));

/** Create-only review kinds answered without being stored (server/access-review-routes.ts decodes them). */
const reviewBodies: GroupVersionKind[] = [
  'SubjectAccessReview', 'SelfSubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectRulesReview',
].map((kind) => ({ group: 'authorization.k8s.io', version: 'v1', kind }));

/** meta/v1 types every group-version's operations use. */
const metaKinds = ['Status', 'DeleteOptions', 'WatchEvent', 'Patch', 'APIResourceList', 'APIGroupList', 'APIVersions'];
/** meta/v1 kinds that are served once, in the core group. */
const coreMetaKinds = ['Status', 'APIResourceList', 'APIGroupList', 'APIGroup', 'APIVersions'];
/** meta/v1 kinds Kubernetes lists under every group-version it serves. */
const perGroupVersionMetaKinds = ['DeleteOptions', 'WatchEvent'];

export function generateDefinitions(): Definitions {
  const typesRoot = path.dirname(createRequire(import.meta.url).resolve('kubernetes-types/package.json'));
  const roots: DefinitionRoot[] = [];
  const gvks = new Map<string, GroupVersionKind[]>();
  const addKind = (gvk: GroupVersionKind) => {
    const module = moduleForGroupVersion(gvk.group, gvk.version);
    roots.push({ module, name: gvk.kind });
    const name = definitionName(module, gvk.kind);
    gvks.set(name, [...(gvks.get(name) ?? []), gvk]);
  };
  for (const ri of servedResources) {
    addKind({ group: ri.group, version: ri.version, kind: ri.kind });
    addKind({ group: ri.group, version: ri.version, kind: `${ri.kind}List` });
  }
  for (const gvk of [...subresourceBodies, ...reviewBodies]) addKind(gvk);

  for (const kind of metaKinds) roots.push({ module: 'meta/v1', name: kind });
  for (const kind of coreMetaKinds) gvks.set(`${metaV1Prefix}${kind}`, [{ group: '', version: 'v1', kind }]);
  const servedGroupVersions = new Map<string, GroupVersionKind>();
  for (const { group, version } of [...servedResources, ...subresourceBodies, ...reviewBodies]) {
    servedGroupVersions.set(groupVersion({ group, version }), { group, version, kind: '' });
  }
  for (const kind of perGroupVersionMetaKinds) {
    gvks.set(`${metaV1Prefix}${kind}`, [...servedGroupVersions.values()].map((gv) => ({ ...gv, kind })));
  }
  return buildDefinitions(declarationIndex(typesRoot), roots, gvks);
}

/** JSON with object keys sorted at every level, so output does not depend on traversal order. */
export function stableJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return `${JSON.stringify(sorted(value), null, 1)}\n`;
}

export function writeDefinitions(file = definitionsFile(packageRoot(import.meta.url))): { file: string; count: number } {
  const definitions = generateDefinitions();
  mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so a server or test reading the file never sees half of it.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, stableJson(definitions));
  renameSync(partial, file);
  return { file, count: Object.keys(definitions).length };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const started = performance.now();
  const { file, count } = writeDefinitions();
  const elapsed = Math.round(performance.now() - started);
  console.log(`wrote ${count} definitions to ${path.relative(process.cwd(), file)} in ${elapsed} ms`);
}
