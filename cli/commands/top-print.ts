// The tables `top node` and `top pod` print, as kubectl 1.32's metricsutil.TopCmdPrinter writes them: every cell
// ends in a tab (so the last column is padded too), CPU is the quantity's MilliValue (rounded up) in `m`, memory its
// Value in whole Mi (rounded down), a percentage is truncated, a pod's usage is the exact sum of its containers'.
// Sorting by cpu or memory puts the largest first; otherwise nodes sort by name, pods by namespace and name.
// Pure: metrics and nodes in, text lines (tab-separated, for the TabWriter) out.
import type { NodeMetrics, PodMetrics, ResourceUsage } from '../../apiserver/api/metrics-types.ts';
import { addQuantity, milliValue, parseQuantity, quantityFromValue, value, type Quantity } from '../../apiserver/api/quantity.ts';

export type SortBy = '' | 'cpu' | 'memory';

interface Usage { cpu: Quantity; memory: Quantity }

const mebibyte = 1024 * 1024;

function usageOf(u: Partial<ResourceUsage> | undefined): Usage {
  return { cpu: parseQuantity(u?.cpu ?? '0'), memory: parseQuantity(u?.memory ?? '0') };
}

function sum(usages: Usage[]): Usage {
  return usages.reduce((total, u) => ({ cpu: addQuantity(total.cpu, u.cpu), memory: addQuantity(total.memory, u.memory) }),
    { cpu: quantityFromValue(0), memory: quantityFromValue(0) });
}

export const cpuText = (q: Quantity): string => `${milliValue(q)}m`;
export const memoryText = (q: Quantity): string => `${Math.trunc(value(q) / mebibyte)}Mi`;

/** A row as kubectl's printValue writes it: each cell followed by a tab. */
const line = (cells: string[]): string => `${cells.map((c) => `${c}\t`).join('')}\n`;

/** Go's sort.Sort with a `less`; stable, which is what Go's insertion sort gives the short lists `top` sorts. */
function sorted<T>(items: readonly T[], less: (a: T, b: T) => boolean): T[] {
  return items.map((item, i) => ({ item, i }))
    .sort((a, b) => (less(a.item, b.item) ? -1 : less(b.item, a.item) ? 1 : a.i - b.i))
    .map((x) => x.item);
}

function usageLess(sortBy: SortBy, name: (x: Usage & { name: string }) => string) {
  return (a: Usage & { name: string }, b: Usage & { name: string }): boolean => {
    if (sortBy === 'cpu') return milliValue(a.cpu) > milliValue(b.cpu);
    if (sortBy === 'memory') return value(a.memory) > value(b.memory);
    return name(a) < name(b);
  };
}

export interface NodeCapacity {
  name: string;
  /** allocatable (or capacity with --show-capacity); a resource it lacks has no percentage column. */
  available: Record<string, string | undefined>;
}

/**
 * `top node`: a row per node with metrics, then `<unknown>` rows for the listed nodes without any (in name order;
 * kubectl's order there is a Go map's).
 */
export function nodeTable(metrics: readonly NodeMetrics[], nodes: readonly NodeCapacity[], opts: { noHeaders?: boolean; sortBy?: SortBy }): string {
  if (metrics.length === 0) return '';
  let out = opts.noHeaders ? '' : line(['NAME', 'CPU(cores)', 'CPU%', 'MEMORY(bytes)', 'MEMORY%']);
  const rows = metrics.map((m) => ({ name: m.metadata.name ?? '', ...usageOf(m.usage) }));
  const remaining = new Map(nodes.map((n) => [n.name, n.available]));
  for (const row of sorted(rows, usageLess(opts.sortBy ?? '', (x) => x.name))) {
    const available = remaining.get(row.name) ?? {};
    remaining.delete(row.name);
    const cells = [row.name];
    for (const [resource, used, text] of [['cpu', row.cpu, cpuText(row.cpu)], ['memory', row.memory, memoryText(row.memory)]] as const) {
      cells.push(text);
      const total = available[resource];
      if (total === undefined) continue;
      const cap = milliValue(parseQuantity(total));
      cells.push(`${Math.trunc(cap === 0 ? 0 : (milliValue(used) / cap) * 100)}%`);
    }
    out += line(cells);
  }
  for (const name of [...remaining.keys()].sort()) out += line([name, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  return out;
}

/**
 * `top pod`: a row per pod (or per container with `containers`), NAMESPACE first with `allNamespaces`, and with
 * `sum` a rule and the total under the usage columns. kubectl counts the NAMESPACE and POD columns for that
 * indent only when it prints headers, so with --no-headers the total sits further left; so does this.
 */
export function podTable(metrics: readonly PodMetrics[], opts: { allNamespaces?: boolean; containers?: boolean; noHeaders?: boolean; sortBy?: SortBy; sum?: boolean }): string {
  if (metrics.length === 0) return '';
  let out = '';
  let columns = 3;
  if (!opts.noHeaders) {
    const head: string[] = [];
    if (opts.allNamespaces) { head.push('NAMESPACE'); columns++; }
    if (opts.containers) { head.push('POD'); columns++; }
    out += line([...head, 'NAME', 'CPU(cores)', 'MEMORY(bytes)']);
  }
  const sortBy = opts.sortBy ?? '';
  const pods = metrics.map((m) => {
    const containers = (m.containers ?? []).map((c) => ({ name: c.name, ...usageOf(c.usage) }));
    return { namespace: m.metadata.namespace ?? '', name: m.metadata.name ?? '', containers, ...sum(containers) };
  });
  const podLess = (a: typeof pods[number], b: typeof pods[number]): boolean => {
    if (sortBy === '' && opts.allNamespaces && a.namespace !== b.namespace) return a.namespace < b.namespace;
    return usageLess(sortBy, (x) => x.name)(a, b);
  };
  for (const pod of sorted(pods, podLess)) {
    const prefix = opts.allNamespaces ? [pod.namespace] : [];
    if (opts.containers) {
      for (const c of sorted(pod.containers, usageLess(sortBy, (x) => x.name))) {
        out += line([...prefix, pod.name, c.name, cpuText(c.cpu), memoryText(c.memory)]);
      }
    } else {
      out += line([...prefix, pod.name, cpuText(pod.cpu), memoryText(pod.memory)]);
    }
  }
  if (opts.sum) {
    const total = sum(pods.flatMap((p) => p.containers));
    out += line([...Array<string>(columns - 2).fill(''), '________', '________']);
    out += line([...Array<string>(columns - 3).fill(''), '', cpuText(total.cpu), memoryText(total.memory)]);
  }
  return out;
}
