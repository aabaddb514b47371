// The container runtime as the kubelet's pod logic sees it: one interface, so pod workers can be driven by a fake in
// unit tests and by Docker (docker-runtime.ts) for real. The shapes are Kubernetes' CRI ideas expressed in Docker
// terms: a pod is a sandbox (the pause container that owns the network, IPC and, when asked, PID namespaces) plus app
// containers that join it. Nothing here knows about the API objects; the caller turns a Pod into these configs.
import type { Readable, Writable } from 'node:stream';

/** A port the sandbox publishes on the host (a container's hostPort). */
export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** Host address to bind; all addresses when unset. */
  hostIP?: string;
}

/** The pod's resolver, written as its resolv.conf (dnsPolicy and dnsConfig already applied by the caller). */
export interface DnsConfig {
  nameservers: string[];
  searches: string[];
  /** `ndots:5`, `edns0`, ... */
  options: string[];
}

export type SandboxNetwork =
  /** The node's network namespace (hostNetwork: true). */
  | { mode: 'host' }
  /** A Docker network (a bridge shared by the node's pods), optionally at a fixed address. */
  | { mode: 'network'; network: string; ip?: string };

export interface SandboxConfig {
  /** The Docker container name (naming.ts: `k8s_POD_<pod>_<namespace>_<uid>_<attempt>`). */
  name: string;
  /** The pause image; it must already exist (local-images.ts builds Skiff's). */
  image: string;
  /** Ignored with host networking, where the pod sees the node's hostname as in Kubernetes. */
  hostname: string;
  /** With `hostname`, the pod's FQDN (`<hostname>.<subdomain>.<ns>.svc.<cluster-domain>`). */
  domainname?: string;
  /** Unset keeps Docker's resolver (the node's, for dnsPolicy Default). */
  dns?: DnsConfig;
  portMappings: PortMapping[];
  network: SandboxNetwork;
  /** hostIPC / hostPID: the pod shares the node's namespace instead of its own. */
  hostIpc?: boolean;
  hostPid?: boolean;
  /** hostAliases: extra /etc/hosts entries, shared by every container of the pod. */
  extraHosts?: { ip: string; hostnames: string[] }[];
  /** Namespaced sysctls (`net.ipv4.ip_unprivileged_port_start`, ...), applied to the pod's namespaces. */
  sysctls?: Record<string, string>;
  resources?: ContainerResources;
  labels: Record<string, string>;
}

export interface SandboxInfo {
  id: string;
  /** The pod IP; undefined with host networking, where the pod IP is the node's address (the caller knows it). */
  ip: string | undefined;
}

/** Linux resources, already computed from the pod spec (resources.ts), in the units Docker and the kernel take. */
export interface ContainerResources {
  /** cpu.shares (2..262144). */
  cpuShares?: number;
  /** cpu.cfs_quota_us per period; 0 or unset means no limit. */
  cpuQuota?: number;
  /** cpu.cfs_period_us. */
  cpuPeriod?: number;
  /** memory.limit_in_bytes; 0 or unset means no limit. Swap is held to the same value (no swap use). */
  memoryLimitBytes?: number;
  /** /proc/<pid>/oom_score_adj of the container's processes (-1000..1000). */
  oomScoreAdj?: number;
}

export type Mount =
  /** A host path the caller prepared (emptyDir directory, configMap/secret files, hostPath, ...). */
  | { type: 'bind'; hostPath: string; containerPath: string; readOnly: boolean;
    propagation?: 'private' | 'rprivate' | 'rslave' | 'rshared' }
  /**
   * A tmpfs private to this one container. A memory-backed emptyDir shared by several containers needs a tmpfs
   * mounted on the host and bind-mounted instead.
   */
  | { type: 'tmpfs'; containerPath: string; sizeBytes?: number; readOnly?: boolean };

/** How the container's PID namespace is chosen: its own, the pod's (shareProcessNamespace), or the node's. */
export type PidNamespace = 'container' | 'pod' | 'host';

export interface ContainerConfig {
  /** The Docker container name (naming.ts: `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>`). */
  name: string;
  image: string;
  /** The pod's sandbox: the container joins its network and IPC namespaces (and PID when pidNamespace is 'pod'). */
  sandboxId: string;
  pidNamespace: PidNamespace;
  /** hostIPC: join the node's IPC namespace instead of the sandbox's. */
  hostIpc?: boolean;
  /** Kubernetes `command`: replaces the image's ENTRYPOINT (and, as in Kubernetes, drops its CMD). */
  command?: string[];
  /** Kubernetes `args`: replaces the image's CMD. */
  args?: string[];
  /** In order; `$(VAR)` references already expanded. A later duplicate name wins, as in Kubernetes. */
  env: { name: string; value: string }[];
  workingDir?: string;
  /** runAsUser (uid) or a user name. */
  user?: number | string;
  /** runAsGroup; only valid together with `user`. */
  group?: number;
  /** supplementalGroups (and fsGroup). */
  supplementalGroups?: number[];
  readOnlyRootfs?: boolean;
  privileged?: boolean;
  /** Capability names as Kubernetes writes them (`NET_ADMIN`, `ALL`). */
  capAdd?: string[];
  capDrop?: string[];
  /** allowPrivilegeEscalation: false. */
  noNewPrivileges?: boolean;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  /** The signal `stopContainer` sends first; SIGTERM (or the image's STOPSIGNAL) when unset. */
  stopSignal?: string;
  mounts: Mount[];
  resources?: ContainerResources;
  labels: Record<string, string>;
}

/** Kubernetes' container states: created (never started), running, exited, or unknown (Docker lost track). */
export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  /** Without Docker's leading '/'. */
  name: string;
  state: ContainerState;
  /** Set once the container has exited. */
  exitCode: number | undefined;
  /** Kubernetes' reason for an exited container: Completed, Error, OOMKilled or ContainerCannotRun. */
  reason: string | undefined;
  /** Docker's own error text (a failed start: "exec: \"nope\": executable file not found ..."). */
  message: string | undefined;
  createdAt: Date;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  oomKilled: boolean;
  /** The image as configured (`nginx:1.25`). */
  image: string;
  /** The resolved image (`sha256:...`), what Kubernetes reports as imageID. */
  imageId: string;
  /** Host PID of the container's first process; 0 when not running. */
  pid: number;
  labels: Record<string, string>;
  /** For a sandbox on a Docker network: its address there. */
  ip: string | undefined;
}

export interface ContainerSummary {
  id: string;
  name: string;
  state: ContainerState;
  image: string;
  imageId: string;
  createdAt: Date;
  labels: Record<string, string>;
}

export interface ImageSummary {
  id: string;
  repoTags: string[];
  sizeBytes: number;
}

export interface LogOptions {
  follow?: boolean;
  /** The last N lines only; all when unset. */
  tail?: number;
  /** Lines written at or after this moment only. */
  since?: Date;
  /** Prefix each line with its RFC 3339 nano timestamp, as `kubectl logs --timestamps` does. */
  timestamps?: boolean;
  /** Both default to true. */
  stdout?: boolean;
  stderr?: boolean;
}

export interface ExecOptions {
  stdin?: boolean;
  tty?: boolean;
}

export interface AttachOptions {
  /** Connect the client's input to the container's stdin (only if the container was created with stdin). */
  stdin?: boolean;
}

/** A running exec session: the kubelet pumps these streams to a kubectl exec connection. */
export interface ExecSession {
  /** Present when opened with `stdin`; ending it closes the process's stdin. */
  stdin: Writable | undefined;
  stdout: Readable;
  /**
   * With a TTY the terminal merges both streams into stdout, and this one ends empty. Read both: a stream nobody
   * reads fills up and holds the other one back.
   */
  stderr: Readable;
  /** Resizes the TTY (no effect without one). */
  resize(size: { cols: number; rows: number }): Promise<void>;
  /** Resolves with the exit code once the process has exited and its output has been read. */
  wait(): Promise<number>;
  /** Stops reading and drops the connection (the process keeps running unless it dies of the closed stdin). */
  close(): void;
}

export interface ExecResult {
  /** null when the command timed out. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ContainerStats {
  timestamp: Date;
  /** Total CPU time used since the container started. */
  cpuUsageNanoseconds: number;
  /** Memory usage minus inactive file cache: what Kubernetes reports and evicts on. */
  memoryWorkingSetBytes: number;
}

export interface RuntimeVersion {
  /** `docker` */
  runtimeName: string;
  /** `20.10.24+dfsg1` */
  runtimeVersion: string;
  /** The API version in use (`1.41`). */
  apiVersion: string;
  /** For Node.status.nodeInfo.containerRuntimeVersion: `docker://20.10.24+dfsg1`. */
  containerRuntimeVersion: string;
}

export interface PullProgress {
  /** `Pulling fs layer`, `Downloading`, `Pull complete`, ... */
  status: string;
  /** The layer the event is about, when any. */
  id?: string;
  current?: number;
  total?: number;
}

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface ImportOptions {
  /** Dockerfile instructions applied to the imported root fs: `ENV PATH=/bin`, `ENTRYPOINT [...]`, `CMD [...]`. */
  changes: string[];
}

/** The bridge network pods attach to (one per host, shared by the kubelets running there). */
export interface PodNetworkConfig {
  name: string;
  /** The bridge's subnet; sandboxes get fixed addresses inside it. */
  subnet: string;
  /** The Linux bridge device name (at most 15 characters). */
  bridgeName: string;
}

export interface ContainerRuntime {
  /** Creates the pod network when missing; an existing one with another subnet is an InvalidConfig error. */
  ensureNetwork(config: PodNetworkConfig): Promise<void>;
  /** Whether the image is present locally; the caller applies imagePullPolicy. */
  imageExists(ref: string): Promise<boolean>;
  /** Pulls from the image's registry; rejects with ImagePullError (the pod shows ErrImagePull). */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void>;
  /** Creates an image from a root filesystem tar stream (how Skiff builds images without a registry). */
  importImage(rootfsTar: Readable, ref: string, options: ImportOptions): Promise<void>;
  listImages(): Promise<ImageSummary[]>;

  /**
   * Creates and starts the pause container, writes its resolv.conf, and reports its IP. A sandbox that fails to
   * start is removed again, so its name is free for the next attempt.
   */
  createSandbox(config: SandboxConfig): Promise<SandboxInfo>;
  /** Creates (does not start) an app container in a sandbox; a taken name rejects with reason Conflict. */
  createContainer(config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Sends the stop signal, then SIGKILL once `graceSeconds` have passed; a stopped or missing container is fine. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container; a running one only with `force` (else Conflict). A missing one is fine. */
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
  /** Rejects with reason NotFound for an unknown id. */
  inspectContainer(id: string): Promise<ContainerStatus>;
  /** Every container, exited ones included, carrying all the given labels (`{}` lists everything). */
  listContainers(labelFilter: Record<string, string>): Promise<ContainerSummary[]>;

  /**
   * The container's output as one text stream: stdout and stderr interleaved in the order the runtime received
   * them (lines written to both streams at the same instant may swap, as with `docker logs`).
   */
  containerLogs(id: string, options: LogOptions): Promise<Readable>;
  execInContainer(id: string, cmd: string[], options: ExecOptions): Promise<ExecSession>;
  /**
   * Connects to a running container's own stdin and output (kubectl attach); `wait` resolves when the container
   * exits or the connection ends. Optional: a runtime without it answers attach requests with an error.
   */
  attachContainer?(id: string, options: AttachOptions): Promise<ExecSession>;
  /** Runs a command to completion (exec probes, lifecycle hooks); output is capped at 10 KiB per stream. */
  execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  containerStats(id: string): Promise<ContainerStats>;
  runtimeVersion(): Promise<RuntimeVersion>;
}

/**
 * Why a runtime call failed, for callers that act on it: NotFound (container gone), ImageNotFound (create with a
 * missing image), Conflict (name taken), InvalidConfig (the daemon or we rejected the settings), ImagePull,
 * Unavailable (daemon unreachable), Failed (anything else).
 */
export type RuntimeErrorReason =
  | 'NotFound' | 'ImageNotFound' | 'Conflict' | 'InvalidConfig' | 'ImagePull' | 'Unavailable' | 'Failed';

export class ContainerRuntimeError extends Error {
  readonly reason: RuntimeErrorReason;
  /** The daemon's HTTP status, when it answered. */
  readonly statusCode: number | undefined;

  constructor(reason: RuntimeErrorReason, message: string, options: { statusCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ContainerRuntimeError';
    this.reason = reason;
    this.statusCode = options.statusCode;
  }
}

/** A failed pull, kept distinct so the pod worker can report ErrImagePull and back off. */
export class ImagePullError extends ContainerRuntimeError {
  readonly image: string;

  constructor(image: string, message: string, options: { statusCode?: number; cause?: unknown } = {}) {
    super('ImagePull', message, options);
    this.name = 'ImagePullError';
    this.image = image;
  }
}

export function isRuntimeError(err: unknown, reason?: RuntimeErrorReason): err is ContainerRuntimeError {
  return err instanceof ContainerRuntimeError && (reason === undefined || err.reason === reason);
}
