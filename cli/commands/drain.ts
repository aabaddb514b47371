// skiffctl cordon, uncordon and drain, as kubectl's drain package does them. Cordon flips spec.unschedulable with
// a strategic merge patch (`node/x cordoned`). Drain cordons, decides which pods may go (drain-plan.ts), then evicts
// them through pods/eviction when the server serves it (retrying while a disruption budget says no), else deletes
// them, and waits for each to be gone: `evicting pod ns/p` when asked, `pod/p evicted` when gone, `node/x drained`.
import type { Command } from 'commander';
import type { APIResourceList, DaemonSet, Node, Pod } from '../../apiserver/api/types.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import type { Runner } from '../command.ts';
import type { DiscoveredResource } from '../discovery.ts';
import { AggregateCliError, CliError, goError } from '../errors.ts';
import { helpHint } from '../generator.ts';
import { addDryRunFlag, parseDryRun, parseResultFormat, ResultPrinter, type DryRun } from '../mutation.ts';
import { podsResource } from '../pods-for.ts';
import type { Session } from '../session.ts';
import { parseTimeout, waitForObject, WaitTimeoutError } from '../wait.ts';
import { planDrain, type DrainFlags } from '../drain-plan.ts';

interface NodeOptions {
  selector?: string;
  dryRun?: string | boolean;
  output?: string;
}

interface DrainOptions extends NodeOptions {
  force?: boolean;
  ignoreDaemonsets?: boolean;
  deleteEmptydirData?: boolean;
  gracePeriod: string;
  timeout: string;
  podSelector?: string;
  disableEviction?: boolean;
  skipWaitForDeleteTimeout: string;
}

const nodesResource: DiscoveredResource = {
  plural: 'nodes', singular: 'node', kind: 'Node', group: '', version: 'v1', namespaced: false,
  shortNames: ['no'], categories: [], verbs: [], preferred: true,
};
const daemonSetsResource = { group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true };

/** How long to wait before asking again when an eviction is refused with 429 (a PodDisruptionBudget). */
const evictRetryDelayMs = 5000;

export function register(parent: Command, run: Runner): void {
  for (const [verb, desired] of [['cordon', true], ['uncordon', false]] as const) {
    const cmd = parent.command(verb)
      .summary(desired ? 'Mark node as unschedulable' : 'Mark node as schedulable')
      .argument('[nodes...]', 'NODE')
      .option('-l, --selector <selector>', 'the nodes with these labels')
      .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
    addDryRunFlag(cmd);
    cmd.action(run<NodeOptions>(async (session, opts, args, c) => {
      const dryRun = parseDryRun(session, opts.dryRun);
      const nodes = await selectNodes(session, args, opts.selector, c, verb);
      await cordonNodes(session, nodes, desired, dryRun, new ResultPrinter(session, parseResultFormat(opts.output), dryRun));
    }));
  }
  const drain = parent.command('drain')
    .summary('Drain node in preparation for maintenance')
    .argument('[nodes...]', 'NODE')
    .option('-l, --selector <selector>', 'the nodes with these labels')
    .option('--force', 'also delete pods no controller will replace')
    .option('--ignore-daemonsets', 'leave DaemonSet-managed pods (they would come back anyway)')
    .option('--delete-emptydir-data', 'delete pods with emptyDir volumes (their data is lost)')
    .option('--grace-period <seconds>', 'seconds given to each pod to terminate (-1: the pod\'s own)', '-1')
    .option('--timeout <duration>', 'give up after this long (0: never)', '0s')
    .option('--pod-selector <selector>', 'only the pods with these labels')
    .option('--disable-eviction', 'delete pods instead of evicting them (ignores disruption budgets)')
    .option('--skip-wait-for-delete-timeout <seconds>', 'skip pods deleted longer ago than this', '0')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...');
  addDryRunFlag(drain);
  drain.action(run<DrainOptions>(async (session, opts, args, c) => runDrain(session, opts, args, c)));
}

async function selectNodes(session: Session, args: string[], selector: string | undefined, cmd: Command, verb: string): Promise<Node[]> {
  if (args.length === 0 && !selector) throw new CliError(`error: USAGE: ${verb} NODE [flags]\n${helpHint(cmd)}`);
  if (args.length > 0 && selector) throw new CliError(`error: cannot specify both a node name and a --selector option`);
  const client = session.client();
  if (selector) return (await client.list<Node>(nodesResource, undefined, { labelSelector: selector })).items;
  const nodes: Node[] = [];
  for (const name of args) nodes.push(await client.get<Node>(nodesResource, undefined, name));
  return nodes;
}

async function cordonNodes(session: Session, nodes: Node[], desired: boolean, dryRun: DryRun, printer: ResultPrinter): Promise<void> {
  const verb = desired ? 'cordon' : 'uncordon';
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    if (Boolean(node.spec?.unschedulable) === desired) {
      printer.print(node, desired ? 'already cordoned' : 'already uncordoned', nodesResource);
      continue;
    }
    if (dryRun !== 'client') {
      try {
        // Go drops `unschedulable: false`, so uncordoning removes the field.
        await session.client().patch(nodesResource, undefined, name, { spec: { unschedulable: desired ? true : null } }, 'strategic',
          { dryRun: dryRun === 'server' });
      } catch (e) {
        session.err(`error: unable to ${verb} node "${name}": ${(e as Error).message}\n`);
        continue;
      }
    }
    printer.print(node, desired ? 'cordoned' : 'uncordoned', nodesResource);
  }
}

/** kubectl's CheckEvictionSupport: the pods/eviction subresource, with its group and version, in /api/v1. */
async function evictionSupported(session: Session): Promise<boolean> {
  const list = await session.client().request<APIResourceList>('GET', '/api/v1');
  return (list.resources ?? []).some((r) => r.name === 'pods/eviction' && r.kind === 'Eviction' && Boolean(r.group) && Boolean(r.version));
}

async function runDrain(session: Session, opts: DrainOptions, args: string[], cmd: Command): Promise<void> {
  const dryRun = parseDryRun(session, opts.dryRun);
  const grace = Number(opts.gracePeriod);
  const timeoutMs = parseTimeout(opts.timeout);
  const flags: DrainFlags = {
    ignoreDaemonSets: Boolean(opts.ignoreDaemonsets), deleteEmptyDirData: Boolean(opts.deleteEmptydirData),
    force: Boolean(opts.force), skipDeletedAfterSeconds: Number(opts.skipWaitForDeleteTimeout),
  };
  const printer = new ResultPrinter(session, parseResultFormat(opts.output), dryRun);
  const nodes = await selectNodes(session, args, opts.selector, cmd, 'drain');
  await cordonNodes(session, nodes, true, dryRun, printer);
  const fatal: unknown[] = [];
  const remaining: string[] = [];
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
  for (const node of nodes) {
    const name = node.metadata?.name ?? '';
    try {
      await drainNode(session, name, flags, opts, dryRun, grace, deadline, timeoutMs);
      printer.print(node, 'drained', nodesResource);
    } catch (e) {
      // Go's aggregate error reads `[a, b]`, one error alone reads as itself.
      const message = e instanceof AggregateCliError && e.errors.length > 1
        ? `[${e.message.split('\n').join(', ')}]`
        : (e as Error).message.replace(/^error: /, '');
      session.err(`error: unable to drain node "${name}" due to error: ${message}, continuing command...\n`);
      fatal.push(e);
      remaining.push(name);
    }
  }
  if (remaining.length > 0) {
    session.err('There are pending nodes to be drained:\n');
    for (const n of remaining) session.err(` ${n}\n`);
  }
  if (fatal.length === 1) throw fatal[0];
  if (fatal.length > 1) throw new AggregateCliError(fatal);
}

async function podsOnNode(session: Session, node: string, podSelector: string | undefined): Promise<Pod[]> {
  const list = await session.client().list<Pod>(podsResource, undefined, { fieldSelector: `spec.nodeName=${node}`, labelSelector: podSelector });
  return list.items;
}

async function drainNode(session: Session, node: string, flags: DrainFlags, opts: DrainOptions, dryRun: DryRun, grace: number,
  deadline: number | undefined, timeoutMs: number): Promise<void> {
  const client = session.client();
  const pods = await podsOnNode(session, node, opts.podSelector);
  const daemonSets = new Set<string>();
  for (const pod of pods) {
    const owner = pod.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'DaemonSet');
    if (!owner) continue;
    try {
      await client.get<DaemonSet>(daemonSetsResource, pod.metadata?.namespace, owner.name);
      daemonSets.add(`${pod.metadata?.namespace ?? ''}/${owner.name}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  const plan = planDrain(pods, flags, (ns, name) => daemonSets.has(`${ns}/${name}`));
  // An aggregate even of one: kubectl prints a node's list of reasons without an `error: ` prefix.
  if (plan.errors.length > 0) throw new AggregateCliError(plan.errors.map((m) => goError(m)));
  if (plan.warnings) session.err(`Warning: ${plan.warnings}\n`);
  if (dryRun === 'client') {
    for (const pod of plan.remove) session.out(`evicting pod ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''} (dry run)\n`);
    return;
  }
  if (plan.remove.length === 0) return;
  const evict = !opts.disableEviction && await evictionSupported(session);
  const deleteOptions: Record<string, unknown> = grace >= 0 ? { gracePeriodSeconds: grace } : {};
  if (dryRun === 'server') deleteOptions.dryRun = ['All'];
  const errors: unknown[] = [];
  await Promise.all(plan.remove.map(async (pod) => {
    try {
      if (evict) await evictPod(session, pod, deleteOptions, dryRun, deadline, timeoutMs);
      else await deletePod(session, pod, grace, dryRun);
      if (dryRun === 'server') return;
      await waitGone(session, pod, deadline);
      session.out(`pod/${pod.metadata?.name ?? ''} ${evict ? 'evicted' : 'deleted'}\n`);
    } catch (e) {
      errors.push(e);
    }
  }));
  if (errors.length === 0) return;
  const pending = (await podsOnNode(session, node, opts.podSelector)).filter((p) => plan.remove.some((r) => r.metadata?.uid === p.metadata?.uid));
  if (pending.length > 0) {
    session.err(`There are pending pods in node "${node}" when an error occurred: ${errors.map((e) => (e as Error).message.replace(/^error: /, '')).join(', ')}\n`);
    for (const p of pending) session.err(`pod/${p.metadata?.name ?? ''}\n`);
  }
  throw errors.length === 1 ? errors[0] : new AggregateCliError(errors);
}

async function evictPod(session: Session, pod: Pod, deleteOptions: Record<string, unknown>, dryRun: DryRun,
  deadline: number | undefined, timeoutMs: number): Promise<void> {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns }, deleteOptions };
  for (;;) {
    session.out(`evicting pod ${ns}/${name}${dryRun === 'server' ? ' (server dry run)' : ''}\n`);
    if (deadline !== undefined && Date.now() > deadline) {
      throw goError(`error when evicting pods/"${name}" -n "${ns}": global timeout reached: ${timeoutMs / 1000}s`);
    }
    try {
      // The dry run rides in the Eviction's deleteOptions, as kubectl sends it, and in the query too: a server that
      // reads only the query (Skiff's does) must not evict for real.
      await session.client().request('POST', resourcePath(podsResource, ns, name, 'eviction'),
        { body, query: { dryRun: dryRun === 'server' ? 'All' : undefined } });
      return;
    } catch (e) {
      if (isNotFound(e)) return;
      if ((e as { code?: number }).code !== 429) throw goError(`error when evicting pods/"${name}" -n "${ns}": ${(e as Error).message}`);
      session.err(`error when evicting pods/"${name}" -n "${ns}" (will retry after 5s): ${(e as Error).message}\n`);
      await new Promise((r) => setTimeout(r, evictRetryDelayMs));
    }
  }
}

async function deletePod(session: Session, pod: Pod, grace: number, dryRun: DryRun): Promise<void> {
  try {
    await session.client().delete(podsResource, pod.metadata?.namespace, pod.metadata?.name ?? '', {
      ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), dryRun: dryRun === 'server',
    });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Until the pod is gone, or replaced by another of the same name. */
async function waitGone(session: Session, pod: Pod, deadline: number | undefined): Promise<void> {
  const name = pod.metadata?.name ?? '';
  const ns = pod.metadata?.namespace ?? '';
  try {
    await waitForObject(session, podsResource, ns, name, (obj) => !obj || obj.metadata?.uid !== pod.metadata?.uid, {
      timeoutMs: deadline !== undefined ? Math.max(1, deadline - Date.now()) : 0,
      timeoutMessage: `error when waiting for pod "${name}" in namespace "${ns}" to terminate: timed out waiting for the condition`,
    });
  } catch (e) {
    if (e instanceof WaitTimeoutError) throw goError(e.message);
    throw e;
  }
}

