// What "the cluster is up" means to the launcher: the apiserver ready, every node Ready, and the scheduler's and
// controller-manager's leader leases in kube-system held and renewed recently.
import type { Lease, Node } from '../../apiserver/api/types.ts';
import { resourceFor } from '../../apiserver/api/resources.ts';
import { RestClient, isNotFound } from '../../apiserver/client/index.ts';

const nodesResource = resourceFor('', 'v1', 'nodes')!;
const leasesResource = resourceFor('coordination.k8s.io', 'v1', 'leases')!;

export interface ClusterHealth {
  apiserver: boolean;
  nodes: { name: string; ready: boolean }[];
  leaders: { lease: string; holder?: string; fresh: boolean }[];
}

/** A node lease renewed longer ago than this means its kubelet is not running (kube's default grace period is 40 s). */
const nodeLeaseFreshMs = 40_000;

/**
 * The cluster as the apiserver sees it. `since`: only heartbeats and leader renewals after this time count, so that
 * state left in the store by a cluster that was stopped a moment ago does not pass for a running one.
 */
export async function clusterHealth(client: RestClient, since?: number, nowMs = Date.now()): Promise<ClusterHealth> {
  let apiserver = false;
  try {
    apiserver = (await client.requestText('GET', '/readyz')).trim() === 'ok';
  } catch {
    return { apiserver: false, nodes: [], leaders: [] };
  }
  const renewedAfter = async (namespace: string, name: string, freshMs: number): Promise<Lease | undefined> => {
    try {
      const l = await client.get<Lease>(leasesResource, namespace, name);
      const renewed = Date.parse(l.spec?.renewTime ?? '') || 0;
      return renewed >= (since ?? nowMs - freshMs) ? l : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const nodes = await Promise.all((await client.list<Node>(nodesResource)).items.map(async (n) => {
    const name = n.metadata?.name ?? '';
    const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    return { name, ready: ready && (await renewedAfter('kube-node-lease', name, nodeLeaseFreshMs)) !== undefined };
  }));
  const leaders = await Promise.all(['kube-scheduler', 'kube-controller-manager'].map(async (lease) => {
    const l = await renewedAfter('kube-system', lease, 15_000);
    return { lease, holder: l?.spec?.holderIdentity, fresh: Boolean(l?.spec?.holderIdentity) };
  }));
  return { apiserver, nodes, leaders };
}

export function isHealthy(h: ClusterHealth, expectedNodes: string[]): boolean {
  return h.apiserver
    && expectedNodes.every((n) => h.nodes.some((x) => x.name === n && x.ready))
    && h.leaders.every((l) => l.fresh);
}

export function describeHealth(h: ClusterHealth): string[] {
  return [
    `apiserver: ${h.apiserver ? 'ready' : 'not ready'}`,
    ...h.nodes.map((n) => `node ${n.name}: ${n.ready ? 'Ready' : 'NotReady'}`),
    ...h.leaders.map((l) => `${l.lease}: ${l.fresh ? `leader ${l.holder}` : 'no leader'}`),
  ];
}
