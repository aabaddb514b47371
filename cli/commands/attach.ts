// skiffctl attach (POD | TYPE/NAME | TYPE NAME) [-c CONTAINER] [-i] [-t]: connect to the main process of a running
// container through the apiserver's pods/attach WebSocket, as kubectl attach does. A container started with a TTY
// is attached with one; -t on a container without one is refused with kubectl's message.
import type { Command } from 'commander';
import type { Pod } from '../../apiserver/api/types.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import type { Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { collectInfos } from '../infos.ts';
import { containerFor, firstPod, podsResource } from '../pods-for.ts';
import { runRemoteCommand } from '../remote-command.ts';
import type { Session } from '../session.ts';
import { parseTimeout } from '../wait.ts';
import { processStreams, terminalSize, useTty } from './exec.ts';

export interface AttachOptions {
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
  podRunningTimeout?: string;
}

export function register(parent: Command, run: Runner): void {
  parent.command('attach')
    .summary('Attach to a running container')
    .argument('[resources...]', 'POD | TYPE/NAME | TYPE NAME')
    .option('-c, --container <name>', 'the container (default: the default-container annotation, else the first)')
    .option('-i, --stdin', 'pass stdin to the container')
    .option('-t, --tty', 'stdin is a TTY')
    .option('-q, --quiet', 'only print output from the remote session')
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod to be running', '1m0s')
    .action(run<AttachOptions>(attach));
}

async function attach(session: Session, opts: AttachOptions, args: string[]): Promise<void> {
  if (args.length === 0) throw usageError('at least 1 argument is required for attach');
  if (args.length > 2) throw usageError(`expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw ${args.length}: [${args.join(' ')}]`);
  const timeoutMs = parseTimeout(opts.podRunningTimeout, '--pod-running-timeout');
  if (timeoutMs <= 0) throw usageError('--pod-running-timeout must be higher than zero');
  const target = args.length === 1 && !args[0].includes('/') ? ['pods', args[0]] : args;
  const [entry] = await collectInfos(session, target, { fetchNamed: true });
  if (!entry?.info) throw entry?.error ?? usageError('no objects passed to attach');
  const pod = await firstPod(session, entry.info, timeoutMs);
  const code = await attachToPod(session, pod, opts);
  if (code !== 0) throw new CliError(`command terminated with exit code ${code}`, code);
}

/** Attaches to `pod` (also `run -i`): the TTY rules, kubectl's notices, the session; answers the remote exit code. */
export async function attachToPod(session: Session, pod: Pod, opts: AttachOptions): Promise<number> {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw usageError(`cannot attach a container in a completed pod; current phase is ${phase}`);
  let container: string;
  try {
    container = containerFor(session, pod, opts.container, opts.quiet);
  } catch (e) {
    throw usageError(`cannot attach to the container: ${(e as Error).message.replace(/^error: /, '')}`);
  }
  const spec = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === container);
  let wantTty = opts.tty;
  if (wantTty && !spec?.tty) {
    wantTty = false;
    if (!opts.quiet) session.err(`error: Unable to use a TTY - container ${container} did not allocate one\n`);
  } else if (!wantTty && spec?.tty) {
    // A container started with a TTY only speaks through one.
    wantTty = true;
  }
  const tty = useTty(session, wantTty, opts.stdin, opts.quiet);
  if (!opts.quiet) session.err("If you don't see a command prompt, try pressing enter.\n");
  const query = new URLSearchParams({ container });
  if (opts.stdin) query.set('stdin', 'true');
  query.set('stdout', 'true');
  if (!tty) query.set('stderr', 'true');
  if (tty) query.set('tty', 'true');
  const code = await runRemoteCommand({
    config: session.config(),
    path: resourcePath(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', 'attach'),
    query, io: processStreams(Boolean(opts.stdin)), tty, size: terminalSize,
  });
  if (!opts.quiet && opts.stdin && tty) {
    session.out(`Session ended, resume using 'skiffctl attach ${pod.metadata?.name ?? ''} -c ${container} -n ${pod.metadata?.namespace ?? ''} -i -t' command\n`);
  }
  return code;
}
