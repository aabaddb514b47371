// The shape every controller has (style.md §1-2): informers feed a work queue with keys; workers call a
// level-triggered reconcile(key) that reads the world from the informer caches, decides with a pure function,
// and writes through the (fenced) client. A missed or repeated event is harmless because reconcile looks again.
import type { Logger } from 'pino';
import {
  EventRecorder, WorkQueue, runWorkers, type RestClient, type SharedInformerFactory,
} from '../../apiserver/client/index.ts';

export interface ControllerContext {
  /** Writes go through this client: fenced by the controller-manager's lease. */
  client: RestClient;
  /** One shared informer per resource for the whole process. */
  informers: SharedInformerFactory;
  logger: Logger;
  /** The controller-manager's clock, injectable for tests of time-driven controllers. */
  clock: () => number;
  /** Settings from flags (grace periods, CIDRs...), by name. */
  settings: ControllerSettings;
}

export interface ControllerSettings {
  /** --node-monitor-grace-period: a node whose lease is not renewed this long becomes Unknown. */
  nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period: how often node health is checked. */
  nodeMonitorPeriodMs: number;
  /** --cluster-cidr and --node-cidr-mask-size: where node pod CIDRs come from. */
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  /** Where the local-path provisioner creates volumes. */
  localPathRoot: string;
  /** --root-ca-file (or the kubeconfig's CA): what root-ca-cert-publisher puts in every namespace. */
  rootCA?: string;
}

export const defaultSettings: ControllerSettings = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  localPathRoot: '/var/lib/skiff/local-path',
};

export interface Controller {
  /** As kube names them: `replicaset-controller`, `deployment-controller`... (also the event source). */
  name: string;
  queue: WorkQueue<string>;
  workers: number;
  reconcile(key: string): Promise<void>;
  /** Optional periodic work (node health checks, cron schedules). */
  tick?: { everyMs: number; run(): void | Promise<void> };
}

/** Builds the pieces every controller needs: its queue and its event recorder. */
export function controllerBasics(ctx: ControllerContext, name: string): { queue: WorkQueue<string>; recorder: EventRecorder; logger: Logger } {
  return {
    queue: new WorkQueue<string>(),
    recorder: new EventRecorder(ctx.client, { component: name }, { logger: ctx.logger }),
    logger: ctx.logger.child({ controller: name }),
  };
}

/** Runs a controller's workers (and its tick) until the signal aborts. */
export async function runController(ctrl: Controller, logger: Logger, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  if (ctrl.tick) {
    const { everyMs, run } = ctrl.tick;
    const loop = async (): Promise<void> => {
      if (signal.aborted) return;
      try {
        await run();
      } catch (err) {
        logger.error({ controller: ctrl.name, err: (err as Error).message }, 'periodic work failed');
      }
      timer = setTimeout(() => void loop(), everyMs);
    };
    timer = setTimeout(() => void loop(), everyMs);
  }
  try {
    await runWorkers(ctrl.queue, ctrl.workers, (key) => ctrl.reconcile(key), { logger: logger.child({ controller: ctrl.name }), signal });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
