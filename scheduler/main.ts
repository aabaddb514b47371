#!/usr/bin/env node
// skiff-scheduler: places pending pods on nodes. Several may run; the one holding the lease acts.
import { Command } from 'commander';
import pino from 'pino';
import { addComponentFlags, runComponent, type ComponentFlags } from '../apiserver/client/index.ts';
import { Scheduler } from './scheduler.ts';

interface Flags extends ComponentFlags {
  schedulerName: string;
}

const program = addComponentFlags(new Command('skiff-scheduler')
  .description('Skiff scheduler: filters and scores nodes for pending pods and binds them.'), 'kube-scheduler')
  .option('--scheduler-name <name>', 'pods whose spec.schedulerName is this are ours', 'default-scheduler')
  .parse();

const flags = program.opts<Flags>();
const logger = pino({ name: 'skiff-scheduler', level: flags.logLevel });

runComponent({
  name: 'skiff-scheduler',
  flags,
  logger,
  run: ({ client, readClient, signal }) =>
    new Scheduler({ client, readClient, schedulerName: flags.schedulerName, logger }).run(signal),
}).catch((err: unknown) => {
  logger.fatal({ err }, 'skiff-scheduler failed');
  process.exit(1);
});
