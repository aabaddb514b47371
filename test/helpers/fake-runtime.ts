// An in-memory ContainerRuntime for unit tests of the kubelet's pod logic. It keeps the real runtime's observable
// rules (names are unique, images must exist, containers go created → running → exited, a running container is
// removed only with force, stop/remove of a missing container is fine, listing filters by labels) — the contract
// test in test/e2e/runtime/contract.test.ts runs the same checks against it and against Docker. Tests drive what
// Docker would do on its own (a process exiting, OOM, output) through the `exit`/`log` controls, and can make
// the next call of any method fail.
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  ContainerRuntimeError, ImagePullError,
  type ContainerConfig, type ContainerRuntime, type ContainerState, type ContainerStats, type ContainerStatus,
  type ContainerSummary, type ExecOptions, type ExecResult, type ExecSession, type ImageSummary, type ImportOptions,
  type LogOptions, type PodNetworkConfig, type PullProgress, type RuntimeVersion, type SandboxConfig, type SandboxInfo,
} from '../../kubelet/runtime/runtime.ts';

export interface FakeContainer {
  id: string;
  name: string;
  kind: 'sandbox' | 'container';
  sandbox?: SandboxConfig;
  container?: ContainerConfig;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  exitCode: number | undefined;
  oomKilled: boolean;
  createdAt: Date;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  ip: string | undefined;
  /** What `stopContainer` makes it exit with: 0 for a process that handles SIGTERM, 137 for one that is killed. */
  stopExitCode: number;
  logs: { at: Date; text: string }[];
}

type MethodName = keyof ContainerRuntime;

export class FakeRuntime implements ContainerRuntime {
  readonly images = new Set<string>();
  readonly containers = new Map<string, FakeContainer>();
  /** Every call, in order: what the pod logic asked for. */
  readonly calls: { method: MethodName; args: unknown[] }[] = [];
  /** Images whose pull fails, with the registry's message. */
  readonly pullFailures = new Map<string, string>();
  /** Answers exec calls; by default every command succeeds silently. */
  execHandler: (container: FakeContainer, cmd: string[]) => ExecResult | Promise<ExecResult> =
    () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: false });
  stats = new Map<string, ContainerStats>();
  #failures = new Map<MethodName, Error[]>();
  #followers = new Map<string, Set<PassThrough>>();
  #nextIp = 2;

  constructor(images: string[] = []) {
    for (const image of images) this.images.add(image);
  }

  /** Makes the next call of `method` reject with `error`. */
  failNext(method: MethodName, error: Error): void {
    const queue = this.#failures.get(method) ?? [];
    queue.push(error);
    this.#failures.set(method, queue);
  }

  /** The container's process exits on its own (crash, completion, OOM kill). */
  exit(id: string, exitCode: number, options: { oomKilled?: boolean } = {}): void {
    const c = this.#get(id);
    if (c.state !== 'running') return;
    c.state = 'exited';
    c.exitCode = exitCode;
    c.oomKilled = options.oomKilled ?? false;
    c.finishedAt = new Date();
    for (const f of this.#followers.get(id) ?? []) f.end();
    this.#followers.delete(id);
  }

  /** The container writes a line of output. */
  log(id: string, text: string): void {
    const c = this.#get(id);
    const line = text.endsWith('\n') ? text : `${text}\n`;
    c.logs.push({ at: new Date(), text: line });
    for (const f of this.#followers.get(id) ?? []) f.write(line);
  }

  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.name === name);
  }

  #record(method: MethodName, args: unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.#failures.get(method)?.shift();
    if (queued) throw queued;
  }

  #get(id: string): FakeContainer {
    const c = this.containers.get(id) ?? [...this.containers.values()].find((x) => x.name === id);
    if (!c) throw new ContainerRuntimeError('NotFound', `No such container: ${id}`, { statusCode: 404 });
    return c;
  }

  #add(name: string, image: string, labels: Record<string, string>, kind: FakeContainer['kind']): FakeContainer {
    if (!this.images.has(image)) throw new ContainerRuntimeError('ImageNotFound', `No such image: ${image}`, { statusCode: 404 });
    if (this.byName(name)) {
      throw new ContainerRuntimeError('Conflict', `The container name "/${name}" is already in use`, { statusCode: 409 });
    }
    const c: FakeContainer = {
      id: randomBytes(32).toString('hex'), name, kind, image, labels: { ...labels }, state: 'created', exitCode: undefined,
      oomKilled: false, createdAt: new Date(), startedAt: undefined, finishedAt: undefined, ip: undefined,
      stopExitCode: 0, logs: [],
    };
    this.containers.set(c.id, c);
    return c;
  }

  async imageExists(ref: string): Promise<boolean> {
    this.#record('imageExists', [ref]);
    return this.images.has(ref);
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void> {
    this.#record('pullImage', [ref]);
    const failure = this.pullFailures.get(ref);
    if (failure !== undefined) throw new ImagePullError(ref, `pull ${ref}: ${failure}`);
    onProgress?.({ status: 'Pull complete' });
    this.images.add(ref);
  }

  async importImage(rootfsTar: Readable, ref: string, options: ImportOptions): Promise<void> {
    this.#record('importImage', [ref, options]);
    rootfsTar.resume();
    this.images.add(ref);
  }

  async listImages(): Promise<ImageSummary[]> {
    this.#record('listImages', []);
    return [...this.images].map((ref) => ({ id: `sha256:${Buffer.from(ref).toString('hex').padEnd(64, '0').slice(0, 64)}`, repoTags: [ref], sizeBytes: 0 }));
  }

  readonly networks = new Map<string, PodNetworkConfig>();

  async ensureNetwork(config: PodNetworkConfig): Promise<void> {
    this.#record('ensureNetwork', [config]);
    const existing = this.networks.get(config.name);
    if (existing && existing.subnet !== config.subnet) {
      throw new ContainerRuntimeError('InvalidConfig', `network ${config.name} exists with subnet ${existing.subnet}`);
    }
    this.networks.set(config.name, config);
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    this.#record('createSandbox', [config]);
    const c = this.#add(config.name, config.image, config.labels, 'sandbox');
    c.sandbox = config;
    c.state = 'running';
    c.startedAt = new Date();
    if (config.network.mode === 'network') c.ip = config.network.ip ?? `10.244.0.${this.#nextIp++}`;
    return { id: c.id, ip: c.ip };
  }

  async createContainer(config: ContainerConfig): Promise<string> {
    this.#record('createContainer', [config]);
    const sandbox = this.containers.get(config.sandboxId);
    if (!sandbox || sandbox.kind !== 'sandbox') {
      throw new ContainerRuntimeError('NotFound', `No such container: ${config.sandboxId}`, { statusCode: 404 });
    }
    const c = this.#add(config.name, config.image, config.labels, 'container');
    c.container = config;
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    this.#record('startContainer', [id]);
    const c = this.#get(id);
    if (c.state === 'running') return;
    c.state = 'running';
    c.startedAt = new Date();
    c.finishedAt = undefined;
    c.exitCode = undefined;
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.#record('stopContainer', [id, graceSeconds]);
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    this.exit(id, c.stopExitCode);
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    this.#record('removeContainer', [id, options]);
    const c = this.containers.get(id);
    if (!c) return;
    if (c.state === 'running' && !options.force) {
      throw new ContainerRuntimeError('Conflict', `You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`, { statusCode: 409 });
    }
    this.exit(id, 137);
    this.containers.delete(id);
  }

  async inspectContainer(id: string): Promise<ContainerStatus> {
    this.#record('inspectContainer', [id]);
    const c = this.#get(id);
    const reason = c.state !== 'exited' ? undefined : c.oomKilled ? 'OOMKilled' : c.exitCode === 0 ? 'Completed' : 'Error';
    return {
      id: c.id, name: c.name, state: c.state, exitCode: c.exitCode, reason, message: undefined, createdAt: c.createdAt,
      startedAt: c.startedAt, finishedAt: c.finishedAt, oomKilled: c.oomKilled, image: c.image,
      imageId: `sha256:${Buffer.from(c.image).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      pid: c.state === 'running' ? 1000 : 0, labels: { ...c.labels }, ip: c.ip,
    };
  }

  async listContainers(labelFilter: Record<string, string>): Promise<ContainerSummary[]> {
    this.#record('listContainers', [labelFilter]);
    return [...this.containers.values()]
      .filter((c) => Object.entries(labelFilter).every(([k, v]) => c.labels[k] === v))
      .map((c) => ({
        id: c.id, name: c.name, state: c.state, image: c.image, imageId: '', createdAt: c.createdAt, labels: { ...c.labels },
      }));
  }

  async containerLogs(id: string, options: LogOptions): Promise<Readable> {
    this.#record('containerLogs', [id, options]);
    const c = this.#get(id);
    let lines = c.logs.filter((l) => !options.since || l.at >= options.since);
    if (options.tail !== undefined) lines = options.tail === 0 ? [] : lines.slice(-options.tail);
    const text = lines.map((l) => (options.timestamps ? `${l.at.toISOString()} ${l.text}` : l.text));
    if (!options.follow || c.state !== 'running') return Readable.from(text.length > 0 ? [text.join('')] : []);
    const out = new PassThrough();
    for (const t of text) out.write(t);
    const followers = this.#followers.get(id) ?? new Set<PassThrough>();
    followers.add(out);
    this.#followers.set(id, followers);
    out.on('close', () => followers.delete(out));
    return out;
  }

  async execInContainer(id: string, cmd: string[], options: ExecOptions): Promise<ExecSession> {
    this.#record('execInContainer', [id, cmd, options]);
    const c = this.#runningOrConflict(id);
    const result = await this.execHandler(c, cmd);
    return {
      stdin: options.stdin ? new PassThrough() : undefined,
      stdout: Readable.from(result.stdout ? [result.stdout] : []),
      stderr: Readable.from(result.stderr ? [result.stderr] : []),
      resize: async () => {},
      wait: async () => result.exitCode ?? 137,
      close: () => {},
    };
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    this.#record('execSync', [id, cmd, timeoutMs]);
    return this.execHandler(this.#runningOrConflict(id), cmd);
  }

  #runningOrConflict(id: string): FakeContainer {
    const c = this.#get(id);
    if (c.state !== 'running') throw new ContainerRuntimeError('Conflict', `Container ${id} is not running`, { statusCode: 409 });
    return c;
  }

  async containerStats(id: string): Promise<ContainerStats> {
    this.#record('containerStats', [id]);
    this.#get(id);
    return this.stats.get(id) ?? { timestamp: new Date(), cpuUsageNanoseconds: 0, memoryWorkingSetBytes: 0 };
  }

  async runtimeVersion(): Promise<RuntimeVersion> {
    this.#record('runtimeVersion', []);
    return { runtimeName: 'fake', runtimeVersion: '1.0.0', apiVersion: '1.41', containerRuntimeVersion: 'fake://1.0.0' };
  }
}
