// Shell completion. The scripts `skiffctl completion bash|zsh` print are thin: on <TAB> they run
// `skiffctl __complete <words...>` (the words after `skiffctl`, the last one being completed) and offer what it
// prints, one candidate per line. Candidates come from the commander tree (verbs, subcommands, flags) and, where a
// command takes resources, from the server (types from discovery, then object names), so they are always current.
import type { Command, Option } from 'commander';
import { KubeconfigEditor } from '../apiserver/client/kubeconfig-edit.ts';
import { listObjects } from './fetch.ts';
import { parseResourceArgs, resolveResourceArgs } from './resolve.ts';
import { Session, type GlobalFlags, type Io } from './session.ts';

/** What a command's positional arguments are, for completion. */
export type CompletionKind = 'resources' | 'contexts' | 'shells' | 'none';

const hints = new WeakMap<Command, CompletionKind>();

/** Marks `cmd`'s arguments (command files call this when they register). Returns `cmd` for chaining. */
export function completes(cmd: Command, kind: CompletionKind): Command {
  hints.set(cmd, kind);
  return cmd;
}

const outputFormats = ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file='];

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

function findOption(cmds: Command[], word: string): Option | undefined {
  for (const c of [...cmds].reverse()) {
    const o = c.options.find((opt) => opt.long === word || opt.short === word);
    if (o) return o;
  }
  return undefined;
}

/** The candidates for the last of `words` (the word being completed, maybe empty). */
export async function complete(program: Command, words: string[], io: Io): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const path: Command[] = [program];
  const positional: string[] = [];
  const flags: GlobalFlags = {};
  let pendingOption: Option | undefined;
  for (const w of before) {
    if (pendingOption) {
      const key = pendingOption.attributeName() as keyof GlobalFlags;
      (flags as Record<string, unknown>)[key] = w;
      pendingOption = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const [name, value] = w.split('=', 2);
      const opt = findOption(path, name);
      if (opt && takesValue(opt)) {
        if (value === undefined) pendingOption = opt;
        else (flags as Record<string, unknown>)[opt.attributeName()] = value;
      }
      continue;
    }
    const cmd = path.at(-1) as Command;
    const sub = positional.length === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) path.push(sub);
    else positional.push(w);
  }
  const cmd = path.at(-1) as Command;
  const session = new Session(flags, io);
  try {
    if (pendingOption) return await optionValues(pendingOption, session);
    if (current.startsWith('-')) {
      const names = path.flatMap((c) => c.options.map((o) => o.long)).filter((n): n is string => Boolean(n));
      return [...new Set(names)].sort();
    }
    if (cmd.commands.length > 0 && positional.length === 0) {
      return cmd.commands.filter((c) => !c.name().startsWith('_')).map((c) => c.name()).sort();
    }
    switch (hints.get(cmd)) {
      case 'resources': return await resourceCandidates(session, positional, current);
      case 'contexts': return contextNames(session);
      case 'shells': return positional.length === 0 ? ['bash', 'zsh'] : [];
      default: return [];
    }
  } catch {
    // Completion never prints errors into the user's command line.
    return [];
  } finally {
    session.close();
  }
}

async function optionValues(opt: Option, session: Session): Promise<string[]> {
  switch (opt.long) {
    case '--output': return outputFormats;
    case '--context': return contextNames(session);
    case '--namespace': {
      const discovery = await session.discovery();
      const [ns] = resolveResourceArgs(discovery, parseResourceArgs(['namespaces']));
      const list = await listObjects(session.client(), ns.resource, undefined, {});
      return list.items.map((o) => o.metadata?.name ?? '').filter(Boolean);
    }
    default: return [];
  }
}

function contextNames(session: Session): string[] {
  return new KubeconfigEditor(session.location()).contexts().map((c) => c.name).sort();
}

/** No positional yet: resource types (plural and short names). After a type: names of its objects. */
async function resourceCandidates(session: Session, positional: string[], current: string): Promise<string[]> {
  const discovery = await session.discovery();
  if (positional.length === 0) {
    if (current.includes('/')) {
      const [type] = current.split('/');
      const names = await objectNames(session, type);
      return names.map((n) => `${type}/${n}`);
    }
    const types = discovery.preferredResources().filter((r) => r.verbs.includes('list') || r.verbs.length === 0);
    return [...new Set(types.flatMap((r) => [r.plural, ...r.shortNames]))].sort();
  }
  return objectNames(session, positional[0].split(',')[0]);
}

async function objectNames(session: Session, type: string): Promise<string[]> {
  const discovery = await session.discovery();
  const [target] = resolveResourceArgs(discovery, parseResourceArgs([type]));
  if (!target) return [];
  const list = await listObjects(session.client(), target.resource, session.namespace(), {});
  return list.items.map((o) => o.metadata?.name ?? '').filter(Boolean).sort();
}
