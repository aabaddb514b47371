// Which nodes and pods a metrics list is about. metrics-server selects on the node's or pod's own labels, and on
// the metadata fields only (metrics.k8s.io registers no field label conversion, so apimachinery's default applies:
// anything but metadata.name and metadata.namespace is a 400). Only Running pods have metrics: metrics-server
// watches pods with status.phase=Running, so any other pod does not exist as far as it is concerned.
import { fieldsOf, matchesFields, parseFieldSelector } from '../api/fields.ts';
import { matchesSelector, parseSelector } from '../api/labels.ts';
import type { Pod, StoredObject } from '../api/types.ts';

export interface MetricsListQuery {
  labelSelector?: string;
  fieldSelector?: string;
}

/** A filter over the nodes or pods a list is about; bad selectors throw 400 BadRequest before any scraping. */
export function metricsObjectFilter(q: MetricsListQuery): (obj: StoredObject) => boolean {
  const labels = q.labelSelector ? parseSelector(q.labelSelector) : undefined;
  // A name absent from fields.ts's table gets the default conversion: metadata.name and metadata.namespace only.
  const fields = q.fieldSelector ? parseFieldSelector(q.fieldSelector, 'metrics.k8s.io') : [];
  return (obj) => (!labels || matchesSelector(labels, obj.metadata.labels))
    && (fields.length === 0 || matchesFields(fields, fieldsOf('metrics.k8s.io', obj)));
}

export function isRunning(pod: Pod): boolean {
  return pod.status?.phase === 'Running';
}
