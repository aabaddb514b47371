// Strategy of discovery.k8s.io/v1 EndpointSlices (kube's pkg/registry/discovery/endpointslice): defaults, the
// topology field v1 no longer writes, validation, and a generation that counts changes of the endpoints, ports,
// address type or labels, which the slice controllers use to tell a stale informer cache from their own last write.
import { isDeepStrictEqual } from 'node:util';
import { defaultEndpointSlice } from '../../api/defaults/discovery.ts';
import type { EndpointSlice } from '../../api/types.ts';
import { validateEndpointSlice, validateEndpointSliceUpdate } from '../../api/validation/endpointslice.ts';
import type { Strategy } from '../strategy.ts';
import { kindStrategy } from './kind-strategy.ts';

/**
 * dropTopologyOnV1: deprecatedTopology is v1beta1's; a v1 write clears it, unless the endpoints are the stored
 * ones unchanged (a label update must not lose what an old client wrote).
 */
function dropDeprecatedTopology(slice: EndpointSlice, old?: EndpointSlice): void {
  if (old && isDeepStrictEqual(slice.endpoints ?? null, old.endpoints ?? null)) return;
  for (const endpoint of slice.endpoints ?? []) delete endpoint.deprecatedTopology;
}

/** A slice's whole body (it has no status), plus its labels: the controllers select slices by label. */
function generationChanged(slice: EndpointSlice, old: EndpointSlice): boolean {
  const body = (s: EndpointSlice): unknown[] => [s.addressType, s.endpoints ?? null, s.ports ?? null, s.metadata?.labels ?? {}];
  return !isDeepStrictEqual(body(slice), body(old));
}

export const endpointSliceStrategy: Strategy = kindStrategy<EndpointSlice>({
  default: defaultEndpointSlice,
  prepareForCreate: (slice) => dropDeprecatedTopology(slice),
  prepareForUpdate: dropDeprecatedTopology,
  validate: validateEndpointSlice,
  validateUpdate: validateEndpointSliceUpdate,
  generationChanged,
});
