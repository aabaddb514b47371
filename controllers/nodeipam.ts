// node-ipam-controller (kube's pkg/controller/nodeipam, range allocator): gives every Node without one a pod
// CIDR out of --cluster-cidr (one per IP family for dual-stack), as spec.podCIDR and spec.podCIDRs. Which CIDRs are
// taken is rebuilt from the Nodes on start, a Node's are freed when it is deleted, and the apiserver refuses to
// change a podCIDR once set, so no CIDR is given twice even if two controllers race.
import { resourceFor } from '../apiserver/api/resources.ts';
import type { Node } from '../apiserver/api/types.ts';
import { isNotFound } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import { cidrSetsFor, type CIDRSet } from './nodeipam-cidrs.ts';

const nodesResource = resourceFor('', 'v1', 'nodes')!;

export function podCIDRsOf(node: Node): string[] {
  const cidrs = node.spec?.podCIDRs ?? [];
  if (cidrs.length > 0) return [...cidrs];
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

export function newNodeIpamController(ctx: ControllerContext): Controller {
  const name = 'node-ipam-controller';
  const { queue, recorder, logger } = controllerBasics(ctx, name);
  // A cluster CIDR that cannot be cut as asked is a configuration error: fail at start, as kube does.
  const sets = cidrSetsFor(ctx.settings.clusterCIDR, ctx.settings.nodeCIDRMaskSize);
  const nodes = ctx.informers.informerFor<Node>(nodesResource);
  /** The CIDRs each node holds in the sets (what to free when it goes). */
  const held = new Map<string, string[]>();
  let rebuilt = false;

  nodes.addEventHandler({
    onAdd: (n) => queue.add(n.metadata?.name ?? ''),
    onUpdate: (old, n) => {
      if (podCIDRsOf(n).length === 0 || podCIDRsOf(old).join() !== podCIDRsOf(n).join()) queue.add(n.metadata?.name ?? '');
    },
    onDelete: (n) => queue.add(n.metadata?.name ?? ''),
  });

  const setFor = (cidr: string): CIDRSet | undefined => sets.find((s) => s.sameFamily(cidr));

  function release(nodeName: string): void {
    for (const cidr of held.get(nodeName) ?? []) setFor(cidr)?.release(cidr);
    held.delete(nodeName);
  }

  /** Records that `nodeName` has `cidrs` (set by us earlier, or by someone else). */
  function hold(nodeName: string, cidrs: string[]): void {
    if ((held.get(nodeName) ?? []).join() === cidrs.join()) return;
    release(nodeName);
    for (const cidr of cidrs) {
      const set = setFor(cidr);
      const error = set ? set.occupy(cidr) : `CIDR ${cidr} is of an IP family the cluster CIDR ${ctx.settings.clusterCIDR} does not have`;
      if (error) logger.warn({ node: nodeName, cidr, err: error }, 'node pod CIDR is not from the cluster CIDR');
    }
    held.set(nodeName, cidrs);
  }

  /** Every CIDR the Nodes already have is taken before any is handed out (kube's NewCIDRRangeAllocator). */
  function rebuild(): void {
    for (const n of nodes.list()) {
      const cidrs = podCIDRsOf(n);
      if (cidrs.length > 0) hold(n.metadata?.name ?? '', cidrs);
    }
    rebuilt = true;
  }

  function allocate(node: Node): string[] | undefined {
    const got: string[] = [];
    for (const set of sets) {
      const result = set.allocateNext();
      if (result.error === undefined) {
        got.push(result.cidr);
        continue;
      }
      for (const cidr of got) setFor(cidr)?.release(cidr);
      recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${node.metadata?.name ?? ''} status is now: CIDRNotAvailable`);
      return undefined;
    }
    return got;
  }

  async function reconcile(nodeName: string): Promise<void> {
    // Workers start once the caches have synced, so the first sync sees every Node there is.
    if (!rebuilt) rebuild();
    const node = nodes.get(nodeName);
    if (!node) {
      const freed = held.has(nodeName);
      release(nodeName);
      // Nodes that found the range full may fit now.
      if (freed) for (const n of nodes.list()) if (podCIDRsOf(n).length === 0) queue.add(n.metadata?.name ?? '');
      return;
    }
    const existing = podCIDRsOf(node);
    if (existing.length > 0) {
      hold(nodeName, existing);
      return;
    }
    // A node allocated for earlier whose write the cache has not shown yet keeps what it was given.
    let cidrs = held.get(nodeName);
    if (!cidrs) {
      cidrs = allocate(node);
      // Nothing left: retried with back-off, and at once when a deleted node frees some.
      if (!cidrs) throw new Error(`no pod CIDR left in ${ctx.settings.clusterCIDR} for node ${nodeName}`);
      held.set(nodeName, cidrs);
    }
    try {
      // Read the node itself: it may have been given CIDRs since the cache last saw it.
      const fresh = await ctx.client.get<Node>(nodesResource, undefined, nodeName);
      const theirs = podCIDRsOf(fresh);
      if (theirs.length > 0) {
        hold(nodeName, theirs);
        return;
      }
      await ctx.client.patch(nodesResource, undefined, nodeName, { spec: { podCIDR: cidrs[0], podCIDRs: cidrs } }, 'merge');
      logger.info({ node: nodeName, podCIDRs: cidrs }, 'node pod CIDRs set');
    } catch (err) {
      if (isNotFound(err)) {
        release(nodeName);
        return;
      }
      // As kube: give the CIDRs back; the retry allocates afresh.
      release(nodeName);
      recorder.event(node, 'Normal', 'CIDRAssignmentFailed', `Node ${nodeName} status is now: CIDRAssignmentFailed`);
      throw err;
    }
  }

  return { name, queue, workers: 4, reconcile };
}
