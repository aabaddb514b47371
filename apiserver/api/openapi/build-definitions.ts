// Turns kubernetes-types declarations into OpenAPI definitions named and shaped as in Kubernetes' own document:
// every type reachable from the given roots, with descriptions, required fields, integer formats, the
// IntOrString/Quantity/Time special types, group-version-kinds and the strategic-merge metadata table.
import ts from 'typescript';
import type { Declaration, DeclarationIndex, InterfaceDecl, PropertyDecl } from './declarations.ts';
import { definitionName, intOrStringName, microTimeName, timeName } from './definition-names.ts';
import { byteProperties, int64Properties } from './property-formats.ts';
import { definitionPatchMetadata, propertyPatchMetadata } from './patch-metadata.ts';
import { refPrefix, type Definitions, type Schema } from './schema.ts';

export interface GroupVersionKind { group: string; version: string; kind: string }

export interface DefinitionRoot {
  /** kubernetes-types module (`apps/v1`) and type name (`Deployment`). */
  module: string;
  name: string;
}

const stringFormats: Record<string, string> = { [timeName]: 'date-time', [microTimeName]: 'date-time' };

const intOrString: Schema = {
  type: 'string',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
  description: 'IntOrString is a type that can hold an int32 or a string. In JSON and YAML it is written as the '
    + 'inner value: a number (`8080`) or a string (`"http"`, `"25%"`).',
};

export function buildDefinitions(
  index: DeclarationIndex, roots: DefinitionRoot[], gvks: Map<string, GroupVersionKind[]>,
): Definitions {
  const definitions: Definitions = {};
  const pending: Declaration[] = roots.map((root) => index.resolve(root.module, root.name));
  const refTo = (module: string, name: string): Schema => {
    const declaration = index.resolve(module, name);
    const target = definitionName(declaration.module, declaration.name);
    if (!(target in definitions) && !pending.some((p) => p === declaration)) pending.push(declaration);
    return { $ref: `${refPrefix}${target}` };
  };
  let usesIntOrString = false;
  const typeSchema = (node: ts.TypeNode, module: string, where: string, format: FormatHint): Schema => {
    if (node.kind === ts.SyntaxKind.StringKeyword) return format.bytes ? { type: 'string', format: 'byte' } : { type: 'string' };
    if (node.kind === ts.SyntaxKind.BooleanKeyword) return { type: 'boolean' };
    if (node.kind === ts.SyntaxKind.NumberKeyword) return { type: 'integer', format: format.int64 ? 'int64' : 'int32' };
    if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) {
      // apiVersion/kind are literal types in kubernetes-types; Kubernetes' document keeps them plain strings.
      return { type: 'string' };
    }
    if (ts.isUnionTypeNode(node) && isNumberOrString(node)) {
      usesIntOrString = true;
      return { $ref: `${refPrefix}${intOrStringName}` };
    }
    if (ts.isArrayTypeNode(node)) {
      return { type: 'array', items: typeSchema(node.elementType, module, where, format) };
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName)) {
      const [argument] = node.typeArguments ?? [];
      if (node.typeName.text === 'Array' && argument) {
        return { type: 'array', items: typeSchema(argument, module, where, format) };
      }
      return refTo(module, node.typeName.text);
    }
    if (ts.isTypeLiteralNode(node) && node.members.length === 1) {
      const [signature] = node.members;
      if (ts.isIndexSignatureDeclaration(signature) && signature.type) {
        return { type: 'object', additionalProperties: typeSchema(signature.type, module, where, format) };
      }
    }
    throw new Error(`kubernetes-types: unsupported type syntax at ${where}: ${node.getText()}`);
  };

  for (let declaration = pending.shift(); declaration; declaration = pending.shift()) {
    const name = definitionName(declaration.module, declaration.name);
    if (name in definitions) continue;
    const schema = declaration.kind === 'alias'
      ? aliasSchema(declaration, name, typeSchema)
      : interfaceSchema(declaration, name, typeSchema);
    const kinds = gvks.get(name);
    if (kinds) schema['x-kubernetes-group-version-kind'] = sortedGvks(kinds);
    Object.assign(schema, definitionPatchMetadata[name]);
    definitions[name] = schema;
  }
  if (usesIntOrString) definitions[intOrStringName] = intOrString;
  checkTablesAgainst(definitions, gvks);
  return definitions;
}

/** What the Go type adds to a TypeScript `number` or `string` (see property-formats.ts). */
interface FormatHint { int64?: boolean; bytes?: boolean }
type TypeSchema = (node: ts.TypeNode, module: string, where: string, format: FormatHint) => Schema;

function interfaceSchema(declaration: InterfaceDecl, name: string, typeSchema: TypeSchema): Schema {
  const schema: Schema = { type: 'object' };
  if (declaration.description) schema.description = declaration.description;
  if (declaration.properties.length === 0) {
    // RawExtension, FieldsV1 and Patch: Go types with their own JSON handling that take any JSON value, which
    // kubernetes-types can only render as an empty interface.
    schema['x-kubernetes-preserve-unknown-fields'] = true;
    return schema;
  }
  const int64 = new Set(int64Properties[name] ?? []);
  const bytes = new Set(byteProperties[name] ?? []);
  schema.properties = {};
  for (const property of declaration.properties) {
    const where = `${name}.${property.name}`;
    const format = { int64: int64.has(property.name), bytes: bytes.has(property.name) };
    schema.properties[property.name] = propertySchema(name, property, typeSchema(property.type, declaration.module, where, format));
  }
  const required = declaration.properties.filter((p) => !p.optional).map((p) => p.name);
  if (required.length > 0) schema.required = required;
  return schema;
}

/** A property's own schema: the type, its description and metadata (a described $ref is wrapped in allOf). */
function propertySchema(owner: string, property: PropertyDecl, type: Schema): Schema {
  const extras: Schema = { ...propertyPatchMetadata[owner]?.[property.name] };
  if (property.description) extras.description = property.description;
  if (property.readonly) extras.readOnly = true;
  if (type.$ref) return Object.keys(extras).length > 0 ? { allOf: [type], ...extras } : type;
  return { ...type, ...extras };
}

function aliasSchema(declaration: Declaration & { kind: 'alias' }, name: string, typeSchema: TypeSchema): Schema {
  // Quantity, Time and MicroTime are `string` aliases: strings on the wire, with their own definition.
  const schema = typeSchema(declaration.type, declaration.module, name, {});
  if (schema.type !== 'string') throw new Error(`kubernetes-types: unsupported alias ${name}`);
  if (stringFormats[name]) schema.format = stringFormats[name];
  if (declaration.description) schema.description = declaration.description;
  return schema;
}

function isNumberOrString(node: ts.UnionTypeNode): boolean {
  const kinds = node.types.map((t) => t.kind).sort();
  return kinds.length === 2 && kinds.includes(ts.SyntaxKind.NumberKeyword) && kinds.includes(ts.SyntaxKind.StringKeyword);
}

function sortedGvks(gvks: GroupVersionKind[]): GroupVersionKind[] {
  const key = (g: GroupVersionKind) => `${g.group}/${g.version}/${g.kind}`;
  return [...gvks].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
}

/** Table entries must name real definitions and properties, or the tables have drifted from the types. */
function checkTablesAgainst(definitions: Definitions, gvks: Map<string, GroupVersionKind[]>): void {
  const problems: string[] = [];
  const propertyOf = (definition: string, property: string) => definitions[definition]?.properties?.[property];
  for (const [definition, properties] of Object.entries(propertyPatchMetadata)) {
    for (const property of Object.keys(properties)) {
      if (!propertyOf(definition, property)) problems.push(`patch-metadata: ${definition}.${property}`);
    }
  }
  for (const definition of Object.keys(definitionPatchMetadata)) {
    if (!definitions[definition]) problems.push(`patch-metadata: ${definition}`);
  }
  for (const [definition, properties] of Object.entries(int64Properties)) {
    for (const property of properties) {
      const schema = propertyOf(definition, property);
      const integer = schema?.type === 'integer' ? schema : schema?.items;
      if (integer?.format !== 'int64') problems.push(`property-formats (int64): ${definition}.${property}`);
    }
  }
  for (const [definition, properties] of Object.entries(byteProperties)) {
    for (const property of properties) {
      const schema = propertyOf(definition, property);
      const bytes = schema?.type === 'string' ? schema : schema?.additionalProperties;
      if (typeof bytes !== 'object' || bytes.format !== 'byte') problems.push(`property-formats (byte): ${definition}.${property}`);
    }
  }
  for (const definition of gvks.keys()) {
    if (!definitions[definition]) problems.push(`group-version-kind for missing ${definition}`);
  }
  if (problems.length > 0) {
    throw new Error(`tables name definitions or properties that kubernetes-types does not have:\n  ${problems.join('\n  ')}`);
  }
}
