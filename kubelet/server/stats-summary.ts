// GET /stats/summary in the shape of kube's stats/v1alpha1 Summary (what metrics-server scrapes and `kubectl top`
// ends up showing): node CPU and memory from /proc, each running pod's containers from the runtime's stats.
// Cumulative CPU (usageCoreNanoSeconds) is always given; the rate (usageNanoCores) once a previous sample exists.
// The kubelet samples on a timer (startSummarySampler), as kube's cAdvisor housekeeping does, and serves the latest
// sample: the rate is then always measured over one sampling interval, from the first request after the second.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { kubeletSamplingIntervalMs } from '../../apiserver/api/metrics-types.ts';
import { labels, nodeFilter, parseLabels } from '../runtime/naming.ts';
import type { ContainerRuntime, ContainerStats as RuntimeStats, ContainerSummary } from '../runtime/runtime.ts';

export interface CPUStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds: number }
export interface MemoryStats { time: string; workingSetBytes: number; usageBytes?: number; availableBytes?: number }
export interface ContainerStatsSummary { name: string; startTime: string; cpu: CPUStats; memory: MemoryStats }
export interface PodStats {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStatsSummary[];
  cpu: CPUStats;
  memory: MemoryStats;
}
export interface NodeStats { nodeName: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats }
export interface Summary { node: NodeStats; pods: PodStats[] }

/** The previous cumulative CPU sample per key, to turn the counter into a rate. */
export type CpuSamples = Map<string, { ns: number; at: number }>;

export function cpuStats(samples: CpuSamples, key: string, usageNs: number, at: Date): CPUStats {
  const out: CPUStats = { time: at.toISOString(), usageCoreNanoSeconds: usageNs };
  const prev = samples.get(key);
  const elapsedNs = prev ? (at.getTime() - prev.at) * 1e6 : 0;
  if (prev && elapsedNs > 0 && usageNs >= prev.ns) out.usageNanoCores = Math.round((usageNs - prev.ns) / elapsedNs * 1e9);
  samples.set(key, { ns: usageNs, at: at.getTime() });
  return out;
}

/** Groups running app containers by pod and sums their usage; pods whose stats all failed are left out. */
export function podStatsFrom(
  listed: ContainerSummary[], stats: Map<string, RuntimeStats>, samples: CpuSamples, nodeName: string,
): PodStats[] {
  const pods = new Map<string, PodStats>();
  for (const c of listed) {
    const identity = parseLabels(c.labels);
    const s = stats.get(c.id);
    if (!identity || identity.type !== 'container' || identity.nodeName !== nodeName || c.state !== 'running' || !s) continue;
    const uid = identity.pod.uid;
    let pod = pods.get(uid);
    if (!pod) {
      pod = {
        podRef: { ...identity.pod }, startTime: c.createdAt.toISOString(), containers: [],
        cpu: { time: s.timestamp.toISOString(), usageCoreNanoSeconds: 0 },
        memory: { time: s.timestamp.toISOString(), workingSetBytes: 0 },
      };
      pods.set(uid, pod);
    }
    if (c.createdAt.toISOString() < pod.startTime) pod.startTime = c.createdAt.toISOString();
    pod.containers.push({
      name: identity.containerName, startTime: c.createdAt.toISOString(),
      cpu: cpuStats(samples, c.id, s.cpuUsageNanoseconds, s.timestamp),
      memory: { time: s.timestamp.toISOString(), workingSetBytes: s.memoryWorkingSetBytes },
    });
  }
  for (const pod of pods.values()) {
    pod.containers.sort((a, b) => a.name.localeCompare(b.name));
    const cpu = pod.containers.reduce((sum, c) => sum + c.cpu.usageCoreNanoSeconds, 0);
    const rates = pod.containers.map((c) => c.cpu.usageNanoCores);
    pod.cpu = { time: pod.containers[0].cpu.time, usageCoreNanoSeconds: cpu };
    if (rates.every((r) => r !== undefined)) pod.cpu.usageNanoCores = rates.reduce((a, b) => a + b, 0);
    pod.memory.workingSetBytes = pod.containers.reduce((sum, c) => sum + c.memory.workingSetBytes, 0);
  }
  return [...pods.values()].sort((a, b) => `${a.podRef.namespace}/${a.podRef.name}`.localeCompare(`${b.podRef.namespace}/${b.podRef.name}`));
}

/** Host CPU time used (everything but idle and iowait) from /proc/stat's first line, and the boot time. */
export function parseProcStat(text: string, userHz = 100): { usageNs: number; bootTime: Date } | undefined {
  const cpu = /^cpu\s+(.*)$/m.exec(text);
  const btime = /^btime\s+(\d+)$/m.exec(text);
  if (!cpu || !btime) return undefined;
  const ticks = cpu[1].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq = 0, softirq = 0, steal = 0] = ticks;
  const busy = user + nice + system + irq + softirq + steal;
  return { usageNs: busy * (1e9 / userHz), bootTime: new Date(Number(btime[1]) * 1000) };
}

/** Host memory from /proc/meminfo: working set is what is not available for new allocations. */
export function parseMeminfo(text: string): { totalBytes: number; availableBytes: number; freeBytes: number } | undefined {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  const free = kb('MemFree');
  if (total === undefined || available === undefined || free === undefined) return undefined;
  return { totalBytes: total, availableBytes: available, freeBytes: free };
}

/** A summary source for one node; it keeps the CPU samples between calls. */
export function runtimeSummaryProvider(runtime: ContainerRuntime, nodeName: string): () => Promise<Summary> {
  const samples: CpuSamples = new Map();
  return async () => {
    const listed = (await runtime.listContainers(nodeFilter(nodeName)))
      .filter((c) => c.state === 'running' && c.labels[labels.type] === 'container');
    const stats = new Map<string, RuntimeStats>();
    await Promise.all(listed.map(async (c) => {
      // A container that stops between list and stats is simply not in this sample.
      const s = await runtime.containerStats(c.id).catch(() => undefined);
      if (s) stats.set(c.id, s);
    }));
    const now = new Date();
    const [procStat, meminfo] = await Promise.all([
      readFile('/proc/stat', 'utf8').then(parseProcStat, () => undefined),
      readFile('/proc/meminfo', 'utf8').then(parseMeminfo, () => undefined),
    ]);
    const node: NodeStats = { nodeName, startTime: (procStat?.bootTime ?? now).toISOString() };
    if (procStat) node.cpu = cpuStats(samples, '', procStat.usageNs, now);
    if (meminfo) {
      node.memory = {
        time: now.toISOString(), availableBytes: meminfo.availableBytes,
        usageBytes: meminfo.totalBytes - meminfo.freeBytes, workingSetBytes: meminfo.totalBytes - meminfo.availableBytes,
      };
    }
    const pods = podStatsFrom(listed, stats, samples, nodeName);
    // Samples of containers that are gone would otherwise accumulate forever.
    for (const key of samples.keys()) if (key !== '' && !stats.has(key)) samples.delete(key);
    return { node, pods };
  };
}

export interface SummarySampler {
  /** The latest sample; before the first one is taken, that first one. */
  latest(): Promise<Summary>;
  stop(): void;
}

/**
 * Takes a sample now and then every `intervalMs` (a sample still running when the next is due is not doubled up).
 * A failed sample is logged and the previous one kept.
 */
export function startSummarySampler(
  sample: () => Promise<Summary>, opts: { logger: Logger; intervalMs?: number },
): SummarySampler {
  let latest: Summary | undefined;
  let running: Promise<Summary> | undefined;
  const take = (): Promise<Summary> => {
    running ??= sample().then((s) => {
      latest = s;
      return s;
    }).finally(() => { running = undefined; });
    return running;
  };
  const first = take();
  first.catch((err: Error) => opts.logger.warn({ err: err.message }, 'first stats sample failed'));
  const timer = setInterval(() => {
    if (running) return;
    take().catch((err: Error) => opts.logger.warn({ err: err.message }, 'stats sample failed; keeping the previous one'));
  }, opts.intervalMs ?? kubeletSamplingIntervalMs);
  return {
    latest: async () => latest ?? (running ?? take()),
    stop: () => clearInterval(timer),
  };
}
