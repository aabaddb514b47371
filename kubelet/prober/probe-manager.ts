// Runs the liveness, readiness and startup probes of running containers (kube's prober manager and workers): one
// timer loop per probe per container id, thresholds counted as kube counts them, and a callback whenever a result
// changes so the pod worker re-syncs. Readiness starts false, liveness true; nothing but the startup probe runs
// until the startup probe has succeeded. A failed liveness or startup probe parks its worker until the restarted
// container (a new id) replaces it.
import type { Logger } from 'pino';
import type { Container, Pod, Probe } from '../../apiserver/api/types.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import { runProbe } from './probe-runners.ts';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbedContainer {
  podUid: string;
  namespace: string;
  podName: string;
  containerName: string;
  containerId: string;
  /** When the container started: initialDelaySeconds counts from here. */
  startedAtMs: number;
}

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  logger: Logger;
  onChange: (podUid: string) => void;
  recordEvent: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string) => void;
  clock?: () => number;
}

interface Worker {
  kind: ProbeKind;
  probe: Probe;
  container: Container;
  target: ProbedContainer;
  pod: Pod;
  podIP: string | undefined;
  result: boolean;
  successes: number;
  failures: number;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

const kinds: ProbeKind[] = ['startup', 'liveness', 'readiness'];
const title: Record<ProbeKind, string> = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' };

function probeOf(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === 'liveness' ? c.livenessProbe : kind === 'readiness' ? c.readinessProbe : c.startupProbe;
}

export class ProbeManager {
  private readonly o: ProbeManagerOptions;
  private readonly clock: () => number;
  /** podUid -> "container/id/kind" -> worker */
  private readonly pods = new Map<string, Map<string, Worker>>();

  constructor(o: ProbeManagerOptions) {
    this.o = o;
    this.clock = o.clock ?? Date.now;
  }

  syncPod(pod: Pod, running: ProbedContainer[], podIP: string | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    const workers = this.pods.get(uid) ?? new Map<string, Worker>();
    this.pods.set(uid, workers);
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const wanted = new Set<string>();
    for (const target of running) {
      const container = specs.find((c) => c.name === target.containerName);
      if (!container) continue;
      for (const kind of kinds) {
        const probe = probeOf(container, kind);
        if (!probe) continue;
        const key = `${target.containerName}/${target.containerId}/${kind}`;
        wanted.add(key);
        const existing = workers.get(key);
        if (existing) {
          existing.pod = pod;
          existing.podIP = podIP;
          continue;
        }
        const w: Worker = {
          kind, probe, container, target, pod, podIP, result: kind !== 'readiness' && kind !== 'startup',
          successes: 0, failures: 0, timer: undefined, stopped: false,
        };
        workers.set(key, w);
        const delayMs = Math.max(0, target.startedAtMs + (probe.initialDelaySeconds ?? 0) * 1000 - this.clock());
        this.schedule(w, delayMs);
      }
    }
    for (const [key, w] of workers) {
      if (!wanted.has(key)) {
        this.stopWorker(w);
        workers.delete(key);
      }
    }
  }

  removePod(podUid: string): void {
    for (const w of this.pods.get(podUid)?.values() ?? []) this.stopWorker(w);
    this.pods.delete(podUid);
  }

  isReady(podUid: string, containerName: string, containerId: string): boolean {
    if (!this.isStarted(podUid, containerName, containerId)) return false;
    const w = this.find(podUid, containerName, containerId, 'readiness');
    if (w) return w.result;
    return !this.hasProbe(podUid, containerName, 'readiness');
  }

  isStarted(podUid: string, containerName: string, containerId: string): boolean {
    const w = this.find(podUid, containerName, containerId, 'startup');
    if (w) return w.result;
    return !this.hasProbe(podUid, containerName, 'startup');
  }

  restartReason(podUid: string, containerName: string, containerId: string): string | undefined {
    const startup = this.find(podUid, containerName, containerId, 'startup');
    if (startup && !startup.result && startup.failures >= (startup.probe.failureThreshold ?? 3)) {
      return `Container ${containerName} failed startup probe, will be restarted`;
    }
    const liveness = this.find(podUid, containerName, containerId, 'liveness');
    if (liveness && !liveness.result) return `Container ${containerName} failed liveness probe, will be restarted`;
    return undefined;
  }

  stop(): void {
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  private hasProbe(podUid: string, containerName: string, kind: ProbeKind): boolean {
    for (const w of this.pods.get(podUid)?.values() ?? []) {
      if (w.target.containerName === containerName) return probeOf(w.container, kind) !== undefined;
    }
    return false;
  }

  private find(podUid: string, containerName: string, containerId: string, kind: ProbeKind): Worker | undefined {
    return this.pods.get(podUid)?.get(`${containerName}/${containerId}/${kind}`);
  }

  private schedule(w: Worker, delayMs: number): void {
    if (w.stopped) return;
    w.timer = setTimeout(() => void this.tick(w), delayMs);
    w.timer.unref?.();
  }

  private stopWorker(w: Worker): void {
    w.stopped = true;
    if (w.timer) clearTimeout(w.timer);
  }

  private async tick(w: Worker): Promise<void> {
    const periodMs = (w.probe.periodSeconds ?? 10) * 1000;
    const { podUid, containerName, containerId } = w.target;
    // Liveness and readiness wait for the startup probe.
    if (w.kind !== 'startup' && !this.isStarted(podUid, containerName, containerId)) {
      this.schedule(w, periodMs);
      return;
    }
    const outcome = await runProbe(w.probe, { runtime: this.o.runtime, containerId, container: w.container, podIP: w.podIP });
    if (w.stopped) return;
    const before = w.result;
    if (outcome.ok) {
      w.failures = 0;
      w.successes++;
      if (w.successes >= (w.probe.successThreshold ?? 1)) w.result = true;
    } else {
      w.successes = 0;
      w.failures++;
      this.o.recordEvent(w.pod, 'Warning', 'Unhealthy', `${title[w.kind]} probe failed: ${outcome.output}`, containerName);
      if (w.failures >= (w.probe.failureThreshold ?? 3)) w.result = false;
    }
    const failedForGood = (w.kind === 'liveness' && !w.result) || (w.kind === 'startup' && !w.result && w.failures >= (w.probe.failureThreshold ?? 3));
    if (before !== w.result || failedForGood) this.o.onChange(podUid);
    // A started container needs no more startup probing; a failed liveness/startup waits for the restart.
    if ((w.kind === 'startup' && w.result) || failedForGood) return;
    this.schedule(w, periodMs);
  }
}
