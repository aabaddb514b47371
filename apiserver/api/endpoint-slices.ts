// How EndpointSlices hang off their Service: by the `kubernetes.io/service-name` label, several slices per Service
// (one per address type and port set, and more past 100 endpoints). Every consumer (kube-proxy, CoreDNS, kubectl
// describe) finds a Service's endpoints this way.
import type { EndpointSlice } from './types.ts';

/** The Service a slice belongs to: set by both slice controllers and on the apiserver's own `kubernetes` slice. */
export const serviceNameLabel = 'kubernetes.io/service-name';

export type SliceEndpoint = EndpointSlice['endpoints'][number];

/** `<namespace>/<service>` of the Service (or Endpoints) a slice is labelled with; undefined without the label. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const service = slice.metadata?.labels?.[serviceNameLabel];
  return service ? `${slice.metadata?.namespace ?? ''}/${service}` : undefined;
}

/** The slices of each Service, keyed `namespace/name`; slices without the label belong to no Service. */
export function slicesByService(slices: EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const key = sliceServiceKey(slice);
    if (!key) continue;
    const list = out.get(key);
    if (list) list.push(slice);
    else out.set(key, [slice]);
  }
  return out;
}

// The conditions as consumers read them: a missing ready or serving condition means "unknown", taken as true.
export function endpointReady(ep: SliceEndpoint): boolean {
  return ep.conditions?.ready !== false;
}

export function endpointServing(ep: SliceEndpoint): boolean {
  return ep.conditions?.serving !== false;
}

export function endpointTerminating(ep: SliceEndpoint): boolean {
  return ep.conditions?.terminating === true;
}
