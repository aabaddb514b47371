// skiffctl rollout status: watch a Deployment, DaemonSet or StatefulSet until its rollout is done, printing
// kubectl's progress line for each change it sees (`Waiting for deployment "web" rollout to finish: 1 out of 3 new
// replicas have been updated...`) and the final `successfully rolled out`. --watch=false prints once; --timeout
// gives up with kubectl's error.
import type { Command } from 'commander';
import type { DaemonSet, Deployment, StatefulSet } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { revisionOf } from '../../controllers/deployment-revisions.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { usageError } from '../errors.ts';
import { collectInfos } from '../infos.ts';
import { hasHistory } from '../revisions.ts';
import type { Session } from '../session.ts';
import { parseTimeout, waitForObject, WaitTimeoutError } from '../wait.ts';

interface StatusOptions {
  watch?: boolean;
  revision?: string;
  timeout?: string;
  selector?: string;
  filename?: string[];
  recursive?: boolean;
}

/** One look at the object: the line to print and whether the rollout is done (an error ends the wait). */
export type RolloutStatus = { message: string; done: boolean };

export function deploymentStatus(d: Deployment, revision: number): RolloutStatus {
  const name = d.metadata?.name ?? '';
  if (revision > 0) {
    const current = revisionOf(d);
    if (revision !== current) throw usageError(`desired revision (${revision}) is different from the running revision (${current})`);
  }
  const status = d.status ?? {};
  if ((d.metadata?.generation ?? 0) <= (status.observedGeneration ?? 0)) {
    const progressing = status.conditions?.find((c) => c.type === 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') throw usageError(`deployment "${name}" exceeded its progress deadline`);
    const updated = status.updatedReplicas ?? 0;
    const replicas = d.spec?.replicas;
    if (replicas !== undefined && updated < replicas) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
    }
    if ((status.replicas ?? 0) > updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${(status.replicas ?? 0) - updated} old replicas are pending termination...\n`, done: false };
    }
    if ((status.availableReplicas ?? 0) < updated) {
      return { message: `Waiting for deployment "${name}" rollout to finish: ${status.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`, done: false };
    }
    return { message: `deployment "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
}

export function daemonSetStatus(ds: DaemonSet): RolloutStatus {
  const name = ds.metadata?.name ?? '';
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    throw usageError('rollout status is only available for RollingUpdate strategy type');
  }
  const status = ds.status;
  if ((ds.metadata?.generation ?? 0) <= (status?.observedGeneration ?? 0)) {
    const desired = status?.desiredNumberScheduled ?? 0;
    const updated = status?.updatedNumberScheduled ?? 0;
    if (updated < desired) {
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...\n`, done: false };
    }
    const available = status?.numberAvailable ?? 0;
    if (available < desired) {
      return { message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...\n`, done: false };
    }
    return { message: `daemon set "${name}" successfully rolled out\n`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
}

export function statefulSetStatus(sts: StatefulSet): RolloutStatus {
  const strategy = sts.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    throw usageError('rollout status is only available for RollingUpdate strategy type');
  }
  const status = sts.status;
  if (!status?.observedGeneration || (sts.metadata?.generation ?? 0) > status.observedGeneration) {
    return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
  }
  const replicas = sts.spec?.replicas;
  if (replicas !== undefined && (status.readyReplicas ?? 0) < replicas) {
    return { message: `Waiting for ${replicas - (status.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
  }
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && (status.updatedReplicas ?? 0) < replicas - partition) {
      return { message: `Waiting for partitioned roll out to finish: ${status.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...\n`, done: false };
    }
    return { message: `partitioned roll out complete: ${status.updatedReplicas ?? 0} new pods have been updated...\n`, done: true };
  }
  if (status.updateRevision !== status.currentRevision) {
    return { message: `waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision ?? ''}...\n`, done: false };
  }
  return { message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision ?? ''}...\n`, done: true };
}

export function rolloutStatus(kind: string, obj: ApiObject, revision: number): RolloutStatus {
  switch (kind) {
    case 'Deployment': return deploymentStatus(obj as Deployment, revision);
    case 'DaemonSet': return daemonSetStatus(obj as DaemonSet);
    case 'StatefulSet': return statefulSetStatus(obj as StatefulSet);
    default: throw usageError(`no status viewer has been implemented for ${kind}`);
  }
}

export function register(rollout: Command, run: Runner): void {
  completes(rollout.command('status')
    .summary('Show the status of the rollout')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME (deployments, daemonsets, statefulsets)')
    .option('-w, --watch', 'watch the status until the rollout is done (the default)', true)
    .option('--no-watch', 'print the status once')
    .option('--revision <n>', 'pin to a revision (deployments only)', '0')
    .option('--timeout <duration>', 'how long to wait (0: no limit)', '0s')
    .option('-l, --selector <selector>', 'label selector')
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .action(run<StatusOptions>(status)), 'resources');
}

async function status(session: Session, opts: StatusOptions, args: string[]): Promise<void> {
  const revision = Number(opts.revision ?? 0);
  if (!Number.isInteger(revision) || revision < 0) throw usageError('revision must be a positive integer');
  const timeoutMs = parseTimeout(opts.timeout);
  if (args.length === 0 && !opts.filename?.length) {
    throw usageError('required resource not specified');
  }
  const entries = await collectInfos(session, args, {
    filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, typeMeansAll: true, fetchNamed: true,
  });
  if (entries.length === 0) {
    session.err(`No resources found in ${session.namespace()} namespace.\n`);
    return;
  }
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    if (!hasHistory(info.resource)) throw usageError(`no status viewer has been implemented for ${info.resource.kind}`);
    try {
      await waitForObject(session, info.resource, info.namespace, info.name, (obj) => {
        if (!obj) throw usageError('object has been deleted');
        const { message, done } = rolloutStatus(info.resource.kind, obj, revision);
        session.out(message);
        return done || opts.watch === false;
      }, { timeoutMs, timeoutMessage: 'timed out waiting for the condition' });
    } catch (e) {
      if (e instanceof WaitTimeoutError) throw usageError(e.message);
      throw e;
    }
  }
}
