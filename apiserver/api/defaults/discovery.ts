// Defaults of discovery.k8s.io/v1, and the shape kube-apiserver gives a stored EndpointSlice. SetDefaults_EndpointPort
// names every port ('' when unset) and makes it TCP. Go encodes an endpoint's conditions struct even when empty, and
// the `endpoints` and `ports` lists (no omitempty) as null once storage has turned an empty list into nil, so
// `kubectl get endpointslice -o yaml` of a Service without pods reads `endpoints: null` here as it does in kube.
import type { EndpointSlice } from '../types.ts';

export function defaultEndpointSlice(slice: EndpointSlice): void {
  const lists = slice as unknown as { endpoints: unknown[] | null; ports: unknown[] | null };
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ||= 'TCP';
  }
  for (const endpoint of slice.endpoints ?? []) endpoint.conditions ??= {};
  if (!slice.endpoints?.length) lists.endpoints = null;
  if (!slice.ports?.length) lists.ports = null;
}
