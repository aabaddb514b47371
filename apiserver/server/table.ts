// Server-side printing (meta.k8s.io Table): what `kubectl get` renders as columns. Printers read stored objects
// (the storage version); a row's full object is in the version the request addressed.
import { fromStorage } from '../api/conversion/converters.ts';
import type { ResourceInfo } from '../api/resources.ts';
import type { KubeObject, ListMeta } from '../api/types.ts';
import { printerFor } from './printers/index.ts';
import type { ColumnDefinition } from './printers/printer.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  columnDefinitions: ColumnDefinition[];
  rows: { cells: unknown[]; object?: unknown }[];
}

export function parseIncludeObject(value: string | undefined): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

export function toTable(
  ri: ResourceInfo, objects: KubeObject[],
  opts: { version: string; includeObject: IncludeObject; listMeta?: ListMeta; now: number; withColumns?: boolean },
): Table {
  const printer = printerFor(ri.group, ri.plural);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: opts.listMeta ?? {},
    // In a watch, only the first event describes the columns, as kube-apiserver does.
    columnDefinitions: opts.withColumns === false ? [] : printer.columns,
    rows: objects.map((obj) => ({ cells: printer.cells(obj, opts.now), object: rowObject(ri, obj, opts.includeObject, opts.version) })),
  };
}

function rowObject(ri: ResourceInfo, obj: KubeObject, include: IncludeObject, version: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return fromStorage(ri, obj);
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}
