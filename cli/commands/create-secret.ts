// skiffctl create secret generic NAME [--from-literal ...] [--from-file ...] [--from-env-file ...] [--type=T]:
// every value base64-encoded into data, as kubectl create secret generic does.
import type { Command } from 'commander';
import { collect, type Runner } from '../command.ts';
import { usageError } from '../errors.ts';
import { addGeneratorFlags, generated, exactlyOneName, generatedNamespace, runGenerator, type GeneratorOptions } from '../generator.ts';
import { collectKeyData, type KeySourceOptions } from '../key-sources.ts';

interface Options extends GeneratorOptions, KeySourceOptions {
  type?: string;
}

export function register(create: Command, run: Runner): void {
  const secret = create.command('secret')
    .summary('Create a secret using a specified subcommand (generic)');
  const cmd = secret.command('generic')
    .summary('Create a secret from a local file, directory, or literal value')
    .argument('[name]')
    .option('--from-literal <key=value>', 'a key and literal value (repeatable)', collect)
    .option('--from-file <[key=]source>', 'a file (key: its name, or the given key) or a directory of files (repeatable)', collect)
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect)
    .option('--type <type>', 'the type of secret to create');
  addGeneratorFlags(cmd);
  cmd.action(run<Options>(async (session, opts, args, command) => {
    const name = exactlyOneName(args, command);
    const data = collectKeyData(opts, {
      invalid: (key, problems) => `"${key}" is not valid key name for a Secret ${problems.replace(/,/g, ';')}`,
      duplicate: (key) => `cannot add key ${key}, another key by that name already exists`,
      envFileIsDirectory: 'env secret file cannot be a directory',
    });
    const values = new Map<string, string>();
    for (const [k, v] of data.text) values.set(k, Buffer.from(v, 'utf8').toString('base64'));
    for (const [k, v] of data.binary) values.set(k, v.toString('base64'));
    const s: Record<string, unknown> = { apiVersion: 'v1', kind: 'Secret', metadata: { name, ...generatedNamespace(session), creationTimestamp: null } };
    if (values.size > 0) s.data = Object.fromEntries(values);
    if (opts.type) s.type = opts.type;
    // kubectl's wording has no colon here.
    await runGenerator(session, opts, generated(s), (e) => usageError(`failed to create secret ${(e as Error).message}`));
  }));
}
