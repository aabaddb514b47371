// One pass of a pod worker (kube's SyncPod and SyncTerminatingPod): look at what runs, decide with
// computePodActions, carry the actions out (sandbox, init containers one by one, app containers with restart
// back-off, kills), and report the status. Every step is idempotent: the next pass looks at the world again.
import type { Logger } from 'pino';
import type { Container, Pod, PodStatus } from '../../apiserver/api/types.ts';
import type { ContainerRuntime, ContainerStatus } from '../runtime/runtime.ts';
import { containerSpecHash } from '../runtime/spec-hash.ts';
import type { ProbeManager } from '../prober/probe-manager.ts';
import { VolumeError, type PodVolumes, type VolumeManager } from '../volumes/volume-manager.ts';
import { Backoff } from './backoff.ts';
import { containerConfig, type ContainerSettings } from './container-config.ts';
import type { DownwardContext } from './downward-api.ts';
import { ContainerConfigError, containerEnv, type EnvObjectSources } from './env.ts';
import { ImageError, type ImageManager, type PodEventSink } from './image-manager.ts';
import { runLifecycleHandler } from './lifecycle-hooks.ts';
import { computePodActions } from './pod-actions.ts';
import { generatePodStatus, type WaitingReason } from './pod-status.ts';
import {
  fallbackLogLines, prepareTerminationMessage, readTerminationMessage, terminationMessageFile,
} from './termination-message.ts';
import { latestContainers, readRuntimePod, runningSandbox, type RuntimePod } from './runtime-pod.ts';
import { sandboxConfig, type SandboxSettings } from './sandbox-config.ts';
import type { StatusManager } from './status-manager.ts';

export interface PodSyncDeps {
  runtime: ContainerRuntime;
  logger: Logger;
  event: PodEventSink;
  volumes: VolumeManager;
  probes: ProbeManager;
  images: ImageManager;
  status: StatusManager;
  envSources: EnvObjectSources;
  sandbox: SandboxSettings;
  container: ContainerSettings;
  nodeIP: string;
  nodeAllocatable: { cpuMilli: number; memoryBytes: number };
  /** Docker-link variables for the Services of a namespace (`<SVC>_SERVICE_HOST`...). */
  serviceEnv: (pod: Pod) => { name: string; value: string }[];
  clock?: () => number;
}

export interface SyncResult {
  /** Sync again after this long even if nothing happens (back-off ending, a retry). */
  requeueAfterMs?: number;
}

const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const defaultGraceSeconds = 30;

export class PodSyncer {
  private readonly d: PodSyncDeps;
  private readonly clock: () => number;
  readonly restartBackoff: Backoff;
  /** Inspections of exited containers, which never change. */
  private readonly inspectCache = new Map<string, ContainerStatus>();
  /** Exited containers' termination messages by container id: read once, like their inspection. */
  private readonly terminationMessages = new Map<string, string | undefined>();
  /** Per pod uid: why containers wait, carried between passes so the status keeps showing it. */
  private readonly waiting = new Map<string, Map<string, WaitingReason>>();
  /** The last FailedMount message per pod, so the event is not repeated every pass. */
  private readonly mountFailures = new Map<string, string>();

  constructor(d: PodSyncDeps) {
    this.d = d;
    this.clock = d.clock ?? Date.now;
    this.restartBackoff = new Backoff(10_000, 300_000, this.clock);
  }

  async readRuntime(pod: Pod): Promise<RuntimePod> {
    const { uid = '', name = '', namespace = 'default' } = pod.metadata ?? {};
    const rp = await readRuntimePod(this.d.runtime, this.d.sandbox.nodeName, uid, name, namespace, this.inspectCache);
    for (const c of rp.containers) {
      if (c.state !== 'exited') continue;
      if (!this.terminationMessages.has(c.id)) {
        const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((x) => x.name === c.name);
        const file = terminationMessageFile(this.d.volumes.podDir(uid), c.name, c.attempt);
        const message = await readTerminationMessage(file, spec?.terminationMessagePolicy, c.exitCode,
          () => this.d.runtime.containerLogs(c.id, { tail: fallbackLogLines })).catch(() => undefined);
        this.terminationMessages.set(c.id, message);
      }
      c.message = this.terminationMessages.get(c.id) ?? c.message;
    }
    return rp;
  }

  private downward(pod: Pod, podIP: string | undefined): DownwardContext {
    return { podIP, hostIP: this.d.nodeIP, nodeAllocatable: this.d.nodeAllocatable };
  }

  private podIP(pod: Pod, rp: RuntimePod): string | undefined {
    if (pod.spec?.hostNetwork) return this.d.nodeIP;
    return runningSandbox(rp)?.ip;
  }

  /** Brings a live pod one step closer to its spec and reports its status. */
  async sync(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata?.uid ?? '';
    const waiting = this.waiting.get(uid) ?? new Map<string, WaitingReason>();
    this.waiting.set(uid, waiting);
    let rp = await this.readRuntime(pod);
    const phase = pod.status?.phase;
    let requeue: number | undefined;

    if (phase === 'Succeeded' || phase === 'Failed') {
      // Finished pods keep their exited containers (for logs) but nothing runs again.
      await this.killRunning(pod, rp, 0, 'pod has finished');
      this.writeStatus(pod, await this.readRuntime(pod), waiting);
      return {};
    }

    let volumes: PodVolumes;
    try {
      volumes = await this.d.volumes.setUp(pod, this.downward(pod, this.podIP(pod, rp)));
      this.mountFailures.delete(uid);
    } catch (err) {
      if (!(err instanceof VolumeError)) throw err;
      if (this.mountFailures.get(uid) !== err.message) {
        this.d.event(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume "${err.volume}" : ${err.message}`);
        this.mountFailures.set(uid, err.message);
      }
      this.writeStatus(pod, rp, waiting);
      return { requeueAfterMs: 5_000 };
    }

    const actions = computePodActions({
      pod, runtime: rp, specHash: containerSpecHash,
      probeRestart: (name, id) => this.d.probes.restartReason(uid, name, id),
    });

    if (actions.killPod) {
      if (actions.createSandbox && rp.sandboxes.length > 0) {
        this.d.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      await this.killRunning(pod, rp, this.graceSeconds(pod), actions.initFailed ? 'init container failed' : 'pod finished');
    }
    for (const k of actions.kill) {
      this.d.event(pod, 'Normal', 'Killing', k.message, k.name);
      await this.stopContainer(pod, k.id, k.name, this.graceSeconds(pod));
    }

    let sandboxId = runningSandbox(rp)?.id;
    if (actions.createSandbox) {
      try {
        const info = await this.d.runtime.createSandbox(sandboxConfig(pod, actions.sandboxAttempt, this.d.sandbox));
        sandboxId = info.id;
      } catch (err) {
        const message = `Failed to create pod sandbox: ${(err as Error).message}`;
        this.d.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
        this.writeStatus(pod, rp, waiting);
        return { requeueAfterMs: 5_000 };
      }
      rp = await this.readRuntime(pod);
    }

    if (sandboxId) {
      const podIP = this.podIP(pod, rp);
      const toStart = actions.nextInit ? [actions.nextInit] : actions.start;
      // Containers start in spec order, each after the previous one's postStart, as the kubelet does.
      for (const c of toStart) {
        const wait = await this.startContainer(pod, c, rp, sandboxId, podIP, volumes, waiting);
        if (wait !== undefined) requeue = Math.min(requeue ?? Infinity, wait);
      }
      if (toStart.length > 0 || actions.kill.length > 0) rp = await this.readRuntime(pod);
    }

    this.syncProbes(pod, rp);
    this.writeStatus(pod, rp, waiting);
    return requeue !== undefined ? { requeueAfterMs: requeue } : {};
  }

  private syncProbes(pod: Pod, rp: RuntimePod): void {
    const uid = pod.metadata?.uid ?? '';
    const running = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) => {
      const current = latestContainers(rp, c.name).current;
      return current?.state === 'running' ? [{
        podUid: uid, namespace: rp.namespace, podName: rp.name, containerName: c.name, containerId: current.id,
        startedAtMs: current.startedAt?.getTime() ?? this.clock(),
      }] : [];
    });
    this.d.probes.syncPod(pod, running, this.podIP(pod, rp));
  }

  /** Starts one container; returns a delay when it must wait (back-off), undefined otherwise. */
  private async startContainer(pod: Pod, c: Container, rp: RuntimePod, sandboxId: string, podIP: string | undefined,
    volumes: PodVolumes, waiting: Map<string, WaitingReason>): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const previous = latestContainers(rp, c.name).current;
    const key = `${uid}/${c.name}`;
    // Back-off counts from the newest exit of this container (kube's doBackOff), which may be older than a
    // running attempt just killed by its liveness probe.
    const lastExited = rp.containers.find((x) => x.name === c.name && x.state === 'exited');
    if (lastExited) {
      const since = lastExited.finishedAt?.getTime() ?? this.clock();
      const remaining = this.restartBackoff.remainingMs(key, since);
      if (remaining > 0) {
        const delay = Math.round(this.restartBackoff.delayMs(key) / 1000);
        const podName = `${pod.metadata?.name}_${pod.metadata?.namespace}(${uid})`;
        waiting.set(c.name, { reason: 'CrashLoopBackOff', message: `back-off ${delay}s restarting failed container=${c.name} pod=${podName}` });
        this.d.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podName}`, c.name);
        return remaining;
      }
      this.restartBackoff.next(key);
    }
    try {
      await this.d.images.ensure(pod, c);
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      waiting.set(c.name, { reason: err.reason, message: err.message });
      return err.reason === 'ErrImageNeverPull' || err.reason === 'InvalidImageName' ? 10_000 : 2_000;
    }
    let env: { name: string; value: string }[];
    try {
      env = (await containerEnv(pod, c, this.d.envSources, this.downward(pod, podIP), this.d.serviceEnv(pod))).env;
    } catch (err) {
      if (!(err instanceof ContainerConfigError)) throw err;
      waiting.set(c.name, { reason: 'CreateContainerConfigError', message: err.message });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${err.message}`, c.name);
      return 5_000;
    }
    const attempt = previous ? previous.attempt + 1 : 0;
    const mounts = this.d.volumes.containerMounts(pod, c, volumes, Object.fromEntries(env.map((e) => [e.name, e.value])));
    await this.d.volumes.prepareSubPaths(mounts);
    const terminationLog = await prepareTerminationMessage(this.d.volumes.podDir(pod.metadata?.uid ?? ''), c, attempt);
    if (terminationLog) mounts.push(terminationLog);
    let id: string;
    try {
      id = await this.d.runtime.createContainer(containerConfig(pod, c, { sandboxId, attempt, env, mounts, settings: this.d.container }));
    } catch (err) {
      const message = (err as Error).message;
      waiting.set(c.name, { reason: 'CreateContainerError', message });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name);
      return 5_000;
    }
    this.d.event(pod, 'Normal', 'Created', `Created container ${c.name}`, c.name);
    try {
      await this.d.runtime.startContainer(id);
    } catch (err) {
      const message = (err as Error).message;
      waiting.set(c.name, { reason: 'RunContainerError', message });
      this.d.event(pod, 'Warning', 'Failed', `Error: ${message}`, c.name);
      return 1_000;
    }
    waiting.delete(c.name);
    this.d.event(pod, 'Normal', 'Started', `Started container ${c.name}`, c.name);
    const postStart = c.lifecycle?.postStart;
    if (postStart) {
      const failure = await runLifecycleHandler(postStart, {
        runtime: this.d.runtime, containerId: id, container: c, podIP, timeoutMs: this.graceSeconds(pod) * 1000,
      });
      if (failure) {
        this.d.event(pod, 'Warning', 'FailedPostStartHook', failure, c.name);
        this.d.event(pod, 'Normal', 'Killing', `FailedPostStartHook`, c.name);
        await this.stopContainer(pod, id, c.name, this.graceSeconds(pod), false);
      }
    }
    return undefined;
  }

  private graceSeconds(pod: Pod): number {
    return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? defaultGraceSeconds;
  }

  /** preStop (within the grace period), then the stop signal, then SIGKILL once the grace period is over. */
  private async stopContainer(pod: Pod, id: string, name: string, graceSeconds: number, runPreStop = true): Promise<void> {
    const started = this.clock();
    const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
    const preStop = spec?.lifecycle?.preStop;
    if (runPreStop && preStop && spec && graceSeconds > 0) {
      const failure = await runLifecycleHandler(preStop, {
        runtime: this.d.runtime, containerId: id, container: spec, podIP: pod.status?.podIP, timeoutMs: graceSeconds * 1000,
      });
      if (failure) this.d.event(pod, 'Warning', 'FailedPreStopHook', failure, name);
    }
    const left = Math.max(0, graceSeconds - (this.clock() - started) / 1000);
    // kube gives at least 2 s after a preStop that used the whole period (minimumGracePeriodInSeconds).
    await this.d.runtime.stopContainer(id, preStop && runPreStop ? Math.max(left, 2) : left);
  }

  /** Stops every running container of the pod in parallel, then its sandbox. */
  async killRunning(pod: Pod, rp: RuntimePod, graceSeconds: number, why: string): Promise<void> {
    const running = rp.containers.filter((c) => c.state === 'running');
    await Promise.all(running.map(async (c) => {
      if (graceSeconds > 0) this.d.event(pod, 'Normal', 'Killing', `Stopping container ${c.name}`, c.name);
      await this.stopContainer(pod, c.id, c.name, graceSeconds);
    }));
    for (const s of rp.sandboxes.filter((s) => s.state === 'running')) await this.d.runtime.stopContainer(s.id, 0);
    if (running.length > 0) this.d.logger.debug({ pod: `${rp.namespace}/${rp.name}`, why }, 'pod containers stopped');
  }

  /** Stops a deleted pod gracefully and writes its final status; the caller then deletes the API object. */
  async terminate(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const rp = await this.readRuntime(pod);
    this.d.probes.removePod(uid);
    await this.killRunning(pod, rp, this.graceSeconds(pod), 'pod deleted');
    const after = await this.readRuntime(pod);
    this.writeStatus(pod, after, new Map(), undefined, true);
    await this.d.status.settle(uid);
  }

  /** Removes everything the pod left: containers, volumes, remembered state. */
  async cleanup(uid: string): Promise<void> {
    const listed = await this.d.runtime.listContainers({ 'io.kubernetes.pod.uid': uid, 'skiff.node': this.d.sandbox.nodeName });
    const apps = listed.filter((c) => c.labels['io.kubernetes.docker.type'] === 'container');
    const sandboxes = listed.filter((c) => c.labels['io.kubernetes.docker.type'] !== 'container');
    for (const c of [...apps, ...sandboxes]) {
      const grace = Number(c.labels['io.kubernetes.pod.terminationGracePeriod'] ?? defaultGraceSeconds);
      if (c.state === 'running') await this.d.runtime.stopContainer(c.id, Number.isFinite(grace) ? grace : defaultGraceSeconds);
      await this.d.runtime.removeContainer(c.id, { force: true });
      this.inspectCache.delete(c.id);
      this.terminationMessages.delete(c.id);
    }
    await this.d.volumes.tearDown(uid);
    this.d.probes.removePod(uid);
    this.d.status.forget(uid);
    this.d.images.forgetPod(uid);
    this.restartBackoff.forgetPrefix(`${uid}/`);
    this.waiting.delete(uid);
    this.mountFailures.delete(uid);
  }

  private writeStatus(pod: Pod, rp: RuntimePod, waiting: Map<string, WaitingReason>, failure?: { reason: string; message: string }, terminal = false): PodStatus {
    const uid = pod.metadata?.uid ?? '';
    const status = generatePodStatus({
      pod, runtime: rp, waiting, failure, terminal,
      isReady: (name, id) => this.d.probes.isReady(uid, name, id),
      isStarted: (name, id) => this.d.probes.isStarted(uid, name, id),
      podIP: this.podIP(pod, rp) ?? pod.status?.podIP,
      hostIP: this.d.nodeIP,
      nowIso: rfc3339(this.clock()),
    });
    this.d.status.set(pod, status);
    return status;
  }
}
