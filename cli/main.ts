#!/usr/bin/env node
// skiffctl's entry point: parse the command line, run the command, print any error as kubectl would and exit with
// its code. Ship as built JavaScript (dist/cli/main.js): a CLI started often should not pay for tsx.
import { CommanderError } from 'commander';
import { complete } from './completion.ts';
import { exitCodeOf, formatError } from './errors.ts';
import { booleanFlags, buildProgram, normalizeArgv } from './program.ts';
import { processIo, type Session } from './session.ts';

async function main(): Promise<number> {
  const sessions: Session[] = [];
  const program = buildProgram(processIo, sessions);
  const argv = process.argv.slice(2);
  if (argv[0] === '__complete') {
    // Completion reads the words itself: commander would try to parse flags meant for the completed command.
    const candidates = await complete(program, argv.slice(1), processIo);
    processIo.stdout(candidates.map((c) => `${c}\n`).join(''));
    return 0;
  }
  try {
    await program.parseAsync(normalizeArgv(argv, booleanFlags(program)), { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were printed by commander already.
      return e.exitCode === 0 ? 0 : 1;
    }
    const server = sessions.map((s) => s.serverForErrors()).find(Boolean);
    const message = formatError(e, server);
    if (message !== '') process.stderr.write(`${message}\n`);
    return exitCodeOf(e);
  } finally {
    for (const s of sessions) s.close();
  }
}

process.exitCode = await main();
