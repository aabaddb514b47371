// skiffctl run NAME --image=IMAGE [-- ARGS]: create one pod, as kubectl run does (`pod/NAME created`). With -i (or
// --attach) it waits for the pod, shows what it printed so far and attaches to it; a pod that already finished has
// its log printed instead, as has one whose attach fails (it ended first). --rm deletes the pod afterwards; with
// --restart=Never the pod's exit code is skiffctl's.
import type { Command } from 'commander';
import type { Pod } from '../../apiserver/api/types.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import { collect, type Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { generated, generatedNamespace, helpHint, runGenerator, type GeneratorOptions } from '../generator.ts';
import { addDryRunFlag, addFieldManagerFlag, addValidateFlag, parseDryRun } from '../mutation.ts';
import { podsResource } from '../pods-for.ts';
import type { Session } from '../session.ts';
import { parseTimeout, waitForObject } from '../wait.ts';
import { attachToPod } from './attach.ts';

interface RunOptions extends GeneratorOptions {
  image?: string;
  env?: string[];
  labels?: string;
  annotations?: string[];
  port?: string;
  restart: string;
  command?: boolean;
  stdin?: boolean;
  tty?: boolean;
  attach?: boolean;
  rm?: boolean;
  quiet?: boolean;
  imagePullPolicy?: string;
  privileged?: boolean;
  leaveStdinOpen?: boolean;
  podRunningTimeout?: string;
}

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('run')
    .summary('Run a particular image on the cluster')
    .argument('[args...]', 'NAME [-- COMMAND or ARGS...]')
    .option('--image <image>', 'the container image to run')
    .option('--env <NAME=VALUE>', 'environment variables (repeatable)', collect)
    .option('-l, --labels <labels>', 'labels for the pod (default: run=NAME)')
    .option('--annotations <k=v>', 'annotations for the pod (repeatable)', collect)
    .option('--port <port>', 'the container port to expose')
    .option('--restart <policy>', 'Always (default), OnFailure or Never', 'Always')
    .option('--command', 'the arguments after -- are the command, not the image entrypoint\'s arguments')
    .option('-i, --stdin', 'keep stdin open on the container and attach to it')
    .option('-t, --tty', 'allocate a TTY for the container')
    .option('--attach', 'wait for the pod to start and attach to it')
    .option('--rm', 'delete the pod once the attached session ends')
    .option('-q, --quiet', 'print only the session\'s output')
    .option('--image-pull-policy <policy>', 'Always, IfNotPresent or Never')
    .option('--privileged', 'run the container privileged')
    .option('--leave-stdin-open', 'keep stdin open after the first attach ends')
    .option('--pod-running-timeout <duration>', 'how long to wait for the pod to run', '1m0s')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--save-config', 'record the configuration in the last-applied annotation');
  addFieldManagerFlag(addValidateFlag(addDryRunFlag(cmd)), 'kubectl-run');
  cmd.action(run<RunOptions>(runPod));
}

function parseMap(spec: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) throw usageError(`unexpected ${what} spec: ${part}`);
    if (kv[0] === '') throw usageError(`unexpected empty ${what} key`);
    out[kv[0]] = kv[1];
  }
  return out;
}

function parseEnv(envs: string[]): { name: string; value: string }[] {
  return envs.map((e) => {
    const eq = e.indexOf('=');
    if (eq <= 0) throw usageError(`invalid env: ${e}`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
}

async function runPod(session: Session, opts: RunOptions, args: string[], cmd: Command): Promise<void> {
  if (!opts.image) throw usageError('required flag(s) "image" not set');
  if (args.length === 0) throw new CliError(`error: NAME is required for run\n${helpHint(cmd)}`);
  const [name, ...rest] = args;
  const dryRun = parseDryRun(session, opts.dryRun);
  const attach = Boolean(opts.attach || opts.stdin);
  if (!['Always', 'OnFailure', 'Never'].includes(opts.restart)) throw new CliError(`error: invalid restart policy: ${opts.restart}\n${helpHint(cmd)}`);
  if (opts.tty && !opts.stdin) throw new CliError(`error: -i/--stdin is required for containers with -t/--tty=true\n${helpHint(cmd)}`);
  if (opts.rm && !attach) throw new CliError(`error: --rm should only be used for attached containers\n${helpHint(cmd)}`);
  if (dryRun !== 'none' && (attach || opts.tty)) throw usageError("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)");
  if (opts.port !== undefined && !/^\d+$/.test(opts.port)) throw usageError('--port must be a number');
  const timeoutMs = parseTimeout(opts.podRunningTimeout, '--pod-running-timeout');

  const container: Record<string, unknown> = { name, image: opts.image };
  if (rest.length > 0) container[opts.command ? 'command' : 'args'] = rest;
  if (opts.env?.length) container.env = parseEnv(opts.env);
  if (opts.imagePullPolicy) container.imagePullPolicy = opts.imagePullPolicy;
  if (opts.port !== undefined) container.ports = [{ containerPort: Number(opts.port) }];
  container.resources = {};
  if (opts.privileged) container.securityContext = { privileged: true };
  if (opts.stdin) {
    container.stdin = true;
    if (!opts.leaveStdinOpen) container.stdinOnce = true;
  }
  if (opts.tty) container.tty = true;
  const annotations = opts.annotations?.length ? parseMap(opts.annotations.join(','), 'annotation') : undefined;
  const pod = generated({
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, labels: opts.labels ? parseMap(opts.labels, 'label') : { run: name }, ...(annotations ? { annotations } : {}),
      ...generatedNamespace(session), creationTimestamp: null,
    },
    spec: { containers: [container], dnsPolicy: 'ClusterFirst', restartPolicy: opts.restart },
    status: {},
  });
  if (!attach) {
    await runGenerator(session, opts, pod, (e) => e);
    return;
  }
  // Attached: the result line is not printed (the session's output is the point), as kubectl run -i does.
  const created = await session.client().create<Pod>(podsResource, session.namespace(), pod as Pod,
    { fieldManager: opts.fieldManager });
  let exit: { code: number; message: string } = { code: 0, message: '' };
  try {
    exit = await attachToRun(session, created, opts, timeoutMs);
  } finally {
    if (opts.rm) await removePod(session, created);
  }
  if (exit.code !== 0) throw new CliError(exit.message, exit.code);
}

/** Waits, shows the log or attaches, and answers how the pod ended (code 0 when not waited for). */
async function attachToRun(session: Session, created: Pod, opts: RunOptions, timeoutMs: number): Promise<{ code: number; message: string }> {
  const ns = created.metadata?.namespace;
  const name = created.metadata?.name ?? '';
  const isReady = (p: Pod): boolean => p.status?.phase === 'Running'
    && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const done = (p: Pod | undefined): boolean => p?.status?.phase === 'Succeeded' || p?.status?.phase === 'Failed';
  const pod = await waitForObject(session, podsResource, ns, name, (obj) => {
    if (!obj) throw new CliError(`Error from server (NotFound): pods "${name}" not found`);
    return isReady(obj as Pod) || done(obj as Pod);
  }, { timeoutMs, timeoutMessage: 'timed out waiting for the condition' }) as Pod;
  if (done(pod)) {
    await printLog(session, pod);
  } else {
    let printed = '';
    try {
      printed = await printLog(session, pod);
    } catch (e) {
      session.err(`warning: couldn't fetch pre-attach logs: ${(e as Error).message}\n`);
    }
    try {
      // The pod's own end decides the exit code below, not the attach's.
      await attachToPod(session, pod, { stdin: opts.stdin, tty: opts.tty, quiet: opts.quiet, container: name });
    } catch (e) {
      // A short-lived container can end between Ready and the attach; kubectl then shows the log instead, and a
      // failure of that is the command's error.
      session.err(`warning: couldn't attach to pod/${name}, falling back to streaming logs: ${(e as Error).message.replace(/^error: /, '')}\n`);
      await printLog(session, pod, printed);
    }
  }
  const waitForExit = !opts.leaveStdinOpen && (opts.restart === 'Never' || opts.restart === 'OnFailure');
  if (!waitForExit) return { code: 0, message: '' };
  const final = await waitForObject(session, podsResource, ns, name, (obj) => {
    if (!obj) throw new CliError(`Error from server (NotFound): pods "${name}" not found`);
    const p = obj as Pod;
    return opts.restart === 'OnFailure' ? p.status?.phase === 'Succeeded' : done(p);
  }, { timeoutMs, timeoutMessage: 'timed out waiting for the condition' }) as Pod;
  if (final.status?.phase === 'Succeeded') return { code: 0, message: '' };
  const terminated = final.status?.containerStatuses?.[0]?.state?.terminated;
  if (!terminated || !terminated.exitCode) {
    throw usageError(`pod ${ns ?? ''}/${name} failed with unknown exit code`);
  }
  return { code: terminated.exitCode, message: `pod ${ns ?? ''}/${name} terminated (${terminated.reason ?? ''})\n${terminated.message ?? ''}` };
}

/**
 * Prints what the pod has printed so far (kubectl shows it before attaching, or instead when the pod already ended),
 * less what an earlier call printed; answers the whole log.
 */
async function printLog(session: Session, pod: Pod, alreadyPrinted = ''): Promise<string> {
  const text = await session.client().requestText('GET',
    resourcePath(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', 'log'), { query: { container: pod.spec?.containers?.[0]?.name } });
  session.out(text.startsWith(alreadyPrinted) ? text.slice(alreadyPrinted.length) : text);
  return text;
}

async function removePod(session: Session, pod: Pod): Promise<void> {
  await session.client().delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', { propagationPolicy: 'Background' });
  session.out(`pod "${pod.metadata?.name ?? ''}" deleted\n`);
}
