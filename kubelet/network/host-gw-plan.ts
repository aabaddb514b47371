// host-gw pod networking, the decisions (flannel's host-gw backend): every other node's spec.podCIDR is reached
// through a route via that node's InternalIP, so pods on hosts of one L2 segment talk to each other by their own
// addresses. Pure functions of the Node objects and what the host already has; host-gw.ts does the I/O.
import type { Node } from '../../apiserver/api/types.ts';

/**
 * Every route this kubelet makes carries this routing protocol number (`ip route ... proto 83`), so it can find
 * and remove its own routes and never touches anyone else's. (Calico uses 80; 83 is unassigned.)
 */
export const routeProtocol = 83;

export interface PodRoute {
  /** Another node's pod CIDR. */
  cidr: string;
  /** That node's InternalIP. */
  via: string;
  node: string;
}

/** A route of ours found in the host's table. */
export interface InstalledRoute {
  cidr: string;
  via?: string;
}

export interface RoutePlan {
  /** Missing, or pointing at the wrong gateway: `ip route replace`. */
  replace: PodRoute[];
  /** Ours, for a CIDR no other node has any more: `ip route del`. */
  remove: string[];
}

const isIPv4CIDR = (cidr: string): boolean => /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(cidr);

/** spec.podCIDRs (dual-stack), else spec.podCIDR; only IPv4, as the routes are IPv4. */
export function nodePodCIDRs(node: Node): string[] {
  const cidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
  return cidrs.filter(isIPv4CIDR);
}

export function internalIPv4(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP' && /^\d{1,3}(\.\d{1,3}){3}$/.test(a.address))?.address;
}

/**
 * The routes this node wants: one per pod CIDR of every other node that has both a pod CIDR and an InternalIP.
 * A node at this node's own address (several kubelets on one host share its bridge) needs no route. If two nodes
 * claim one CIDR (never, from the node IPAM controller), the first by name wins, so every host decides the same.
 */
export function desiredRoutes(nodes: Node[], self: { name: string; ip: string }): PodRoute[] {
  const byCIDR = new Map<string, PodRoute>();
  const sorted = [...nodes].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const node of sorted) {
    const name = node.metadata?.name ?? '';
    const via = internalIPv4(node);
    if (name === self.name || !via || via === self.ip) continue;
    for (const cidr of nodePodCIDRs(node)) if (!byCIDR.has(cidr)) byCIDR.set(cidr, { cidr, via, node: name });
  }
  return [...byCIDR.values()].sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/** What to change so the host's routes of ours are exactly `want`: nothing when they already are. */
export function planRoutes(want: PodRoute[], have: InstalledRoute[]): RoutePlan {
  const installed = new Map(have.map((r) => [r.cidr, r.via]));
  const wanted = new Set(want.map((r) => r.cidr));
  return {
    replace: want.filter((r) => installed.get(r.cidr) !== r.via),
    remove: have.map((r) => r.cidr).filter((cidr) => !wanted.has(cidr)),
  };
}

export interface HostRule {
  table: 'filter' | 'nat';
  chain: string;
  /** Unique within the table: how the rule is found again in `iptables -S`. */
  comment: string;
  spec: string[];
}

/**
 * The packet filter rules pods of other nodes need, at the top of their chains:
 * - FORWARD accepts traffic from and to pod addresses (Docker's FORWARD policy is DROP and it lets into its bridges
 *   only replies and published ports, so a packet from another host's pod would die here), as flannel's FLANNEL-FWD;
 * - POSTROUTING leaves pod-to-pod traffic leaving this host unmasqueraded (Docker masquerades everything from its
 *   bridge that leaves by another interface), so pods see each other's real addresses, as Kubernetes requires.
 */
export function hostGwRules(clusterCIDR: string, podBridge: string): HostRule[] {
  const rule = (table: HostRule['table'], chain: string, comment: string, match: string[], target: string): HostRule =>
    ({ table, chain, comment, spec: [...match, '-m', 'comment', '--comment', comment, '-j', target] });
  return [
    rule('filter', 'FORWARD', 'skiff host-gw: from pods', ['-s', clusterCIDR], 'ACCEPT'),
    rule('filter', 'FORWARD', 'skiff host-gw: to pods', ['-d', clusterCIDR], 'ACCEPT'),
    rule('nat', 'POSTROUTING', 'skiff host-gw: pod to pod keeps its address', ['-s', clusterCIDR, '-d', clusterCIDR, '!', '-o', podBridge], 'RETURN'),
  ];
}

/**
 * Whether `rules` (all of one chain) are the chain's first rules, in order, given `iptables -S <chain>`. Docker
 * inserts its own rules at the top when it starts or makes a network, so being present is not enough.
 */
export function rulesInPlace(listing: string, rules: HostRule[]): boolean {
  const lines = listing.split('\n').filter((l) => l.startsWith('-A '));
  return rules.every((r, i) => lines[i]?.includes(r.comment) === true)
    && lines.filter((l) => rules.some((r) => l.includes(r.comment))).length === rules.length;
}
