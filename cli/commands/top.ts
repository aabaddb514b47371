// skiffctl top node|pod: CPU and memory in use, read from the resource metrics API (metrics.k8s.io/v1beta1, which
// Skiff's apiserver serves from the kubelets' /stats/summary as metrics-server would), in the order kubectl 1.32's
// top asks: discovery (no group: `Metrics API not available`), then the metrics, then for nodes the Node objects
// (their allocatable, or capacity, is what the percentages are of; listed nodes without metrics get `<unknown>`).
// No metrics at all is `metrics not available yet`, or for pods, when some matching pod is older than two minutes,
// kubectl's `Metrics not available for pod ns/name, age: ...`. The tables themselves are top-print.ts.
import type { Command } from 'commander';
import { formatGoDuration } from '../../apiserver/api/duration.ts';
import { parseFieldTerms } from '../../apiserver/api/fields.ts';
import { parseSelector } from '../../apiserver/api/labels.ts';
import { metricsGroup, metricsVersion, type NodeMetrics, type PodMetrics } from '../../apiserver/api/metrics-types.ts';
import type { Node, Pod } from '../../apiserver/api/types.ts';
import type { ObjectList } from '../../apiserver/client/object.ts';
import type { Runner } from '../command.ts';
import { usageError } from '../errors.ts';
import { helpHint } from '../generator.ts';
import { getTableOptions, TabWriter } from '../output/tabwriter.ts';
import type { Session } from '../session.ts';
import { nodeTable, podTable, type SortBy } from './top-print.ts';

interface TopOptions {
  selector?: string;
  fieldSelector?: string;
  allNamespaces?: boolean;
  containers?: boolean;
  headers?: boolean;
  sortBy?: string;
  sum?: boolean;
  showCapacity?: boolean;
}

const nodesResource = { group: '', version: 'v1', plural: 'nodes', namespaced: false };
const podsResource = { group: '', version: 'v1', plural: 'pods', namespaced: true };
const metricsBase = `/apis/${metricsGroup}/${metricsVersion}`;
/** kubectl's metricsCreationDelay: a pod younger than this may simply not have been measured yet. */
const metricsCreationDelayMs = 2 * 60_000;

export function register(parent: Command, run: Runner): void {
  const top = parent.command('top').summary('Display resource (CPU/memory) usage');
  top.command('node').aliases(['nodes', 'no'])
    .summary('Display resource (CPU/memory) usage of nodes')
    .argument('[name]')
    .argument('[extra...]')
    .option('-l, --selector <selector>', 'the nodes with these labels')
    .option('--sort-by <field>', 'sort by cpu or memory, largest first')
    .option('--show-capacity', 'percentages of capacity instead of allocatable')
    .option('--no-headers', 'do not print headers')
    .option('--use-protocol-buffers [bool]', 'accepted for kubectl compatibility; skiffctl always speaks JSON')
    .action(run<TopOptions>(topNodes));
  top.command('pod').aliases(['pods', 'po'])
    .summary('Display resource (CPU/memory) usage of pods')
    .argument('[name]')
    .argument('[extra...]')
    .option('-l, --selector <selector>', 'the pods with these labels')
    .option('--field-selector <selector>', 'the pods with these fields (metadata.name, metadata.namespace)')
    .option('-A, --all-namespaces', 'across all namespaces')
    .option('--containers', 'one line per container')
    .option('--sort-by <field>', 'sort by cpu or memory, largest first')
    .option('--sum', 'print the sum of the usage')
    .option('--no-headers', 'do not print headers')
    .option('--use-protocol-buffers [bool]', 'accepted for kubectl compatibility; skiffctl always speaks JSON')
    .action(run<TopOptions>(topPods));
}

function sortByOf(opts: TopOptions): SortBy {
  const s = opts.sortBy ?? '';
  if (s !== '' && s !== 'cpu' && s !== 'memory') throw usageError('--sort-by accepts only cpu or memory');
  return s;
}

/** Selectors are checked before anything is asked of the server, as kubectl parses them first. */
function checkSelectors(opts: TopOptions): void {
  try {
    if (opts.selector) parseSelector(opts.selector);
    if (opts.fieldSelector) parseFieldTerms(opts.fieldSelector);
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

interface ApiGroupListDoc { groups?: { name: string; versions?: { version: string }[] }[] }

/** kubectl asks only whether the group is there (ServerGroups: one GET /apis, no resource lists) and knows v1beta1. */
async function requireMetricsAPI(session: Session): Promise<void> {
  const apis = await session.client().request<ApiGroupListDoc>('GET', '/apis');
  const served = (apis.groups ?? []).some((g) => g.name === metricsGroup && (g.versions ?? []).some((v) => v.version === metricsVersion));
  if (!served) throw usageError('Metrics API not available');
}

async function topNodes(session: Session, opts: TopOptions, args: string[], cmd: Command): Promise<void> {
  if (args.length > 1) throw usageError(`node [NAME | -l label]\n${helpHint(cmd)}`);
  const sortBy = sortByOf(opts);
  const name = args[0];
  if (name && opts.selector) throw usageError('only one of NAME or --selector can be provided');
  checkSelectors(opts);
  await requireMetricsAPI(session);
  const client = session.client();
  const metrics = name
    ? [await client.request<NodeMetrics>('GET', `${metricsBase}/nodes/${encodeURIComponent(name)}`)]
    : (await client.request<ObjectList<NodeMetrics>>('GET', `${metricsBase}/nodes`, { query: { labelSelector: opts.selector } })).items;
  if (metrics.length === 0) throw usageError('metrics not available yet');
  const nodes = name
    ? [await client.get<Node>(nodesResource, undefined, name)]
    : (await client.list<Node>(nodesResource, undefined, { labelSelector: opts.selector })).items;
  const capacity = nodes.map((n) => ({
    name: n.metadata?.name ?? '',
    available: { ...(opts.showCapacity ? n.status?.capacity : n.status?.allocatable) },
  }));
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  w.write(nodeTable(metrics, capacity, { noHeaders: opts.headers === false, sortBy }));
  w.flush();
}

async function topPods(session: Session, opts: TopOptions, args: string[], cmd: Command): Promise<void> {
  if (args.length > 1) throw usageError(`pod [NAME | -l label]\n${helpHint(cmd)}`);
  const sortBy = sortByOf(opts);
  const name = args[0];
  if (name && (opts.selector || opts.fieldSelector)) throw usageError('only one of NAME or selector can be provided');
  checkSelectors(opts);
  await requireMetricsAPI(session);
  const client = session.client();
  const namespace = session.namespace();
  const scope = opts.allNamespaces ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  const metrics = name
    ? [await client.request<PodMetrics>('GET', `${metricsBase}${scope}/pods/${encodeURIComponent(name)}`)]
    : (await client.request<ObjectList<PodMetrics>>('GET', `${metricsBase}${scope}/pods`, {
      query: { labelSelector: opts.selector, fieldSelector: opts.fieldSelector },
    })).items;
  if (metrics.length === 0) {
    await explainNoMetrics(session, namespace, opts);
    session.err(opts.allNamespaces ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
    return;
  }
  const w = new TabWriter((t) => session.out(t), getTableOptions);
  w.write(podTable(metrics, {
    allNamespaces: opts.allNamespaces, containers: opts.containers, noHeaders: opts.headers === false, sortBy, sum: opts.sum,
  }));
  w.flush();
}

/**
 * kubectl's verifyEmptyMetrics: matching pods (looked for in the current namespace, even with -A, as kubectl does)
 * mean the metrics are missing, not the pods; none means there is simply nothing to show.
 */
async function explainNoMetrics(session: Session, namespace: string, opts: TopOptions): Promise<void> {
  const pods = (await session.client().list<Pod>(podsResource, namespace, {
    labelSelector: opts.selector, fieldSelector: opts.fieldSelector,
  })).items;
  if (pods.length === 0) return;
  for (const pod of pods) {
    const age = Date.now() - Date.parse(pod.metadata?.creationTimestamp ?? '');
    if (age > metricsCreationDelayMs) {
      throw usageError(`Metrics not available for pod ${pod.metadata?.namespace ?? namespace}/${pod.metadata?.name ?? ''}, age: ${formatGoDuration(age)}`);
    }
  }
  throw usageError('metrics not available yet');
}
