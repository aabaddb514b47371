// skiffctl create configmap NAME [--from-literal=k=v] [--from-file=[key=]path] [--from-env-file=path]: text values
// go to data, files that are not UTF-8 to binaryData (base64), as kubectl create configmap does.
import type { Command } from 'commander';
import { collect, type Runner } from '../command.ts';
import { wrapError } from '../errors.ts';
import { addGeneratorFlags, generated, exactlyOneName, generatedNamespace, runGenerator, type GeneratorOptions } from '../generator.ts';
import { collectKeyData, type KeySourceOptions } from '../key-sources.ts';

type Options = GeneratorOptions & KeySourceOptions;

export function register(create: Command, run: Runner): void {
  const cmd = create.command('configmap').alias('cm')
    .summary('Create a config map from a local file, directory or literal value')
    .argument('[name]')
    .option('--from-literal <key=value>', 'a key and literal value (repeatable)', collect)
    .option('--from-file <[key=]source>', 'a file (key: its name, or the given key) or a directory of files (repeatable)', collect)
    .option('--from-env-file <file>', 'a file of KEY=VALUE lines (repeatable)', collect);
  addGeneratorFlags(cmd);
  cmd.action(run<Options>(async (session, opts, args, command) => {
    const name = exactlyOneName(args, command);
    const data = collectKeyData(opts, {
      invalid: (key, problems) => `"${key}" is not a valid key name for a ConfigMap: ${problems}`,
      duplicate: (key, inBinary) => `cannot add key "${key}", another key by that name already exists in ${inBinary ? 'BinaryData' : 'Data'} for ConfigMap "${name}"`,
      envFileIsDirectory: 'env config file cannot be a directory',
    });
    const cm: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...generatedNamespace(session), creationTimestamp: null } };
    if (data.text.size > 0) cm.data = Object.fromEntries(data.text);
    if (data.binary.size > 0) cm.binaryData = Object.fromEntries([...data.binary].map(([k, v]) => [k, v.toString('base64')]));
    await runGenerator(session, opts, generated(cm), (e) => wrapError('failed to create configmap', e));
  }));
}
