// skiffctl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]: a container's log through the apiserver's pods/log, as
// kubectl logs does: --tail, --since, --since-time, --timestamps, --limit-bytes, --all-containers, --prefix, -l for
// every matching pod (10 lines each unless --tail says), deploy/x for one of its pods. Several followed streams run
// side by side; otherwise one after the other.
import type { Command } from 'commander';
import type { Pod } from '../../apiserver/api/types.ts';
import { resourcePath, type Query } from '../../apiserver/client/paths.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import type { Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { helpHint } from '../generator.ts';
import { argInfos, type Info } from '../infos.ts';
import { containerFor, podsFor, podsResource } from '../pods-for.ts';
import type { Session } from '../session.ts';
import { parseTimeout } from '../wait.ts';

interface LogsOptions {
  follow?: boolean;
  previous?: boolean;
  container?: string;
  tail: string;
  since?: string;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: string;
  allContainers?: boolean;
  prefix?: boolean;
  selector?: string;
  maxLogRequests: string;
  ignoreErrors?: boolean;
  podRunningTimeout?: string;
}

const usage = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command";

export function register(parent: Command, run: Runner): void {
  parent.command('logs')
    .summary('Print the logs for a container in a pod')
    .argument('[args...]', '(POD | TYPE/NAME) [CONTAINER]')
    .option('-f, --follow', 'stream the log as it grows')
    .option('-p, --previous', 'the log of the previous (terminated) instance of the container')
    .option('-c, --container <name>', 'the container (default: the default-container annotation, else the first)')
    .option('--tail <lines>', 'lines from the end to show (-1: all; 10 with -l)', '-1')
    .option('--since <duration>', 'only lines newer than this (5s, 2m, 3h)')
    .option('--since-time <time>', 'only lines after this RFC3339 time')
    .option('--timestamps', 'prefix each line with its time')
    .option('--limit-bytes <n>', 'stop after this many bytes')
    .option('--all-containers', 'every container of the pod(s)')
    .option('--prefix', 'prefix each line with [pod/NAME/CONTAINER]')
    .option('-l, --selector <selector>', 'the logs of every pod with these labels')
    .option('--max-log-requests <n>', 'with -l and -f: how many streams to follow at once', '5')
    .option('--ignore-errors', 'with several followed streams: keep going when one fails')
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod to be running', '20s')
    .action(run<LogsOptions>(logs));
}

interface Source {
  pod: Pod;
  container: string;
}

function logQuery(opts: LogsOptions, container: string, tail: number | undefined, sinceSeconds: number | undefined): Query {
  return {
    container,
    follow: opts.follow ? 'true' : undefined,
    previous: opts.previous ? 'true' : undefined,
    sinceSeconds,
    sinceTime: opts.sinceTime,
    timestamps: opts.timestamps ? 'true' : undefined,
    tailLines: tail,
    limitBytes: opts.limitBytes,
  };
}

async function logs(session: Session, opts: LogsOptions, args: string[], cmd: Command): Promise<void> {
  let resource: string | undefined;
  let inlineContainer: string | undefined;
  switch (args.length) {
    case 0:
      if (!opts.selector) throw new CliError(`error: ${usage}\n${helpHint(cmd)}`);
      break;
    case 1:
      resource = args[0];
      if (opts.selector) throw new CliError(`error: only a selector (-l) or a POD name is allowed\n${helpHint(cmd)}`);
      break;
    case 2:
      [resource, inlineContainer] = args;
      break;
    default:
      throw new CliError(`error: ${usage}\n${helpHint(cmd)}`);
  }
  if (opts.since && opts.sinceTime) throw usageError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  const container = opts.container ?? inlineContainer;
  if (opts.allContainers && container) throw usageError(`--all-containers=true should not be specified with container name ${container}`);
  if (opts.container !== undefined && inlineContainer !== undefined) throw usageError('only one of -c or an inline [CONTAINER] arg is allowed');
  if (opts.limitBytes !== undefined && Number(opts.limitBytes) < 0) throw usageError('--limit-bytes must be greater than 0');
  let tail = Number(opts.tail);
  if (tail < -1) throw usageError('--tail must be greater than or equal to -1');
  if (opts.selector && tail === -1 && opts.tail === '-1') tail = 10;
  const sinceMs = opts.since ? parseTimeout(opts.since, '--since') : undefined;
  if (sinceMs !== undefined && sinceMs < 0) throw usageError('--since must be greater than 0');
  const sinceSeconds = sinceMs !== undefined ? Math.ceil(sinceMs / 1000) : undefined;
  parseTimeout(opts.podRunningTimeout, '--pod-running-timeout');

  const pods = await podsToRead(session, resource, opts.selector);
  if (pods.length === 0) {
    session.err(`No resources found in ${session.namespace()} namespace.\n`);
    return;
  }
  const sources: Source[] = [];
  for (const pod of pods) {
    if (opts.allContainers) {
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])]) {
        sources.push({ pod, container: c.name });
      }
    } else {
      sources.push({ pod, container: containerFor(session, pod, container) });
    }
  }
  const prefix = Boolean(opts.prefix);
  const max = Number(opts.maxLogRequests);
  if (opts.follow && sources.length > 1 && sources.length > max) {
    throw usageError(`you are attempting to follow ${sources.length} log streams, but maximum allowed concurrency is ${max}, use --max-log-requests to increase the limit`);
  }
  const read = (s: Source): Promise<void> => streamLog(session, s, logQuery(opts, s.container, tail >= 0 ? tail : undefined, sinceSeconds), prefix);
  if (opts.follow && sources.length > 1) {
    const results = await Promise.allSettled(sources.map(async (s) => {
      try {
        await read(s);
      } catch (e) {
        if (!opts.ignoreErrors) throw e;
        session.err(`${(e as Error).message}\n`);
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return;
  }
  for (const s of sources) await read(s);
}

/** The pods whose logs are read: -l's, the named pod, or the first pod of a workload (saying which). */
async function podsToRead(session: Session, resource: string | undefined, selector: string | undefined): Promise<Pod[]> {
  if (selector) {
    const list = await session.client().list<Pod>(podsResource, session.namespace(), { labelSelector: selector });
    return list.items;
  }
  const target = resource && !resource.includes('/') ? ['pods', resource] : [resource ?? ''];
  let info: Info | undefined;
  try {
    const [entry] = await argInfos(session, target, { fetchNamed: true });
    if (!entry?.info) throw entry?.error;
    info = entry.info;
  } catch (e) {
    if (isNotFound(e)) throw usageError(`error from server (NotFound): ${(e as Error).message} in namespace "${session.namespace()}"`);
    throw e;
  }
  const pods = await podsFor(session, info);
  if (pods.length === 0) throw usageError(`timed out waiting for the condition`);
  if (pods.length > 1 && info.resource.kind !== 'Pod') session.err(`Found ${pods.length} pods, using pod/${pods[0].metadata?.name ?? ''}\n`);
  return [pods[0]];
}

/** Streams one container's log to stdout, line-prefixed when asked. */
async function streamLog(session: Session, source: Source, query: Query, prefix: boolean): Promise<void> {
  const path = resourcePath(podsResource, source.pod.metadata?.namespace, source.pod.metadata?.name ?? '', 'log');
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    const res = await session.client().stream('GET', path, { query, accept: '*/*', signal: stop.signal });
    const tag = `[pod/${source.pod.metadata?.name ?? ''}/${source.container}] `;
    let partial = '';
    try {
      for await (const chunk of res) {
        const text = (chunk as Buffer).toString('utf8');
        if (!prefix) {
          session.out(text);
          continue;
        }
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) session.out(`${tag}${line}\n`);
      }
    } catch (e) {
      if (!stop.signal.aborted) throw e;
    }
    if (prefix && partial) session.out(`${tag}${partial}`);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
