// skiffctl create namespace NAME.
import type { Command } from 'commander';
import type { Runner } from '../command.ts';
import { wrapError } from '../errors.ts';
import { addGeneratorFlags, generated, exactlyOneName, runGenerator, type GeneratorOptions } from '../generator.ts';

export function register(create: Command, run: Runner): void {
  const cmd = create.command('namespace').alias('ns')
    .summary('Create a namespace with the specified name')
    .argument('[name]');
  addGeneratorFlags(cmd);
  cmd.action(run<GeneratorOptions>(async (session, opts, args, command) => {
    const name = exactlyOneName(args, command);
    const ns = generated({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: null }, spec: {}, status: {} });
    await runGenerator(session, opts, ns, (e) => wrapError('failed to create namespace', e));
  }));
}
