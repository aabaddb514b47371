// YAML request bodies (`Content-Type: application/yaml`). kube-apiserver converts YAML to JSON with go-yaml v2,
// i.e. YAML 1.1 scalars (`yes`/`on` are booleans, `0777` is octal) but timestamps and `1:20` stay strings, and reads
// only the first document. Duplicate keys are reported with their path, like JSON's, and follow fieldValidation.
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Node as YamlNode, type Tags } from 'yaml';
import { ForbiddenKeyError, type ParsedJson } from './decode-json.ts';

/** A YAML syntax error or a value JSON cannot hold, in kube's words where they exist. */
export class YamlSyntaxError extends Error {}

/** Aliases expanded per document: enough for real manifests, too few for a "billion laughs" bomb. */
const maxAliasCount = 100;

export function parseYaml(text: string): ParsedJson {
  const [document] = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, customTags: goYamlScalars });
  if (!document) return { value: null, duplicates: [] };
  const [error] = document.errors;
  if (error) {
    const line = error.linePos?.[0].line;
    const message = error.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
    throw new YamlSyntaxError(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}${message}`);
  }
  const duplicates: string[] = [];
  if (document.contents) checkKeys(document.contents, '', duplicates);
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount });
  } catch (e) {
    throw new YamlSyntaxError(`error converting YAML to JSON: yaml: ${(e as Error).message}`);
  }
  checkJsonable(value);
  return { value: value ?? null, duplicates };
}

/** go-yaml v2 resolves neither timestamps nor base-60 numbers; leave them strings as Kubernetes does. */
function goYamlScalars(tags: Tags): Tags {
  return tags.filter((tag) => {
    const id = typeof tag === 'string' ? tag : tag.tag;
    const format = typeof tag === 'string' ? undefined : tag.format;
    return id !== 'tag:yaml.org,2002:timestamp' && format !== 'TIME';
  });
}

/** Records keys seen twice in one mapping and refuses keys that would poison a prototype. */
function checkKeys(node: YamlNode, path: string, duplicates: string[]): void {
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') throw new ForbiddenKeyError(keyPath);
      if (key === 'constructor' && isMap(pair.value) && pair.value.has('prototype')) {
        throw new ForbiddenKeyError(`${keyPath}.prototype`);
      }
      if (key === '<<') continue; // a merge key: its entries are the merged mapping's, not duplicates
      if (seen.has(key)) duplicates.push(keyPath);
      seen.add(key);
      if (pair.value && !isAlias(pair.value)) checkKeys(pair.value as YamlNode, keyPath, duplicates);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item && !isAlias(item)) checkKeys(item as YamlNode, `${path}[${i}]`, duplicates);
    });
  }
}

/** YAML has values JSON cannot carry (`.inf`, `.nan`); Kubernetes' YAML-to-JSON conversion fails on them. */
function checkJsonable(value: unknown): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new YamlSyntaxError(`error converting YAML to JSON: json: unsupported value: ${value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN'}`);
  }
  if (Array.isArray(value)) value.forEach(checkJsonable);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(checkJsonable);
}
