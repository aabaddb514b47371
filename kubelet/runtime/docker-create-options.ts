// Runtime configs to Docker Engine create requests. Pure, so every flag the kubelet depends on is unit-tested
// without a daemon. Values travel as JSON fields of the Engine API (never through a shell or a `host:ctr:ro` bind
// string), so no pod-controlled text can change the meaning of a request.
import type Dockerode from 'dockerode';
import { ContainerRuntimeError } from './runtime.ts';
import type { ContainerConfig, ContainerResources, Mount, PortMapping, SandboxConfig } from './runtime.ts';

export interface LogSettings {
  /** json-file rotation, as the kubelet's containerLogMaxSize / containerLogMaxFiles: 10Mi and 5 by default. */
  maxSize: string;
  maxFiles: number;
}

export const defaultLogSettings: LogSettings = { maxSize: '10m', maxFiles: 5 };

function logConfig(log: LogSettings): NonNullable<Dockerode.HostConfig['LogConfig']> {
  return { Type: 'json-file', Config: { 'max-size': log.maxSize, 'max-file': String(log.maxFiles) } };
}

function resourceFields(r: ContainerResources | undefined): Partial<Dockerode.HostConfig> {
  if (!r) return {};
  const out: Partial<Dockerode.HostConfig> = {};
  if (r.cpuShares !== undefined) out.CpuShares = r.cpuShares;
  if (r.cpuQuota !== undefined && r.cpuQuota > 0) out.CpuQuota = r.cpuQuota;
  if (r.cpuPeriod !== undefined) out.CpuPeriod = r.cpuPeriod;
  if (r.memoryLimitBytes !== undefined && r.memoryLimitBytes > 0) {
    out.Memory = r.memoryLimitBytes;
    // Swap held to the memory limit: the container gets no swap, as dockershim set it.
    out.MemorySwap = r.memoryLimitBytes;
  }
  if (r.oomScoreAdj !== undefined) out.OomScoreAdj = r.oomScoreAdj;
  return out;
}

function portKey(p: PortMapping): string {
  return `${p.containerPort}/${p.protocol.toLowerCase()}`;
}

function portFields(ports: PortMapping[]): {
  ExposedPorts?: Record<string, Record<string, never>>;
  PortBindings?: Record<string, { HostIp: string; HostPort: string }[]>;
} {
  if (ports.length === 0) return {};
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const key = portKey(p);
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) });
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}

export function sandboxCreateOptions(c: SandboxConfig, log: LogSettings = defaultLogSettings): Dockerode.ContainerCreateOptions {
  const hostNetwork = c.network.mode === 'host';
  const hostConfig: Dockerode.HostConfig = {
    NetworkMode: c.network.mode === 'host' ? 'host' : c.network.network,
    // Shareable so app containers can join it with `container:<id>` (Docker's default IPC mode is private).
    IpcMode: c.hostIpc ? 'host' : 'shareable',
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    LogConfig: logConfig(log),
    ...resourceFields(c.resources),
  };
  if (c.hostPid) hostConfig.PidMode = 'host';
  // A hostNetwork pod sees the node's hostname, as in Kubernetes.
  if (hostNetwork) hostConfig.UTSMode = 'host';
  if (c.extraHosts && c.extraHosts.length > 0) {
    hostConfig.ExtraHosts = c.extraHosts.flatMap((h) => h.hostnames.map((name) => `${name}:${h.ip}`));
  }
  if (c.sysctls && Object.keys(c.sysctls).length > 0) hostConfig.Sysctls = { ...c.sysctls };
  const ports = hostNetwork ? {} : portFields(c.portMappings);
  if (ports.PortBindings) hostConfig.PortBindings = ports.PortBindings;

  const options: Dockerode.ContainerCreateOptions = {
    name: c.name,
    Image: c.image,
    Labels: { ...c.labels },
    HostConfig: hostConfig,
  };
  if (!hostNetwork) {
    options.Hostname = c.hostname;
    if (c.domainname) options.Domainname = c.domainname;
  }
  if (ports.ExposedPorts) options.ExposedPorts = ports.ExposedPorts;
  if (c.network.mode === 'network' && c.network.ip) {
    options.NetworkingConfig = {
      EndpointsConfig: { [c.network.network]: { IPAMConfig: { IPv4Address: c.network.ip } } },
    };
  }
  return options;
}

/** Docker `User`: `uid`, `uid:gid`, `name` or `name:gid`. A group alone cannot be expressed (dockershim refuses it too). */
export function dockerUser(user: number | string | undefined, group: number | undefined): string | undefined {
  if (user === undefined) {
    if (group !== undefined) throw new ContainerRuntimeError('InvalidConfig', 'runAsGroup is specified without a runAsUser');
    return undefined;
  }
  return group === undefined ? String(user) : `${user}:${group}`;
}

/** `NAME=value` in first-seen order; a repeated name keeps its last value, as Kubernetes resolves duplicates. */
export function dockerEnv(env: { name: string; value: string }[]): string[] {
  const merged = new Map<string, string>();
  for (const e of env) merged.set(e.name, e.value);
  return [...merged].map(([name, value]) => `${name}=${value}`);
}

function dockerMount(m: Mount): Dockerode.MountSettings {
  if (m.type === 'bind') {
    const mount: Dockerode.MountSettings = { Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly };
    if (m.propagation) mount.BindOptions = { Propagation: m.propagation };
    return mount;
  }
  const mount: Dockerode.MountSettings = { Type: 'tmpfs', Source: '', Target: m.containerPath, ReadOnly: m.readOnly ?? false };
  // Mode 1777 is what Docker uses for a tmpfs by default; given explicitly because the API takes both fields together.
  if (m.sizeBytes !== undefined) mount.TmpfsOptions = { SizeBytes: m.sizeBytes, Mode: 0o1777 };
  return mount;
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? [...list] : undefined;
}

export function containerCreateOptions(c: ContainerConfig, log: LogSettings = defaultLogSettings): Dockerode.ContainerCreateOptions {
  const sandbox = `container:${c.sandboxId}`;
  const hostConfig: Dockerode.HostConfig = {
    // Joining the sandbox's network namespace also makes Docker give the container the sandbox's hostname,
    // /etc/hosts and resolv.conf. Docker has no `container:` UTS mode; the copied hostname is how the pod's
    // containers share one, exactly as under dockershim.
    NetworkMode: sandbox,
    IpcMode: c.hostIpc ? 'host' : sandbox,
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    LogConfig: logConfig(log),
    Privileged: c.privileged ?? false,
    ReadonlyRootfs: c.readOnlyRootfs ?? false,
    Mounts: c.mounts.map(dockerMount),
    ...resourceFields(c.resources),
  };
  if (c.pidNamespace === 'pod') hostConfig.PidMode = sandbox;
  else if (c.pidNamespace === 'host') hostConfig.PidMode = 'host';
  const capAdd = nonEmpty(c.capAdd);
  const capDrop = nonEmpty(c.capDrop);
  if (capAdd) hostConfig.CapAdd = capAdd;
  if (capDrop) hostConfig.CapDrop = capDrop;
  if (c.noNewPrivileges) hostConfig.SecurityOpt = ['no-new-privileges'];
  if (c.supplementalGroups && c.supplementalGroups.length > 0) hostConfig.GroupAdd = c.supplementalGroups.map(String);

  const options: Dockerode.ContainerCreateOptions = {
    name: c.name,
    Image: c.image,
    Env: dockerEnv(c.env),
    Labels: { ...c.labels },
    Tty: c.tty ?? false,
    OpenStdin: c.stdin ?? false,
    StdinOnce: c.stdinOnce ?? false,
    HostConfig: hostConfig,
  };
  // Setting Entrypoint makes Docker ignore the image's CMD too, which is Kubernetes' rule for `command` without
  // `args`; `args` alone keeps the image's ENTRYPOINT.
  const command = nonEmpty(c.command);
  const args = nonEmpty(c.args);
  if (command) options.Entrypoint = command;
  if (args) options.Cmd = args;
  if (c.workingDir) options.WorkingDir = c.workingDir;
  const user = dockerUser(c.user, c.group);
  if (user !== undefined) options.User = user;
  if (c.stopSignal) options.StopSignal = c.stopSignal;
  return options;
}
