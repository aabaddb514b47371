// What every control-plane program (scheduler, controller-manager) does around its work: read the kubeconfig,
// take part in leader election with kube's flags, run the work only while leading with every write fenced, exit
// when leadership is lost (as kube-scheduler and kube-controller-manager do: a restart rejoins cleanly), and stop
// gracefully on SIGTERM.
import { setMaxListeners } from 'node:events';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { parseDuration } from '../api/duration.ts';
import { loadKubeconfig } from './kubeconfig.ts';
import { LeaderElector, defaultIdentity } from './leader-election.ts';
import { RestClient } from './rest.ts';

export interface ComponentFlags {
  kubeconfig?: string;
  leaderElect: boolean;
  leaderElectLeaseDuration: string;
  leaderElectRenewDeadline: string;
  leaderElectRetryPeriod: string;
  leaderElectResourceNamespace: string;
  leaderElectResourceName: string;
  logLevel: string;
}

/** Adds the flags kube's control-plane components share, with their names and defaults. */
export function addComponentFlags(cmd: Command, leaseName: string): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig with the apiserver address and credentials (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--leader-elect [bool]', 'take part in leader election; only the leader acts', parseBool, true)
    .option('--leader-elect-lease-duration <duration>', 'how long a lease lasts without renewal', '15s')
    .option('--leader-elect-renew-deadline <duration>', 'how long the leader tries to renew before giving up', '10s')
    .option('--leader-elect-retry-period <duration>', 'how often to try to acquire or renew', '2s')
    .option('--leader-elect-resource-namespace <ns>', 'namespace of the leader-election Lease', 'kube-system')
    .option('--leader-elect-resource-name <name>', 'name of the leader-election Lease', leaseName)
    .option('--log-level <level>', 'pino log level', 'info');
}

function parseBool(value: string | undefined): boolean {
  return value === undefined || value === 'true' || value === '1';
}

export interface RunContext {
  /** Fenced when leader-elected: a write after leadership is lost is refused by the apiserver. */
  client: RestClient;
  /** The unfenced client, for informers (reads need no fence). */
  readClient: RestClient;
  /** Aborts when the program stops or leadership ends. */
  signal: AbortSignal;
}

export async function runComponent(opts: {
  name: string;
  flags: ComponentFlags;
  logger: Logger;
  run: (ctx: RunContext) => Promise<void>;
}): Promise<void> {
  const { flags, logger } = opts;
  const client = RestClient.fromKubeconfig(loadKubeconfig({ path: flags.kubeconfig }), { logger, userAgent: opts.name });
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown.abort();
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  if (!flags.leaderElect) {
    await opts.run({ client, readClient: client, signal: shutdown.signal });
    return;
  }
  const elector: LeaderElector = new LeaderElector({
    client,
    namespace: flags.leaderElectResourceNamespace,
    name: flags.leaderElectResourceName,
    identity: defaultIdentity(),
    leaseDurationSeconds: parseDuration(flags.leaderElectLeaseDuration) / 1000,
    renewDeadlineSeconds: parseDuration(flags.leaderElectRenewDeadline) / 1000,
    retryPeriodSeconds: parseDuration(flags.leaderElectRetryPeriod) / 1000,
    releaseOnCancel: true,
    logger,
    onNewLeader: (identity) => logger.info({ leader: identity }, 'new leader observed'),
    onStartedLeading: async (leading) => {
      logger.info('became leader; starting');
      const fenced = client.withFence(() => elector.fenceToken());
      const signal = AbortSignal.any([leading, shutdown.signal]);
      // Every controller and informer listens to it.
      setMaxListeners(0, signal);
      await opts.run({ client: fenced, readClient: client, signal });
    },
    onStoppedLeading: () => {
      if (stopping) return;
      logger.fatal('leader election lost; exiting so a restart rejoins the election');
      process.exit(1);
    },
  });
  await elector.run(shutdown.signal);
}
