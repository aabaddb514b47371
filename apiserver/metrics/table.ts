// Server-side printing of NodeMetrics and PodMetrics (`kubectl get nodes.metrics.k8s.io`), as metrics-server's
// ConvertToTable: the name, one quantity column per resource (a pod's containers summed), and the window. Like
// metrics-server, the columns come from the first item, so an empty list has none.
import type { NodeMetrics, PodMetrics } from '../api/metrics-types.ts';
import { addQuantity, formatQuantity, parseQuantity, quantityFromValue } from '../api/quantity.ts';
import type { ColumnDefinition } from '../server/printers/printer.ts';
import type { IncludeObject, Table } from '../server/table.ts';

const columns: ColumnDefinition[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the resource', priority: 0 },
  { name: 'cpu', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'memory', type: 'string', format: 'quantity', description: '', priority: 0 },
  { name: 'Window', type: 'string', format: 'duration', description: '', priority: 0 },
];

function podUsage(m: PodMetrics): { cpu: string; memory: string } {
  let cpu = quantityFromValue(0);
  let memory = quantityFromValue(0);
  for (const c of m.containers) {
    cpu = addQuantity(cpu, parseQuantity(c.usage.cpu));
    memory = addQuantity(memory, parseQuantity(c.usage.memory));
  }
  return { cpu: formatQuantity(cpu), memory: formatQuantity(memory) };
}

export function metricsTable(items: (NodeMetrics | PodMetrics)[], version: string, include: IncludeObject): Table {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: {},
    columnDefinitions: items.length > 0 ? columns : [],
    rows: items.map((m) => {
      const usage = 'usage' in m ? m.usage : podUsage(m);
      const object = include === 'None' ? undefined
        : include === 'Object' ? m
          : { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: m.metadata };
      return { cells: [m.metadata.name ?? '', usage.cpu, usage.memory, m.window], object };
    }),
  };
}
