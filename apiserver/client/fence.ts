// The fencing token a leader attaches to its writes. Leader election alone is not fencing (client-go says so): a
// paused ex-leader wakes up still believing it leads. The token names the Lease and the term the writer believes it
// holds, so the apiserver can refuse writes from any term but the current one (reliability.md F5).

/** Request header carrying the token on every mutating request of a fenced client. */
export const FENCE_HEADER = 'X-Skiff-Fence';

export interface FenceTerm {
  namespace: string;
  name: string;
  holderIdentity: string;
  leaseTransitions: number;
}

/** `<namespace>/<name>/<holderIdentity>/<leaseTransitions>`. */
export function formatFenceToken(term: FenceTerm): string {
  return `${term.namespace}/${term.name}/${term.holderIdentity}/${term.leaseTransitions}`;
}

/**
 * Parses a token made by formatFenceToken. Namespace and name are DNS labels (no '/'), the transitions count is the
 * last segment, and the identity is everything between, so identities that contain '/' still round-trip.
 */
export function parseFenceToken(token: string): FenceTerm | undefined {
  const first = token.indexOf('/');
  const second = first < 0 ? -1 : token.indexOf('/', first + 1);
  const last = token.lastIndexOf('/');
  if (first <= 0 || second <= first + 1 || last <= second + 1) return undefined;
  const transitions = token.slice(last + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(transitions)) return undefined;
  return {
    namespace: token.slice(0, first),
    name: token.slice(first + 1, second),
    holderIdentity: token.slice(second + 1, last),
    leaseTransitions: Number(transitions),
  };
}
