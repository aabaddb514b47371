// The Service proxy in the kubelet (kube-proxy's iptables mode): watches Services and EndpointSlices and keeps the NAT
// rules in step. Changes are coalesced: a sync runs at most every minSyncPeriod and at least every syncPeriod, writes
// only the chains that changed since the last good sync, and after a failure rewrites everything next time.
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import { slicesByService } from '../../apiserver/api/endpoint-slices.ts';
import type { EndpointSlice, Service } from '../../apiserver/api/types.ts';
import { SharedInformerFactory, type Informer, type RestClient } from '../../apiserver/client/index.ts';
import { buildRules, chainsInSave, renderRestore, type ProxyRuleOptions, type RuleSet } from './iptables-rules.ts';
import { ensureHooks, type Iptables } from './iptables.ts';
import { servicePortsFor } from './service-ports.ts';

export interface ProxierOptions extends ProxyRuleOptions {
  client: RestClient;
  iptables: Iptables;
  logger: Logger;
  minSyncPeriodMs?: number;
  syncPeriodMs?: number;
  /** Called before the first sync (the service route); failures are retried with the sync. */
  prepare?: () => Promise<void>;
  /** The kubelet's informers, shared with the DNS and started by the kubelet; without them the proxy runs its own. */
  informers?: SharedInformerFactory;
}

export interface SyncResult {
  durationMs: number;
  servicePorts: number;
  endpoints: number;
  chainsWritten: number;
}

export class Proxier {
  private readonly factory: SharedInformerFactory;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private previous: RuleSet | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastSyncStart = 0;
  private dirty = true;
  private prepared = false;
  /** When the host's chains were last read (iptables-save) and the jumps checked: on the first sync, after a
   * failure, and every syncPeriod; syncs in between trust that what they wrote is what is there. */
  private lastCheckMs = 0;
  private readonly listeners: ((r: SyncResult) => void)[] = [];
  private readonly o: ProxierOptions;

  constructor(o: ProxierOptions) {
    this.o = o;
    this.factory = o.informers ?? new SharedInformerFactory(o.client, { logger: o.logger });
    this.services = this.factory.informerFor<Service>(resourceFor('', 'v1', 'services')!);
    this.slices = this.factory.informerFor<EndpointSlice>(resourceFor('discovery.k8s.io', 'v1', 'endpointslices')!);
    const changed = (): void => this.requestSync();
    for (const inf of [this.services, this.slices] as Informer<Service | EndpointSlice>[]) {
      inf.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
    }
  }

  /** Runs until the signal aborts: the first full sync once both caches are filled, then on every change. */
  async run(signal: AbortSignal): Promise<void> {
    if (!this.o.informers) this.factory.start(signal);
    while (!(this.services.hasSynced() && this.slices.hasSynced()) && !signal.aborted) await new Promise((r) => setTimeout(r, 50));
    this.requestSync();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Tells the caller after each successful sync (benchmarks and tests). */
  onSync(listener: (r: SyncResult) => void): void {
    this.listeners.push(listener);
  }

  private requestSync(): void {
    this.dirty = true;
    if (!(this.services.hasSynced() && this.slices.hasSynced())) return;
    this.schedule(Math.max(0, this.lastSyncStart + (this.o.minSyncPeriodMs ?? 1000) - Date.now()));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.syncLoop(), delayMs);
  }

  private async syncLoop(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        this.dirty = false;
        this.lastSyncStart = Date.now();
        const result = await this.syncOnce();
        for (const l of this.listeners) l(result);
      } catch (err) {
        this.previous = undefined;
        this.dirty = true;
        this.o.logger.error({ err: (err as Error).message }, 'syncing the service proxy rules failed; retrying');
      } finally {
        this.running = undefined;
      }
      // Changes that came in while syncing, or the periodic full check.
      this.schedule(this.dirty ? Math.max(0, this.lastSyncStart + (this.o.minSyncPeriodMs ?? 1000) - Date.now()) : this.o.syncPeriodMs ?? 30_000);
    })();
    await this.running;
  }

  private async saveTables(): Promise<{ filter: string; nat: string }> {
    const [filter, nat] = await Promise.all([this.o.iptables.save('filter'), this.o.iptables.save('nat')]);
    return { filter, nat };
  }

  async syncOnce(): Promise<SyncResult> {
    const started = performance.now();
    if (!this.prepared) {
      await this.o.prepare?.();
      this.prepared = true;
    }
    const slices = slicesByService(this.slices.list());
    const ports = this.services.list().flatMap((s) => servicePortsFor(s, slices.get(`${s.metadata?.namespace}/${s.metadata?.name}`) ?? []));
    const next = buildRules(ports, this.o);
    const check = !this.previous || Date.now() - this.lastCheckMs >= (this.o.syncPeriodMs ?? 30_000);
    const saved = check ? await this.saveTables() : undefined;
    const existing = saved
      ? { filter: chainsInSave(saved.filter, 'filter'), nat: chainsInSave(saved.nat, 'nat') }
      : { filter: [...this.previous!.filter.keys()], nat: [...this.previous!.nat.keys()] };
    const input = renderRestore(next, this.previous, existing, this.o.prefix);
    await this.o.iptables.restore(input);
    if (saved) {
      await ensureHooks(this.o.iptables, this.o.prefix, saved);
      this.lastCheckMs = Date.now();
    }
    this.previous = next;
    const result: SyncResult = {
      durationMs: performance.now() - started,
      servicePorts: ports.length,
      endpoints: ports.reduce((n, p) => n + p.endpoints.length, 0),
      chainsWritten: input.split('\n').filter((l) => l.startsWith(':')).length,
    };
    this.o.logger.debug(result, 'synced service proxy rules');
    return result;
  }
}
