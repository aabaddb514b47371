// Reads kubernetes-types' declaration files with the TypeScript parser (no type checker: the files are
// plain interfaces, a few string aliases and relative imports, so the syntax tree says everything).
// Build-time only: the generator uses this, the server never does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface PropertyDecl {
  name: string;
  optional: boolean;
  readonly: boolean;
  type: ts.TypeNode;
  description?: string;
}

export interface InterfaceDecl {
  kind: 'interface';
  /** Module path inside kubernetes-types, without `.d.ts`: `core/v1`, `runtime`. */
  module: string;
  name: string;
  description?: string;
  properties: PropertyDecl[];
}

export interface AliasDecl {
  kind: 'alias';
  module: string;
  name: string;
  description?: string;
  type: ts.TypeNode;
}

export type Declaration = InterfaceDecl | AliasDecl;

interface ModuleDecls {
  declarations: Map<string, Declaration>;
  /** Imported name -> the module it comes from. */
  imports: Map<string, string>;
}

export interface DeclarationIndex {
  /** The declaration `name` refers to when used inside `module` (following one import if needed). */
  resolve(module: string, name: string): Declaration;
}

export function declarationIndex(typesRoot: string): DeclarationIndex {
  const modules = new Map<string, ModuleDecls>();
  const load = (module: string): ModuleDecls => {
    let decls = modules.get(module);
    if (!decls) {
      decls = readModule(typesRoot, module);
      modules.set(module, decls);
    }
    return decls;
  };
  return {
    resolve(module, name) {
      const own = load(module);
      const local = own.declarations.get(name);
      if (local) return local;
      const from = own.imports.get(name);
      const imported = from ? load(from).declarations.get(name) : undefined;
      if (!imported) throw new Error(`kubernetes-types: ${name} is not declared in or imported by ${module}`);
      return imported;
    },
  };
}

function readModule(typesRoot: string, module: string): ModuleDecls {
  const file = path.join(typesRoot, `${module}.d.ts`);
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, Declaration>();
  const imports = new Map<string, string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = (statement.moduleSpecifier as ts.StringLiteral).text;
      const target = path.posix.join(path.posix.dirname(module), from);
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) imports.set(element.name.text, target);
      }
    } else if (ts.isInterfaceDeclaration(statement)) {
      declarations.set(statement.name.text, {
        kind: 'interface', module, name: statement.name.text,
        description: docComment(text, statement),
        properties: statement.members.map((member) => propertyOf(text, member, statement.name.text)),
      });
    } else if (ts.isTypeAliasDeclaration(statement)) {
      declarations.set(statement.name.text, {
        kind: 'alias', module, name: statement.name.text,
        description: docComment(text, statement), type: statement.type,
      });
    }
  }
  return { declarations, imports };
}

function propertyOf(text: string, member: ts.TypeElement, owner: string): PropertyDecl {
  if (!ts.isPropertySignature(member) || !member.type || !(ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) {
    throw new Error(`kubernetes-types: unexpected member in ${owner}: ${member.getText()}`);
  }
  return {
    name: member.name.text,
    optional: member.questionToken !== undefined,
    readonly: member.modifiers?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false,
    type: member.type,
    description: docComment(text, member),
  };
}

/**
 * The text of the `/** ... *\/` comment right before a node, with the comment markers and the leading ` * ` of
 * each line removed. Done by hand rather than with the JSDoc parser, which would read `@` in descriptions
 * (image digests, e-mail addresses) as tags.
 */
function docComment(text: string, node: ts.Node): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.filter((r) => text.startsWith('/**', r.pos)).at(-1);
  if (!last) return undefined;
  const body = text.slice(last.pos + 3, last.end - 2);
  const lines = body.split('\n').map((line) => line.replace(/^\s*\* ?/, '').replace(/^\s+$/, ''));
  const description = lines.join('\n').trim();
  return description === '' ? undefined : description;
}
