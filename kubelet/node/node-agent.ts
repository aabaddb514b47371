// The kubelet's node-level duties: register the Node, renew its Lease in kube-node-lease every 10 s (the
// heartbeat the node lifecycle controller watches), and report node status when a condition changes or at least
// every 5 minutes (kubelet's nodeStatusUpdateFrequency / nodeStatusReportFrequency).
import type { Logger } from 'pino';
import { nodeLeaseNamespace as leaseNamespace } from '../../apiserver/api/kubelet-labels.ts';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Lease, Node } from '../../apiserver/api/types.ts';
import { ApiStatusError, isConflict, isNotFound, type RestClient } from '../../apiserver/client/index.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import { readHostInfo } from './host-info.ts';
import { buildNode, conditionsChanged, nodeLabels, nodeStatus, observePressure, type NodeSettings } from './node-object.ts';

const nodes = resourceFor('', 'v1', 'nodes')!;
const leases = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
/** kubelet's nodeLeaseDurationSeconds; the Lease is renewed every quarter of it (NodeLeaseRenewIntervalFraction). */
export const defaultLeaseDurationSeconds = 40;

export interface NodeAgentOptions {
  client: RestClient;
  runtime: ContainerRuntime;
  settings: Omit<NodeSettings, 'containerRuntimeVersion'>;
  rootDir: string;
  logger: Logger;
  leaseDurationSeconds?: number;
  statusUpdateIntervalMs?: number;
  statusReportIntervalMs?: number;
  clock?: () => number;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
// Lease times are MicroTime: six fractional digits.
const microTime = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');

export class NodeAgent {
  private readonly o: NodeAgentOptions;
  private readonly clock: () => number;
  private lastReportMs = 0;
  private nodeUid: string | undefined;
  private runtimeVersion = '';

  constructor(o: NodeAgentOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
  }

  get nodeName(): string {
    return this.o.settings.name;
  }

  /** Registers, then heartbeats until the signal aborts. Errors are logged and retried, never fatal. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.register();
        break;
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message }, 'node registration failed; retrying');
        await sleep(2000, signal);
      }
    }
    const loops = [
      this.every(this.leaseDurationSeconds * 250, () => this.renewLease(), 'lease renewal', signal),
      this.every(this.o.statusUpdateIntervalMs ?? 10_000, () => this.syncStatus(false), 'node status update', signal),
    ];
    await Promise.all(loops);
  }

  /** Creates the Node, or adopts an existing one (a restarted kubelet) and brings its labels and status up to date. */
  async register(): Promise<void> {
    const { settings, client } = this.o;
    const observed = await this.observe();
    const now = this.clock();
    const host = readHostInfo(this.o.rootDir);
    const node = buildNode(this.fullSettings(), host, observed, rfc3339(now));
    try {
      const created = await client.create(nodes, undefined, node);
      this.nodeUid = created.metadata?.uid;
      this.lastReportMs = now;
      this.o.logger.info({ node: settings.name }, 'node registered');
    } catch (err) {
      if (!(err instanceof ApiStatusError && err.reason === 'AlreadyExists')) throw err;
      const existing = await client.get<Node>(nodes, undefined, settings.name);
      this.nodeUid = existing.metadata?.uid;
      // Labels the kubelet owns are reconciled; labels others added (kubectl label) are kept.
      const labels = { ...existing.metadata?.labels, ...nodeLabels(this.fullSettings(), host) };
      if (JSON.stringify(labels) !== JSON.stringify(existing.metadata?.labels)) {
        await client.patch(nodes, undefined, settings.name, { metadata: { labels } }, 'merge');
      }
      await this.syncStatus(true);
      this.o.logger.info({ node: settings.name }, 'node already registered; adopted');
    }
    await this.renewLease();
  }

  /** Writes node status when something changed, or when the report interval has passed, or when forced. */
  async syncStatus(force: boolean): Promise<void> {
    const { client, settings } = this.o;
    const observed = await this.observe();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await client.get<Node>(nodes, undefined, settings.name);
      const now = this.clock();
      const status = nodeStatus(this.fullSettings(), readHostInfo(this.o.rootDir), observed, current.status?.conditions, rfc3339(now));
      const due = force || now - this.lastReportMs >= (this.o.statusReportIntervalMs ?? 5 * 60_000)
        || conditionsChanged(current.status?.conditions, status.conditions ?? [])
        || JSON.stringify(current.status?.allocatable) !== JSON.stringify(status.allocatable);
      if (!due) return;
      try {
        await client.updateStatus(nodes, undefined, { ...current, status });
        this.lastReportMs = now;
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  private get leaseDurationSeconds(): number {
    return this.o.leaseDurationSeconds ?? defaultLeaseDurationSeconds;
  }

  /** Renews (or creates) this node's Lease; its renewTime is the heartbeat. */
  async renewLease(): Promise<void> {
    const { client, settings } = this.o;
    const { leaseDurationSeconds } = this;
    const now = microTime(this.clock());
    try {
      const lease = await client.get<Lease>(leases, leaseNamespace, settings.name);
      await client.update(leases, leaseNamespace, { ...lease, spec: { ...lease.spec, holderIdentity: settings.name, leaseDurationSeconds, renewTime: now } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await client.create<Lease>(leases, leaseNamespace, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: {
          name: settings.name, namespace: leaseNamespace,
          // The Lease goes with its Node, as kubelet sets it up.
          ownerReferences: this.nodeUid ? [{ apiVersion: 'v1', kind: 'Node', name: settings.name, uid: this.nodeUid }] : undefined,
        },
        spec: { holderIdentity: settings.name, leaseDurationSeconds, renewTime: now },
      });
    }
  }

  private async observe() {
    let ready = true;
    let message: string | undefined;
    try {
      const v = await this.o.runtime.runtimeVersion();
      this.runtimeVersion = v.containerRuntimeVersion;
    } catch (err) {
      ready = false;
      message = `container runtime is down: ${(err as Error).message}`;
    }
    return observePressure(readHostInfo(this.o.rootDir), { ready, message });
  }

  private fullSettings(): NodeSettings {
    return { ...this.o.settings, containerRuntimeVersion: this.runtimeVersion };
  }

  private async every(ms: number, fn: () => Promise<void>, what: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(ms, signal);
      if (signal.aborted) return;
      try {
        await fn();
      } catch (err) {
        this.o.logger.warn({ err: (err as Error).message }, `${what} failed; will retry`);
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
