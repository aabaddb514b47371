// skiffctl exec (POD | TYPE/NAME) [-c CONTAINER] [-i] [-t] -- COMMAND [ARGS...]: run a command in a container
// through the apiserver's pods/exec WebSocket (v5.channel.k8s.io), as kubectl exec does. The command's exit code is
// skiffctl's (`command terminated with exit code 3`); -t needs a terminal on stdin, else kubectl's warning and no TTY.
import type { Command } from 'commander';
import type { Pod } from '../../apiserver/api/types.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import { collect, type Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { argsLenAtDash, helpHint } from '../generator.ts';
import { collectInfos } from '../infos.ts';
import { containerFor, firstPod, podsResource } from '../pods-for.ts';
import { runRemoteCommand, type StreamIo } from '../remote-command.ts';
import type { Session } from '../session.ts';
import { parseTimeout } from '../wait.ts';

interface ExecOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
  filename?: string[];
  podRunningTimeout?: string;
}

export function register(parent: Command, run: Runner): void {
  parent.command('exec')
    .summary('Execute a command in a container')
    .argument('[args...]', '(POD | TYPE/NAME) -- COMMAND [ARGS...]')
    .option('-c, --container <name>', 'the container (default: the default-container annotation, else the first)')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-q, --quiet', 'only print output from the remote session')
    .option('-f, --filename <file>', 'the resource to exec into, from a file', collect)
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod to be running', '1m0s')
    .action(run<ExecOptions>(execCommand));
}

/** Where the process' own streams are, as exec and attach use them. */
export function processStreams(withStdin: boolean): StreamIo {
  return { stdin: withStdin ? process.stdin : undefined, stdout: process.stdout, stderr: process.stderr };
}

/** kubectl's SetupTTY: a TTY only with -i and a terminal on stdin, else a warning (unless quiet) and none. */
export function useTty(session: Session, wantTty: boolean | undefined, stdin: boolean | undefined, quiet: boolean | undefined): boolean {
  if (!wantTty || !stdin) return false;
  if (!process.stdin.isTTY) {
    if (!quiet) session.err('Unable to use a TTY - input is not a terminal or the right kind of file\n');
    return false;
  }
  return true;
}

export function terminalSize(): { cols: number; rows: number } | undefined {
  return process.stdout.isTTY ? { cols: process.stdout.columns, rows: process.stdout.rows } : undefined;
}

async function execCommand(session: Session, opts: ExecOptions, args: string[], cmd: Command): Promise<void> {
  const atDash = argsLenAtDash(cmd, args);
  let resource: string | undefined;
  let command: string[];
  if (args.length > 0 && atDash !== 0) resource = args[0];
  if (atDash === 0 || atDash === 1) command = args.slice(atDash);
  else if (args.length > 1 || (args.length > 0 && opts.filename?.length)) {
    throw new CliError(`error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n${helpHint(cmd)}`);
  } else command = [];
  if (!resource && !opts.filename?.length) throw usageError('pod, type/name or --filename must be specified');
  if (command.length === 0) throw usageError('you must specify at least one command for the container');
  const timeoutMs = parseTimeout(opts.podRunningTimeout, '--pod-running-timeout');
  const target = resource && !resource.includes('/') ? ['pods', resource] : resource ? [resource] : [];
  const entries = await collectInfos(session, target, { filenames: opts.filename, fetchNamed: true });
  if (entries.length > 1) throw usageError('cannot exec into multiple objects at a time');
  const [entry] = entries;
  if (!entry?.info) throw entry?.error ?? usageError('no objects passed to exec');
  const pod = await firstPod(session, entry.info, timeoutMs);
  await execInPod(session, pod, { ...opts, command });
}

export async function execInPod(session: Session, pod: Pod, opts: ExecOptions & { command: string[] }): Promise<void> {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw usageError(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  const container = containerFor(session, pod, opts.container, opts.quiet, true);
  const tty = useTty(session, opts.tty, opts.stdin, opts.quiet);
  const query = new URLSearchParams();
  for (const c of opts.command) query.append('command', c);
  query.set('container', container);
  if (opts.stdin) query.set('stdin', 'true');
  query.set('stdout', 'true');
  // With a TTY the terminal carries both streams.
  if (!tty) query.set('stderr', 'true');
  if (tty) query.set('tty', 'true');
  const code = await runRemoteCommand({
    config: session.config(),
    path: resourcePath(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', 'exec'),
    query, io: processStreams(Boolean(opts.stdin)), tty, size: terminalSize,
  });
  if (code !== 0) throw new CliError(`command terminated with exit code ${code}`, code);
}
