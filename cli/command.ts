// The contract between the command tree and each command file. A command file exports `register(parent, run)`:
// it declares its commander Command (name, arguments, flags, help) and hands its handler to `run`, which builds the
// Session from the global flags and lets errors propagate to main, where they are printed in kubectl's words.
//
//   export function register(parent: Command, run: Runner): void {
//     parent.command('api-versions').description('Print the supported API versions on the server')
//       .action(run(async (session) => { ... session.out(text) ... }));
//   }
import type { Command } from 'commander';
import type { Io, GlobalFlags } from './session.ts';
import { Session } from './session.ts';

export type Handler<O> = (session: Session, opts: O, args: string[], cmd: Command) => Promise<void> | void;

export type Runner = <O = Record<string, unknown>>(handler: Handler<O>) => (...actionArgs: unknown[]) => Promise<void>;

/** Makes the `run` wrapper for a program writing to `io`; every Session it creates is recorded for closing. */
export function makeRunner(io: Io, sessions: Session[]): Runner {
  return <O>(handler: Handler<O>) => async (...actionArgs: unknown[]): Promise<void> => {
    const cmd = actionArgs[actionArgs.length - 1] as Command;
    const session = new Session(globalFlagsOf(cmd), io);
    sessions.push(session);
    await handler(session, cmd.opts<O & Record<string, unknown>>(), cmd.args, cmd);
  };
}

/**
 * The flags of `cmd` and its ancestors, the command's own last: `-n a get pods -n b` acts in b, as pflag's last
 * value wins. (commander's optsWithGlobals lets the ancestors win.)
 */
function globalFlagsOf(cmd: Command): GlobalFlags {
  const chain: Command[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) chain.unshift(c);
  const flags: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) if (value !== undefined) flags[key] = value;
  }
  return flags as GlobalFlags;
}

/** Collects a repeatable flag's values (`-L a -L b,c`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').filter((v) => v !== '')];
}
