// skiffctl create deployment NAME --image=IMAGE [--replicas=N] [--port=P] [-- COMMAND ARGS...]: a Deployment
// labelled app=NAME, one container per image named after the image, as kubectl create deployment builds it.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { usageError, wrapError } from '../errors.ts';
import { addGeneratorFlags, generated, exactlyOneName, generatedNamespace, runGenerator, type GeneratorOptions } from '../generator.ts';

interface Options extends GeneratorOptions {
  image?: string[];
  replicas: string;
  port?: string;
}

export function register(create: Command, run: Runner): void {
  const cmd = create.command('deployment').alias('deploy')
    .summary('Create a deployment with the specified name')
    .description('Create a deployment with the specified name: skiffctl create deployment NAME --image=image -- [COMMAND] [args...]')
    .argument('[name]')
    .argument('[command...]', 'the container command (after --)')
    .option('--image <image>', 'image to run (repeat for several containers)', collect)
    .option('-r, --replicas <n>', 'number of replicas', '1')
    .option('--port <port>', 'the containerPort the deployment exposes');
  addGeneratorFlags(cmd);
  cmd.action(run<Options>(async (session, opts, args, command) => {
    const name = exactlyOneName(args, command);
    const images = opts.image ?? [];
    if (images.length === 0) throw usageError('required flag(s) "image" not set');
    const commandArgs = args.slice(1);
    if (images.length > 1 && commandArgs.length > 0) throw usageError('cannot specify multiple --image options and command');
    await runGenerator(session, opts, deploymentObject(name, images, Number(opts.replicas), opts.port, commandArgs, generatedNamespace(session)),
      (e) => wrapError('failed to create deployment', e));
  }));
}

/** The container name kubectl derives from an image: its last path segment without tag or digest. */
export function containerNameForImage(image: string): string {
  let name = image.split('/').at(-1) ?? image;
  name = name.split(':')[0].split('@')[0];
  if (/[_.]/.test(name)) name = `${name.replace(/[_.]/g, '-')}-${randomSuffix(5)}`;
  return name;
}

/** utilrand.String: lower-case consonants and digits, as generated names use. */
export function randomSuffix(n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function deploymentObject(name: string, images: string[], replicas: number, port: string | undefined,
  command: string[], ns: { namespace?: string }): ApiObject {
  const labels = { app: name };
  const containers = images.map((image, i) => ({
    name: containerNameForImage(image),
    image,
    ...(command.length > 0 ? { command } : {}),
    ...(i === 0 && port !== undefined && Number(port) >= 0 ? { ports: [{ containerPort: Number(port) }] } : {}),
    resources: {},
  }));
  return generated({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, labels, ...ns, creationTimestamp: null },
    spec: {
      replicas, selector: { matchLabels: labels }, strategy: {},
      template: { metadata: { labels, creationTimestamp: null }, spec: { containers } },
    },
    status: {},
  });
}
