// Docker's view of a container to Kubernetes' (running / exited / created, exit reason), as dockershim translated
// it. Pure, so the edge cases (a start that failed, Docker's zero timestamps) are unit-tested.
import type Dockerode from 'dockerode';
import type { ContainerState, ContainerStats, ContainerStatus, ContainerSummary } from './runtime.ts';

/** Docker writes "0001-01-01T00:00:00Z" for a time that has not happened. */
export function dockerTime(text: string | undefined): Date | undefined {
  if (!text || text.startsWith('0001-01-01')) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

type InspectState = Pick<Dockerode.ContainerInspectInfo['State'],
  'Running' | 'Paused' | 'Restarting' | 'OOMKilled' | 'ExitCode' | 'Error' | 'StartedAt' | 'FinishedAt' | 'Status'>;

export function stateFromInspect(s: InspectState): {
  state: ContainerState; exitCode: number | undefined; reason: string | undefined; message: string | undefined;
} {
  const message = s.Error ? s.Error : undefined;
  // A paused or restarting container still has its processes: Kubernetes sees it running.
  if (s.Running || s.Paused || s.Restarting) return { state: 'running', exitCode: undefined, reason: undefined, message };
  if (dockerTime(s.FinishedAt)) {
    const reason = s.OOMKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error';
    return { state: 'exited', exitCode: s.ExitCode, reason, message };
  }
  // Never finished yet has an exit code: the start itself failed (bad entrypoint, missing mount source...).
  if (s.ExitCode !== 0) return { state: 'exited', exitCode: s.ExitCode, reason: 'ContainerCannotRun', message };
  if (s.Status === 'created') return { state: 'created', exitCode: undefined, reason: undefined, message };
  return { state: 'unknown', exitCode: undefined, reason: undefined, message };
}

export function statusFromInspect(info: Dockerode.ContainerInspectInfo): ContainerStatus {
  const { state, exitCode, reason, message } = stateFromInspect(info.State);
  const networks = info.NetworkSettings?.Networks ?? {};
  const ip = Object.values(networks).map((n) => n.IPAddress).find((a) => a) || undefined;
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    state,
    exitCode,
    reason,
    message,
    createdAt: dockerTime(info.Created) ?? new Date(0),
    startedAt: dockerTime(info.State.StartedAt),
    finishedAt: dockerTime(info.State.FinishedAt),
    oomKilled: info.State.OOMKilled,
    image: info.Config.Image,
    imageId: info.Image,
    pid: info.State.Pid,
    labels: { ...(info.Config.Labels ?? {}) },
    ip,
  };
}

/** The list endpoint's one-word State (`created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`). */
export function stateFromListing(state: string): ContainerState {
  switch (state) {
    case 'running': case 'paused': case 'restarting': return 'running';
    case 'exited': case 'dead': return 'exited';
    case 'created': return 'created';
    default: return 'unknown';
  }
}

export function summaryFromListing(c: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: c.Id,
    name: (c.Names[0] ?? '').replace(/^\//, ''),
    state: stateFromListing(c.State),
    image: c.Image,
    imageId: c.ImageID,
    createdAt: new Date(c.Created * 1000),
    labels: { ...(c.Labels ?? {}) },
  };
}

interface StatsSample {
  read: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number | undefined> };
}

/**
 * Working set = usage − inactive file pages (cache the kernel can drop at once), which is what cAdvisor reports and
 * what Kubernetes evicts on. cgroup v1 names the counter `total_inactive_file`, v2 `inactive_file`.
 */
export function statsFromSample(s: StatsSample): ContainerStats {
  const usage = s.memory_stats?.usage ?? 0;
  const stats = s.memory_stats?.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return {
    timestamp: dockerTime(s.read) ?? new Date(),
    cpuUsageNanoseconds: s.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
  };
}
