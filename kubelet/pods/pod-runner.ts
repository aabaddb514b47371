// Assembles the kubelet's pod machinery (images, volumes, probes, status, workers, the node's pod watch) and runs
// it until the signal aborts. The kubelet leaves pods running when it stops, as Kubernetes' does: a restarted
// kubelet adopts them by their Docker labels.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Pod, Service } from '../../apiserver/api/types.ts';
import { EventRecorder, Informer, type RestClient } from '../../apiserver/client/index.ts';
import { ProbeManager } from '../prober/probe-manager.ts';
import { defaultPauseImage, ensurePauseImage } from '../runtime/local-images.ts';
import type { ContainerRuntime, PodNetworkConfig } from '../runtime/runtime.ts';
import { restVolumeSources, VolumeManager } from '../volumes/volume-manager.ts';
import { parseResolvConf } from './dns.ts';
import { ImageManager, type PodEventSink } from './image-manager.ts';
import { NodePods } from './node-pods.ts';
import { PodSyncer } from './pod-sync.ts';
import { PodWorkers } from './pod-workers.ts';
import { serviceLinkEnv } from './service-env.ts';
import { StaticPods } from './static-pods.ts';
import { StatusManager } from './status-manager.ts';

export interface PodRunnerOptions {
  client: RestClient;
  runtime: ContainerRuntime;
  logger: Logger;
  nodeName: string;
  nodeIP: string;
  rootDir: string;
  pauseImage: string;
  network: PodNetworkConfig;
  clusterDNS: string[];
  clusterDomain: string;
  resolvConfPath: string;
  /** Static pod manifests (--pod-manifest-path), read every fileCheckFrequencyMs. */
  podManifestPath?: string;
  fileCheckFrequencyMs?: number;
  /** Loop intervals, shortened by tests. */
  relistIntervalMs?: number;
}

export interface PodRunner {
  nodePods: NodePods;
  workers: PodWorkers;
  done: Promise<void>;
}

/** `spec.containers{name}` or `spec.initContainers{name}`: where kube's events point inside a pod. */
function containerFieldPath(pod: Pod, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const init = pod.spec?.initContainers?.some((c) => c.name === name);
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}

/** Runs `fn` now and then every `ms` until the signal aborts; a failure is logged and tried again next time. */
async function everyUntil(ms: number, fn: () => Promise<void>, signal: AbortSignal, logger: Logger): Promise<void> {
  while (!signal.aborted) {
    try {
      await fn();
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'reading static pod manifests failed');
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}

export async function startPodRunner(o: PodRunnerOptions, signal: AbortSignal): Promise<PodRunner> {
  const logger = o.logger.child({ component: 'pods' });
  const recorder = new EventRecorder(o.client, { component: 'kubelet', host: o.nodeName }, { logger });
  const event: PodEventSink = (pod, type, reason, message, container) =>
    recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, type, reason, message, containerFieldPath(pod, container));

  if (o.pauseImage === defaultPauseImage) await ensurePauseImage(o.runtime, o.pauseImage);
  // Containers get variables for the Services that exist when they start; like kube's kubelet, wait for the
  // Service cache before starting any (a few seconds at most, so an apiserver hiccup does not stop the node).
  const services = new Informer<Service>(o.client, { resource: resourceFor('', 'v1', 'services')!, logger });
  services.start(signal);
  const servicesDeadline = Date.now() + 5000;
  while (!services.hasSynced() && Date.now() < servicesDeadline && !signal.aborted) await new Promise((r) => setTimeout(r, 50));
  await o.runtime.ensureNetwork(o.network);

  const hostResolv = (() => {
    try {
      return parseResolvConf(readFileSync(o.resolvConfPath, 'utf8'));
    } catch {
      return { nameservers: [], searches: [], options: [] };
    }
  })();
  const memoryBytes = os.totalmem();
  let workers: PodWorkers | undefined;
  const probes = new ProbeManager({
    runtime: o.runtime, logger, recordEvent: event,
    onChange: (uid) => workers?.poke(uid),
  });
  // Known once the node's pod informer exists (below); only consulted when writing status.
  let staticPods: StaticPods | undefined;
  const volumes = new VolumeManager({ rootDir: o.rootDir, sources: restVolumeSources(o.client), logger });
  const syncer = new PodSyncer({
    runtime: o.runtime, logger, event, volumes, probes,
    images: new ImageManager({ runtime: o.runtime, logger, event }),
    status: new StatusManager({ client: o.client, logger, statusTarget: (uid: string): string | undefined => (staticPods?.isStatic(uid) ? staticPods.mirrorUid(uid) : uid) }),
    envSources: restVolumeSources(o.client),
    sandbox: {
      nodeName: o.nodeName, pauseImage: o.pauseImage, network: o.network.name,
      dns: { clusterDNS: o.clusterDNS, clusterDomain: o.clusterDomain, host: hostResolv },
    },
    container: { nodeName: o.nodeName, nodeMemoryCapacityBytes: memoryBytes },
    nodeIP: o.nodeIP,
    nodeAllocatable: { cpuMilli: os.cpus().length * 1000, memoryBytes },
    serviceEnv: (pod) => serviceLinkEnv(pod, services.list()),
  });
  workers = new PodWorkers({ syncer, client: o.client, logger });
  const nodePods = new NodePods({
    client: o.client, runtime: o.runtime, workers, volumes, nodeName: o.nodeName, logger,
    relistIntervalMs: o.relistIntervalMs,
  });
  staticPods = o.podManifestPath
    ? new StaticPods({
      dir: o.podManifestPath, nodeName: o.nodeName, client: o.client, logger, handlers: workers,
      apiPods: () => nodePods.informer.list(),
    })
    : undefined;
  const done = Promise.all([
    nodePods.run(signal),
    staticPods ? everyUntil(o.fileCheckFrequencyMs ?? 20_000, () => staticPods!.scan(), signal, logger) : undefined,
  ]).then(() => undefined).finally(() => {
    workers!.stop();
    probes.stop();
  });
  return { nodePods, workers, done };
}
