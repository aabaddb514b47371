// The container runtime over the Docker Engine API (dockerode on the local socket). Only I/O lives here: what to ask
// Docker for is decided by the pure modules beside it (docker-create-options, docker-state, docker-stream,
// resolv-conf), and callers see only the ContainerRuntime interface and its errors.
import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable, Writable, pipeline, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import { parseImageReference } from '../../apiserver/api/image-reference.ts';
import { defaultLogger, type Logger } from '../../apiserver/client/logger.ts';
import { containerCreateOptions, defaultLogSettings, sandboxCreateOptions, type LogSettings } from './docker-create-options.ts';
import { statsFromSample, statusFromInspect, summaryFromListing } from './docker-state.ts';
import { MergedFrames, demuxBuffer, readJsonProgress, splitFrames } from './docker-stream.ts';
import { applyOomFloor, capSysResource, hasEffectiveCapability } from './oom-restriction.ts';
import { formatResolvConf } from './resolv-conf.ts';
import { ContainerRuntimeError, ImagePullError } from './runtime.ts';
import type {
  ContainerConfig, ContainerRuntime, ContainerStats, ContainerStatus, ContainerSummary, ExecOptions, ExecResult,
  ExecSession, ImageSummary, ImportOptions, LogOptions, PullProgress, RegistryAuth, RuntimeErrorReason, RuntimeVersion,
  SandboxConfig, SandboxInfo,
} from './runtime.ts';
import { bindExposes } from './socket-guard.ts';

export const defaultDockerSocket = '/var/run/docker.sock';
/** Exec probes and hooks keep at most this much of each stream, as the kubelet caps probe output (10 KiB). */
export const execOutputLimit = 10 * 1024;

export interface DockerRuntimeOptions {
  socketPath?: string;
  logger?: Logger;
  /** Log rotation for every container created. */
  logSettings?: LogSettings;
  /**
   * Never ask for an oom_score_adj below the kubelet's own (containerd's restrict_oom_score_adj). 'auto', the
   * default, restricts when the kubelet lacks CAP_SYS_RESOURCE, without which runc cannot lower the score.
   */
  restrictOomScoreAdj?: boolean | 'auto';
}

interface DockerodeError {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | string | null;
  message?: string;
}

function errorMessage(err: unknown): string {
  const e = err as DockerodeError;
  if (e && typeof e.json === 'object' && e.json && typeof e.json.message === 'string') return e.json.message;
  return err instanceof Error ? err.message : String(err);
}

function statusOf(err: unknown): number | undefined {
  const code = (err as DockerodeError | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE']);

/** Docker's answer as one of our reasons; `notFound` says what a 404 means for this call. */
function translate(err: unknown, what: string, notFound: RuntimeErrorReason = 'NotFound'): ContainerRuntimeError {
  if (err instanceof ContainerRuntimeError) return err;
  const statusCode = statusOf(err);
  const message = `${what}: ${errorMessage(err)}`;
  const code = (err as DockerodeError | undefined)?.code;
  let reason: RuntimeErrorReason = 'Failed';
  if (statusCode === 404) reason = notFound;
  else if (statusCode === 409) reason = 'Conflict';
  else if (statusCode === 400) reason = 'InvalidConfig';
  else if (statusCode === undefined && code !== undefined && unreachableCodes.has(code)) reason = 'Unavailable';
  return new ContainerRuntimeError(reason, message, { statusCode, cause: err });
}

export class DockerRuntime implements ContainerRuntime {
  readonly socketPath: string;
  readonly #docker: Docker;
  readonly #logger: Logger;
  readonly #logSettings: LogSettings;
  readonly #restrictOom: boolean | 'auto';
  #oomFloor: Promise<number | undefined> | undefined;

  constructor(options: DockerRuntimeOptions = {}) {
    this.socketPath = options.socketPath ?? defaultDockerSocket;
    this.#docker = new Docker({ socketPath: this.socketPath });
    this.#logger = (options.logger ?? defaultLogger()).child({ component: 'docker-runtime' });
    this.#logSettings = options.logSettings ?? defaultLogSettings;
    this.#restrictOom = options.restrictOomScoreAdj ?? 'auto';
  }

  /** The lowest oom_score_adj containers get here; undefined when any value the kubelet computes is applied. */
  oomScoreAdjFloor(): Promise<number | undefined> {
    this.#oomFloor ??= (async () => {
      if (this.#restrictOom === false) return undefined;
      if (this.#restrictOom === 'auto' && hasEffectiveCapability(await readFile('/proc/self/status', 'utf8'), capSysResource)) return undefined;
      const floor = Number((await readFile('/proc/self/oom_score_adj', 'utf8')).trim());
      this.#logger.warn({ floor }, 'no CAP_SYS_RESOURCE: oom_score_adj values below the kubelet\'s own are raised to it');
      return floor;
    })();
    return this.#oomFloor;
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.#docker.getImage(ref).inspect();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw translate(err, `inspect image ${ref}`);
    }
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void, auth?: RegistryAuth): Promise<void> {
    this.#logger.info({ image: ref }, 'pulling image');
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.#docker.pull(ref, auth ? { authconfig: auth } : {});
    } catch (err) {
      throw new ImagePullError(ref, `pull ${ref}: ${errorMessage(err)}`, { statusCode: statusOf(err), cause: err });
    }
    try {
      await readJsonProgress(stream, (event) => onProgress?.(progressOf(event)));
    } catch (err) {
      throw new ImagePullError(ref, `pull ${ref}: ${errorMessage(err)}`, { cause: err });
    }
  }

  async importImage(rootfsTar: Readable, ref: string, options: ImportOptions): Promise<void> {
    const parsed = parseImageReference(ref);
    if (!parsed || parsed.digest) throw new ContainerRuntimeError('InvalidConfig', `cannot import as ${JSON.stringify(ref)}: not a name[:tag] reference`);
    try {
      const stream = await this.#docker.importImage(rootfsTar, {
        repo: parsed.repository, tag: parsed.tag || 'latest', changes: options.changes,
      });
      await readJsonProgress(stream);
    } catch (err) {
      throw translate(err, `import image ${ref}`);
    }
  }

  async listImages(): Promise<ImageSummary[]> {
    try {
      const images = await this.#docker.listImages();
      return images.map((i) => ({ id: i.Id, repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), sizeBytes: i.Size }));
    } catch (err) {
      throw translate(err, 'list images');
    }
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    // Checked before anything exists, so a bad resolver setting leaves nothing behind.
    const resolvConf = config.dns ? formatResolvConf(config.dns) : undefined;
    let container: Docker.Container;
    try {
      const resources = applyOomFloor(config.resources, await this.oomScoreAdjFloor());
      container = await this.#docker.createContainer(sandboxCreateOptions({ ...config, resources }, this.#logSettings));
    } catch (err) {
      throw translate(err, `create sandbox ${config.name}`, 'ImageNotFound');
    }
    try {
      await container.start();
      const info = await container.inspect();
      // Docker writes resolv.conf when the sandbox starts; the pod's version replaces it before any app container
      // exists. Docker keeps a hash of what it wrote and leaves a file changed by someone else alone.
      if (resolvConf !== undefined) {
        if (!info.ResolvConfPath) throw new ContainerRuntimeError('Failed', `sandbox ${config.name} has no resolv.conf path`);
        await writeFile(info.ResolvConfPath, resolvConf);
      }
      const ip = config.network.mode === 'network' ? info.NetworkSettings.Networks[config.network.network]?.IPAddress || undefined : undefined;
      this.#logger.debug({ sandbox: config.name, id: container.id, ip }, 'sandbox running');
      return { id: container.id, ip };
    } catch (err) {
      // A sandbox that did not come up is of no use; remove it so the name is free for the next attempt.
      await container.remove({ force: true, v: true }).catch((removeErr: unknown) => {
        this.#logger.warn({ sandbox: config.name, err: errorMessage(removeErr) }, 'could not remove failed sandbox');
      });
      throw translate(err, `start sandbox ${config.name}`);
    }
  }

  async createContainer(config: ContainerConfig): Promise<string> {
    await this.#refuseSocketMounts(config);
    const resources = applyOomFloor(config.resources, await this.oomScoreAdjFloor());
    const options = containerCreateOptions({ ...config, resources }, this.#logSettings);
    try {
      const container = await this.#docker.createContainer(options);
      return container.id;
    } catch (err) {
      const notFound = /no such image/i.test(errorMessage(err)) ? 'ImageNotFound' : 'NotFound';
      throw translate(err, `create container ${config.name}`, notFound);
    }
  }

  async #refuseSocketMounts(config: ContainerConfig): Promise<void> {
    const socket = await realpath(this.socketPath).catch(() => path.resolve(this.socketPath));
    const guarded = [...new Set([socket, path.resolve(this.socketPath)])];
    for (const m of config.mounts) {
      if (m.type !== 'bind') continue;
      const source = await realpath(m.hostPath).catch(() => path.resolve(m.hostPath));
      if (guarded.some((g) => bindExposes(source, g))) {
        throw new ContainerRuntimeError('InvalidConfig',
          `refusing to mount ${m.hostPath} into ${config.name}: it exposes the Docker socket ${this.socketPath}`);
      }
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).start();
    } catch (err) {
      if (statusOf(err) === 304) return; // already running
      throw translate(err, `start container ${id}`);
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    // Docker sends the stop signal, waits `t` seconds, then SIGKILLs and waits for the exit.
    const t = Math.max(0, Math.ceil(graceSeconds));
    try {
      await this.#docker.getContainer(id).stop({ t });
    } catch (err) {
      const status = statusOf(err);
      if (status === 304 || status === 404) return; // already stopped, or gone
      throw translate(err, `stop container ${id}`);
    }
  }

  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: options.force ?? false, v: true });
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(errorMessage(err))) return;
      throw translate(err, `remove container ${id}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerStatus> {
    try {
      return statusFromInspect(await this.#docker.getContainer(id).inspect());
    } catch (err) {
      throw translate(err, `inspect container ${id}`);
    }
  }

  async listContainers(labelFilter: Record<string, string>): Promise<ContainerSummary[]> {
    const label = Object.entries(labelFilter).map(([k, v]) => `${k}=${v}`);
    try {
      const list = await this.#docker.listContainers({ all: true, filters: label.length > 0 ? { label } : {} });
      return list.map(summaryFromListing);
    } catch (err) {
      throw translate(err, 'list containers');
    }
  }

  async containerLogs(id: string, options: LogOptions): Promise<Readable> {
    const container = this.#docker.getContainer(id);
    let tty: boolean;
    try {
      tty = (await container.inspect()).Config.Tty;
    } catch (err) {
      throw translate(err, `logs of ${id}`);
    }
    const query = {
      stdout: options.stdout ?? true,
      stderr: options.stderr ?? true,
      timestamps: options.timestamps ?? false,
      ...(options.tail !== undefined ? { tail: Math.max(0, Math.trunc(options.tail)) } : {}),
      ...(options.since ? { since: (options.since.getTime() / 1000).toFixed(3) } : {}),
    };
    try {
      if (options.follow) {
        const source = await container.logs({ ...query, follow: true });
        // A TTY container's log is plain text; otherwise it is framed and the frames are merged in order.
        if (tty) return Readable.from(source);
        const merged = new MergedFrames();
        // pipeline tears the HTTP stream down when the reader destroys the merged stream (kubectl logs -f ended).
        pipeline(source as NodeJS.ReadableStream & Readable, merged, () => {});
        return merged;
      }
      const buf = await container.logs({ ...query, follow: false });
      const text = tty ? buf : Buffer.concat(demuxBuffer(buf).map((f) => f.payload));
      return Readable.from([text]);
    } catch (err) {
      throw translate(err, `logs of ${id}`);
    }
  }

  async execInContainer(id: string, cmd: string[], options: ExecOptions): Promise<ExecSession> {
    return (await this.#startExec(id, cmd, options)).session;
  }

  async #startExec(id: string, cmd: string[], options: ExecOptions): Promise<{ session: ExecSession; exec: Docker.Exec }> {
    const stdinWanted = options.stdin ?? false;
    const tty = options.tty ?? false;
    let exec: Docker.Exec;
    let socket: Duplex;
    try {
      exec = await this.#docker.getContainer(id).exec({
        Cmd: cmd, AttachStdin: stdinWanted, AttachStdout: true, AttachStderr: true, Tty: tty,
      });
      // Hijacked: the HTTP connection becomes a raw duplex, stdin one way and the (framed) output the other.
      socket = await exec.start({ hijack: true, stdin: stdinWanted, Tty: tty });
    } catch (err) {
      throw translate(err, `exec in ${id}`);
    }
    const ended = new Promise<void>((resolve) => {
      socket.once('end', resolve);
      socket.once('close', resolve);
      socket.once('error', () => resolve());
    });

    let stdout: Readable;
    let stderr: Readable;
    if (tty) {
      const out = new PassThrough();
      socket.pipe(out);
      stdout = out;
      stderr = Readable.from([]);
    } else {
      ({ stdout, stderr } = splitFrames(socket));
    }
    const stdin = stdinWanted
      ? new Writable({
        write(chunk: Buffer, _enc, done) {
          socket.write(chunk, (err?: Error | null) => done(err ?? null));
        },
        // Half-close: Docker sees EOF and closes the process's stdin; the output keeps flowing.
        final(done) {
          socket.end();
          done();
        },
      })
      : undefined;

    const session: ExecSession = {
      stdin,
      stdout,
      stderr,
      resize: async ({ cols, rows }) => {
        if (!tty) return;
        try {
          await exec.resize({ h: rows, w: cols });
        } catch (err) {
          throw translate(err, `resize exec in ${id}`);
        }
      },
      wait: async () => {
        await ended;
        return exitCodeOf(exec);
      },
      close: () => {
        socket.destroy();
      },
    };
    return { session, exec };
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const { session, exec } = await this.#startExec(id, cmd, {});
    const stdout = collect(session.stdout, execOutputLimit);
    const stderr = collect(session.stderr, execOutputLimit);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([session.wait(), timedOut]);
      if (outcome === 'timeout') {
        session.close();
        await this.#killTimedOutExec(exec, id);
        return { exitCode: null, stdout: await stdout, stderr: await stderr, timedOut: true };
      }
      return { exitCode: outcome, stdout: await stdout, stderr: await stderr, timedOut: false };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Docker cannot stop an exec, so a probe command that hangs would stay behind (and pile up, one per period). The
   * kubelet shares the host with the daemon, so it kills the process by its host PID, after checking through
   * /proc that this PID really belongs to the container's cgroup.
   */
  async #killTimedOutExec(exec: Docker.Exec, containerId: string): Promise<void> {
    try {
      const info = await exec.inspect();
      if (!info.Running || !info.Pid) return;
      const cgroups = await readFile(`/proc/${info.Pid}/cgroup`, 'utf8');
      if (!cgroups.includes(info.ContainerID || containerId)) return;
      process.kill(info.Pid, 'SIGKILL');
    } catch (err) {
      this.#logger.debug({ container: containerId, err: errorMessage(err) }, 'could not kill timed-out exec');
    }
  }

  async containerStats(id: string): Promise<ContainerStats> {
    try {
      // one-shot: the daemon answers at once instead of sampling twice a second apart.
      return statsFromSample(await this.#docker.getContainer(id).stats({ stream: false, 'one-shot': true }));
    } catch (err) {
      throw translate(err, `stats of ${id}`);
    }
  }

  async runtimeVersion(): Promise<RuntimeVersion> {
    try {
      const v = await this.#docker.version();
      return {
        runtimeName: 'docker', runtimeVersion: v.Version, apiVersion: v.ApiVersion,
        containerRuntimeVersion: `docker://${v.Version}`,
      };
    } catch (err) {
      throw translate(err, 'docker version');
    }
  }
}

function progressOf(event: Record<string, unknown>): PullProgress {
  const detail = (event.progressDetail ?? {}) as { current?: unknown; total?: unknown };
  const p: PullProgress = { status: typeof event.status === 'string' ? event.status : '' };
  if (typeof event.id === 'string') p.id = event.id;
  if (typeof detail.current === 'number') p.current = detail.current;
  if (typeof detail.total === 'number') p.total = detail.total;
  return p;
}

/** The output ends a moment before Docker records the exit; ask until it has. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (attempt >= 200) throw new ContainerRuntimeError('Failed', `exec ${exec.id} still running after its output ended`);
    await new Promise((r) => setTimeout(r, Math.min(5 * (attempt + 1), 50)));
  }
}

/** Reads a stream to its end, keeping the first `limit` bytes (the rest is drained so the process never blocks). */
async function collect(stream: Readable, limit: number): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (size < limit) kept.push(buf.subarray(0, limit - size));
      size += buf.length;
    }
  } catch {
    // A closed connection (timeout) ends the output early; what arrived is still worth reporting.
  }
  return Buffer.concat(kept).toString('utf8');
}
