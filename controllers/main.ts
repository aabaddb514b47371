#!/usr/bin/env node
// skiff-controller-manager: the reconcile loops that keep the cluster at its desired state, behind leader election
// (several may run; the one holding the lease acts, and a paused ex-leader's writes are refused by fencing).
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import pino from 'pino';
import { parseDuration } from '../apiserver/api/duration.ts';
import { SharedInformerFactory, addComponentFlags, loadKubeconfig, runComponent, type ComponentFlags } from '../apiserver/client/index.ts';
import { controllerFactories } from './all.ts';
import { defaultSettings, runController, type ControllerContext } from './framework/controller.ts';
import { enabledControllers } from './framework/enabled.ts';

interface Flags extends ComponentFlags {
  controllers: string;
  nodeMonitorGracePeriod: string;
  nodeMonitorPeriod: string;
  clusterCidr: string;
  nodeCidrMaskSize: string;
  localPathRoot: string;
  rootCaFile?: string;
}

const program = addComponentFlags(new Command('skiff-controller-manager')
  .description('Skiff controller-manager: workload, node, namespace, garbage-collection and volume controllers.'), 'kube-controller-manager')
  .option('--controllers <list>', `controllers to run, comma-separated; '*' for all, '-name' to leave one out (known: ${Object.keys(controllerFactories).join(', ') || 'none'})`, '*')
  .option('--node-monitor-grace-period <duration>', 'a node whose lease is not renewed this long becomes Ready=Unknown', '50s')
  .option('--node-monitor-period <duration>', 'how often node health is checked', '5s')
  .option('--cluster-cidr <cidr>', 'pod addresses; each node gets a slice of it as spec.podCIDR', defaultSettings.clusterCIDR)
  .option('--node-cidr-mask-size <bits>', 'size of each node\'s pod CIDR', String(defaultSettings.nodeCIDRMaskSize))
  .option('--local-path-root <dir>', 'where the local-path provisioner creates volumes', defaultSettings.localPathRoot)
  .option('--root-ca-file <file>', 'CA published to every namespace as the kube-root-ca.crt ConfigMap (default: the kubeconfig\'s certificate authority)')
  .parse();

const flags = program.opts<Flags>();
const logger = pino({ name: 'skiff-controller-manager', level: flags.logLevel });


runComponent({
  name: 'skiff-controller-manager',
  flags,
  logger,
  run: async ({ client, readClient, signal }) => {
    const informers = new SharedInformerFactory(readClient, { logger });
    const ctx: ControllerContext = {
      client, informers, logger, clock: Date.now,
      settings: {
        nodeMonitorGracePeriodMs: parseDuration(flags.nodeMonitorGracePeriod),
        nodeMonitorPeriodMs: parseDuration(flags.nodeMonitorPeriod),
        clusterCIDR: flags.clusterCidr,
        nodeCIDRMaskSize: Number(flags.nodeCidrMaskSize),
        localPathRoot: flags.localPathRoot,
        rootCA: flags.rootCaFile ? readFileSync(flags.rootCaFile, 'utf8') : loadKubeconfig({ path: flags.kubeconfig }).caData,
      },
    };
    const names = enabledControllers(flags.controllers, Object.keys(controllerFactories));
    const controllers = names.map((name) => controllerFactories[name](ctx));
    informers.start(signal);
    await informers.waitForCacheSync(signal);
    logger.info({ controllers: names }, 'caches synced; controllers running');
    await Promise.all(controllers.map((c) => runController(c, logger, signal)));
    informers.shutDown();
  },
}).catch((err: unknown) => {
  logger.fatal({ err }, 'skiff-controller-manager failed');
  process.exit(1);
});
