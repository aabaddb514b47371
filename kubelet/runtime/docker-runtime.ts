// The container runtime over the Docker Engine API (dockerode on the local socket). Only I/O lives here: what to ask
// Docker for is decided by the pure modules beside it (docker-create-options, docker-state, docker-stream,
// resolv-conf), exec has its own file (docker-exec), and callers see only the ContainerRuntime interface and its
// errors (docker-errors).
import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import Docker from 'dockerode';
import { parseImageReference } from '../../apiserver/api/image-reference.ts';
import { defaultLogger, type Logger } from '../../apiserver/client/logger.ts';
import { containerCreateOptions, defaultLogSettings, sandboxCreateOptions, type LogSettings } from './docker-create-options.ts';
import { statsFromSample, statusFromInspect, summaryFromListing } from './docker-state.ts';
import { createNotFoundReason, errorMessage, statusOf, translate } from './docker-errors.ts';
import { openExec, runExec } from './docker-exec.ts';
import { openAttach } from './docker-attach.ts';
import { MergedFrames, demuxBuffer, readJsonProgress } from './docker-stream.ts';
import { applyOomFloor, capSysResource, hasEffectiveCapability } from './oom-restriction.ts';
import { formatResolvConf } from './resolv-conf.ts';
import { ContainerRuntimeError, ImagePullError } from './runtime.ts';
import type {
  AttachOptions, ContainerConfig, ContainerRuntime, ContainerStats, ContainerStatus, ContainerSummary, ExecOptions, ExecResult,
  ExecSession, ImageSummary, ImportOptions, LogOptions, PodNetworkConfig, PullProgress, RegistryAuth, RuntimeVersion,
  SandboxConfig, SandboxInfo,
} from './runtime.ts';
import { bindExposes } from './socket-guard.ts';

export const defaultDockerSocket = '/var/run/docker.sock';

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
    const parsed = parseImageReference(ref);
    if (!parsed) throw new ImagePullError(ref, `pull ${ref}: invalid image reference`);
    this.#logger.info({ image: ref }, 'pulling image');
    // A digest travels in the tag parameter; no tag and no digest means latest, as in Kubernetes.
    const query = { fromImage: parsed.repository, tag: parsed.digest || parsed.tag || 'latest' };
    let stream: NodeJS.ReadableStream;
    try {
      // Credentials go in the X-Registry-Auth header (createImage's first argument), never in the query string.
      stream = auth ? await this.#docker.createImage(auth, query) : await this.#docker.createImage(query);
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

  async ensureNetwork(config: PodNetworkConfig): Promise<void> {
    try {
      if (await this.#hasNetwork(config)) return;
      try {
        await this.#docker.createNetwork({
          Name: config.name, Driver: 'bridge', CheckDuplicate: true,
          IPAM: { Driver: 'default', Config: [{ Subnet: config.subnet }] },
          Options: { 'com.docker.network.bridge.name': config.bridgeName },
          Labels: { 'skiff.network': 'pods' },
        });
        this.#logger.info({ network: config.name, subnet: config.subnet }, 'pod network created');
      } catch (err) {
        // Another kubelet on this host is creating it at the same moment (Docker answers 409, or 403 "Pool
        // overlaps" while the other create is still under way): give that create a moment to show.
        for (let i = 0; i < 20; i++) {
          if (await this.#hasNetwork(config)) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw err;
      }
    } catch (err) {
      if (err instanceof ContainerRuntimeError) throw err;
      throw translate(err, `ensure network ${config.name}`);
    }
  }

  /** Whether the network exists with the wanted subnet; an error when it exists with another. */
  async #hasNetwork(config: PodNetworkConfig): Promise<boolean> {
    const existing = await this.#docker.listNetworks({ filters: { name: [config.name] } });
    const match = existing.find((n) => n.Name === config.name);
    if (!match) return false;
    const subnets = (match.IPAM?.Config ?? []).map((c) => c.Subnet);
    if (!subnets.includes(config.subnet)) {
      throw new ContainerRuntimeError('InvalidConfig',
        `network ${config.name} exists with subnet ${subnets.join(',') || 'none'}, want ${config.subnet}; remove it (docker network rm ${config.name})`);
    }
    return true;
  }

  async createSandbox(config: SandboxConfig): Promise<SandboxInfo> {
    // Checked before anything exists, so a bad resolver setting leaves nothing behind.
    const resolvConf = config.dns ? formatResolvConf(config.dns) : undefined;
    let container: Docker.Container;
    try {
      const resources = applyOomFloor(config.resources, await this.oomScoreAdjFloor());
      container = await this.#docker.createContainer(sandboxCreateOptions({ ...config, resources }, this.#logSettings));
    } catch (err) {
      throw translate(err, `create sandbox ${config.name}`, createNotFoundReason(err));
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
      throw translate(err, `create container ${config.name}`, createNotFoundReason(err));
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
    return (await openExec(this.#docker.getContainer(id), cmd, options)).session;
  }

  async attachContainer(id: string, options: AttachOptions): Promise<ExecSession> {
    return openAttach(this.#docker.getContainer(id), options);
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    return runExec(this.#docker.getContainer(id), cmd, timeoutMs, this.#logger);
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
