// host-gw pod networking (`--host-gw-routes`): this node's pods take their addresses from its spec.podCIDR (given
// by the controller-manager's node IPAM controller), and for every other node the host keeps
// `ip route replace <podCIDR> via <InternalIP>`, plus the few packet filter rules that let that traffic through.
// Level-triggered: each sync reads the Node cache and the host's routes again, so a missed event, a route someone
// deleted or a Docker restart that reordered the rules is repaired on the next sync (at least every 30 s).
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Node } from '../../apiserver/api/types.ts';
import { Informer, type RestClient } from '../../apiserver/client/index.ts';
import { desiredRoutes, hostGwRules, nodePodCIDRs, planRoutes, type RoutePlan } from './host-gw-plan.ts';
import { HostNetwork } from './host-net.ts';

export interface HostGwOptions {
  client: RestClient;
  logger: Logger;
  nodeName: string;
  nodeIP: string;
  /** The whole cluster's pod range (--cluster-cidr): what the packet filter rules let through. */
  clusterCIDR: string;
  /** The pod network's bridge: pod-to-pod traffic that stays on it is none of host-gw's business. */
  podBridge: string;
  host?: HostNetwork;
  resyncPeriodMs?: number;
}

export interface HostGw {
  /** This node's pod CIDR: the subnet of its pod network. */
  podCIDR: string;
  /** Settles when the signal aborts. */
  done: Promise<void>;
}

/**
 * Starts watching Nodes, waits until this node has a spec.podCIDR (the kubelet must have registered it and the
 * node IPAM controller must have given it one), then keeps the routes in step. Undefined if stopped while waiting.
 */
export async function startHostGw(o: HostGwOptions, signal: AbortSignal): Promise<HostGw | undefined> {
  const nodes = new Informer<Node>(o.client, { resource: resourceFor('', 'v1', 'nodes')!, logger: o.logger });
  const loop = new SyncLoop(o, nodes);
  nodes.addEventHandler({ onAdd: () => loop.request(), onUpdate: () => loop.request(), onDelete: () => loop.request() });
  const podCIDR = await new Promise<string | undefined>((resolve) => {
    let found = false;
    const check = (node: Node): void => {
      const cidr = node.metadata?.name === o.nodeName ? nodePodCIDRs(node)[0] : undefined;
      if (!cidr || found) return;
      found = true;
      registration.remove();
      resolve(cidr);
    };
    const registration = nodes.addEventHandler({ onAdd: check, onUpdate: (_, node) => check(node) });
    signal.addEventListener('abort', () => resolve(undefined), { once: true });
    nodes.start(signal);
    void nodes.waitForSync(signal).then((synced) => {
      if (synced && !found) o.logger.info({ node: o.nodeName }, 'waiting for this node\'s spec.podCIDR (the controller-manager\'s node IPAM controller sets it)');
    });
  });
  if (!podCIDR) return undefined;
  o.logger.info({ podCIDR }, 'host-gw: this node\'s pod CIDR');
  return { podCIDR, done: loop.run(signal) };
}

class SyncLoop {
  private readonly o: HostGwOptions;
  private readonly nodes: Informer<Node>;
  private readonly host: HostNetwork;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  /** A change came in since the last sync began. */
  private dirty = false;
  /** The last error per route, so a node that stays unreachable is reported once, not every few seconds. */
  private readonly lastErrors = new Map<string, string>();

  constructor(o: HostGwOptions, nodes: Informer<Node>) {
    this.o = o;
    this.nodes = nodes;
    this.host = o.host ?? new HostNetwork();
  }

  async run(signal: AbortSignal): Promise<void> {
    this.started = true;
    this.request();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Node changes come in bursts (every kubelet's status update): sync once shortly after. */
  request(): void {
    this.dirty = true;
    if (this.started && this.nodes.hasSynced() && !this.running) this.schedule(100);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), delayMs);
  }

  private async sync(): Promise<void> {
    if (this.running) return;
    let failed = false;
    this.dirty = false;
    this.running = (async () => {
      try {
        failed = !(await this.syncOnce());
      } catch (err) {
        failed = true;
        this.o.logger.error({ err: (err as Error).message }, 'host-gw sync failed; retrying');
      }
    })();
    await this.running;
    this.running = undefined;
    const resync = this.o.resyncPeriodMs ?? 30_000;
    if (this.started) this.schedule(this.dirty ? 100 : failed ? Math.min(5000, resync) : resync);
  }

  /** One pass; false when a route could not be made (logged), so the next pass comes sooner. */
  async syncOnce(): Promise<boolean> {
    if (await this.host.ensureRulesFirst(hostGwRules(this.o.clusterCIDR, this.o.podBridge))) {
      this.o.logger.info({ clusterCIDR: this.o.clusterCIDR }, 'host-gw: packet filter rules for pod traffic in place');
    }
    const want = desiredRoutes(this.nodes.list(), { name: this.o.nodeName, ip: this.o.nodeIP });
    const plan: RoutePlan = planRoutes(want, await this.host.podRoutes());
    let ok = true;
    const attempt = async (cidr: string, change: () => Promise<void>, fields: object, done: string, failed: string): Promise<void> => {
      try {
        await change();
        this.lastErrors.delete(cidr);
        this.o.logger.info(fields, done);
      } catch (err) {
        ok = false;
        const message = (err as Error).message;
        if (this.lastErrors.get(cidr) !== message) this.o.logger.error({ ...fields, err: message }, failed);
        this.lastErrors.set(cidr, message);
      }
    };
    // A failure (e.g. a node not on this host's segment, whose address is no usable gateway) does not hold up the rest.
    for (const r of plan.replace) {
      await attempt(r.cidr, () => this.host.replaceRoute(r), { node: r.node, podCIDR: r.cidr, via: r.via },
        'host-gw: route set', 'host-gw: could not set route');
    }
    for (const cidr of plan.remove) {
      await attempt(cidr, () => this.host.removeRoute(cidr), { podCIDR: cidr },
        'host-gw: route removed (its node is gone)', 'host-gw: could not remove route');
    }
    for (const cidr of this.lastErrors.keys()) if (!want.some((r) => r.cidr === cidr)) this.lastErrors.delete(cidr);
    return ok;
  }
}
