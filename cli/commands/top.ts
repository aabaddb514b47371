// skiffctl top node|pod: CPU and memory in use, read from the resource metrics API (metrics.k8s.io) as kubectl top
// reads it. A server that serves no usage data gets kubectl's answer, `error: Metrics API not available`: Skiff's
// apiserver has neither metrics.k8s.io nor the nodes/proxy route to the kubelet's /stats/summary, and skiffctl does
// not make numbers up.
import type { Command } from 'commander';
import { milliValue, parseQuantity } from '../../apiserver/api/quantity.ts';
import type { Node } from '../../apiserver/api/types.ts';
import type { ObjectList } from '../../apiserver/client/object.ts';
import type { Runner } from '../command.ts';
import { usageError } from '../errors.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import type { Session } from '../session.ts';

interface TopOptions {
  selector?: string;
  allNamespaces?: boolean;
  containers?: boolean;
  headers?: boolean;
}

interface Usage { cpu?: string; memory?: string }
interface NodeMetrics { metadata?: { name?: string }; usage?: Usage }
interface PodMetrics { metadata?: { name?: string; namespace?: string }; containers?: { name: string; usage?: Usage }[] }

const nodesResource = { group: '', version: 'v1', plural: 'nodes', namespaced: false };

export function register(parent: Command, run: Runner): void {
  const top = parent.command('top').summary('Display resource (CPU/memory) usage');
  top.command('node').aliases(['nodes', 'no'])
    .summary('Display resource (CPU/memory) usage of nodes')
    .argument('[name]')
    .option('-l, --selector <selector>', 'the nodes with these labels')
    .option('--no-headers', 'do not print headers')
    .action(run<TopOptions>(topNodes));
  top.command('pod').aliases(['pods', 'po'])
    .summary('Display resource (CPU/memory) usage of pods')
    .argument('[name]')
    .option('-l, --selector <selector>', 'the pods with these labels')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--containers', 'one line per container')
    .option('--no-headers', 'do not print headers')
    .action(run<TopOptions>(topPods));
}

/** The metrics API group version the server serves, or kubectl's error. */
async function metricsPath(session: Session): Promise<string> {
  const discovery = await session.discovery();
  const gv = ['metrics.k8s.io/v1beta1', 'metrics.k8s.io/v1'].find((v) => discovery.groupVersions.includes(v));
  if (!gv) throw usageError('Metrics API not available');
  return `/apis/${gv}`;
}

const cpuText = (q: string | undefined): string => `${Math.round(milliValue(parseQuantity(q ?? '0')))}m`;
const memoryText = (q: string | undefined): string => `${Math.floor(milliValue(parseQuantity(q ?? '0')) / 1000 / 1024 / 1024)}Mi`;

async function topNodes(session: Session, opts: TopOptions, args: string[]): Promise<void> {
  const base = await metricsPath(session);
  const client = session.client();
  const metrics = args[0]
    ? [await client.request<NodeMetrics>('GET', `${base}/nodes/${encodeURIComponent(args[0])}`)]
    : (await client.request<ObjectList<NodeMetrics>>('GET', `${base}/nodes`, { query: { labelSelector: opts.selector } })).items;
  const nodes = await client.list<Node>(nodesResource, undefined, { labelSelector: opts.selector });
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  if (opts.headers !== false) w.row(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']);
  for (const m of metrics) {
    const node = nodes.items.find((n) => n.metadata?.name === m.metadata?.name);
    const cpu = milliValue(parseQuantity(m.usage?.cpu ?? '0'));
    const mem = milliValue(parseQuantity(m.usage?.memory ?? '0'));
    const cpuCap = milliValue(parseQuantity(node?.status?.allocatable?.cpu ?? '0'));
    const memCap = milliValue(parseQuantity(node?.status?.allocatable?.memory ?? '0'));
    const pct = (used: number, cap: number): string => (cap > 0 ? `${Math.floor((used / cap) * 100)}%` : '<unknown>');
    w.row([m.metadata?.name ?? '', cpuText(m.usage?.cpu), pct(cpu, cpuCap), memoryText(m.usage?.memory), pct(mem, memCap)]);
  }
  w.flush();
}

async function topPods(session: Session, opts: TopOptions, args: string[]): Promise<void> {
  const base = await metricsPath(session);
  const client = session.client();
  const ns = opts.allNamespaces ? '' : `/namespaces/${encodeURIComponent(session.namespace())}`;
  const metrics = args[0]
    ? [await client.request<PodMetrics>('GET', `${base}${ns}/pods/${encodeURIComponent(args[0])}`)]
    : (await client.request<ObjectList<PodMetrics>>('GET', `${base}${ns}/pods`, { query: { labelSelector: opts.selector } })).items;
  if (metrics.length === 0) {
    session.err(`No resources found in ${session.namespace()} namespace.\n`);
    return;
  }
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  const head = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'NAME', ...(opts.containers ? ['NAME'] : []), 'CPU(cores)', 'MEMORY(bytes)'];
  if (opts.headers !== false) w.row(head);
  const sum = (cs: PodMetrics['containers'], key: keyof Usage): number =>
    (cs ?? []).reduce((n, c) => n + milliValue(parseQuantity(c.usage?.[key] ?? '0')), 0);
  for (const m of metrics) {
    const prefix = [...(opts.allNamespaces ? [m.metadata?.namespace ?? ''] : []), m.metadata?.name ?? ''];
    if (opts.containers) {
      for (const c of m.containers ?? []) w.row([...prefix, c.name, cpuText(c.usage?.cpu), memoryText(c.usage?.memory)]);
    } else {
      w.row([...prefix, `${Math.round(sum(m.containers, 'cpu'))}m`, `${Math.floor(sum(m.containers, 'memory') / 1000 / 1024 / 1024)}Mi`]);
    }
  }
  w.flush();
}
