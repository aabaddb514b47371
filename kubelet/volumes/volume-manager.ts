// Sets up a pod's volumes under <root-dir>/pods/<uid>/volumes/<plugin>/<name> and turns volumeMounts into bind
// mounts (kube's volume manager, for the volume types a single node can serve): emptyDir (a directory, or a tmpfs
// for medium Memory), hostPath with its type checks, configMap/secret/downwardAPI/projected files written
// atomically and refreshed on every sync (ServiceAccount tokens included, from the TokenRequest API through the
// token cache), and persistentVolumeClaims bound to hostPath or local volumes.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { value as quantityValue, parseQuantity } from '../../apiserver/api/quantity.ts';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type {
  ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret, TokenRequest, Volume,
} from '../../apiserver/api/types.ts';
import { isNotFound, type RestClient } from '../../apiserver/client/index.ts';
import { expandVars } from '../pods/env.ts';
import { fieldRefValue, resourceFieldRefValue, type DownwardContext } from '../pods/downward-api.ts';
import type { Mount } from '../runtime/runtime.ts';
import { writeAtomically, checkRelativePath, type ProjectedFile } from './atomic-writer.ts';
import { checkHostPathType } from './host-path.ts';
import { TokenManager } from './token-manager.ts';

export type { DownwardContext } from '../pods/downward-api.ts';

const run = promisify(execFile);

export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<PersistentVolume | undefined>;
  /** POST serviceaccounts/<name>/token. */
  serviceAccountToken(namespace: string, serviceAccount: string, request: TokenRequest): Promise<TokenRequest>;
}

export function restVolumeSources(client: RestClient): VolumeSources {
  const get = async <T>(plural: string, group: string, version: string, namespace: string | undefined, name: string): Promise<T | undefined> => {
    try {
      return await client.get<T & object>(resourceFor(group, version, plural)!, namespace, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  return {
    configMap: (ns, name) => get<ConfigMap>('configmaps', '', 'v1', ns, name),
    secret: (ns, name) => get<Secret>('secrets', '', 'v1', ns, name),
    persistentVolumeClaim: (ns, name) => get<PersistentVolumeClaim>('persistentvolumeclaims', '', 'v1', ns, name),
    persistentVolume: (name) => get<PersistentVolume>('persistentvolumes', '', 'v1', undefined, name),
    serviceAccountToken: (namespace, serviceAccount, request) => client.createSubresource<TokenRequest>(
      resourceFor('', 'v1', 'serviceaccounts')!, namespace, serviceAccount, 'token', request),
  };
}

/** A volume could not be set up: the message goes to a FailedMount event. */
export class VolumeError extends Error {
  readonly volume: string;

  constructor(volume: string, message: string) {
    super(message);
    this.volume = volume;
  }
}

export interface PodVolumes {
  byName: Map<string, { hostPath: string; readOnly: boolean }>;
}

const decode = (b64: string) => Buffer.from(b64, 'base64');

export class VolumeManager {
  private readonly rootDir: string;
  private readonly sources: VolumeSources;
  private readonly logger: Logger;
  private readonly tokens: TokenManager;

  constructor(o: { rootDir: string; sources: VolumeSources; logger: Logger; clock?: () => number }) {
    this.rootDir = o.rootDir;
    this.sources = o.sources;
    this.logger = o.logger;
    this.tokens = new TokenManager({ request: (ns, sa, tr) => this.sources.serviceAccountToken(ns, sa, tr), clock: o.clock });
  }

  podDir(uid: string): string {
    return path.join(this.rootDir, 'pods', uid);
  }

  async setUp(pod: Pod, downward: DownwardContext): Promise<PodVolumes> {
    const uid = pod.metadata?.uid ?? '';
    const out: PodVolumes = { byName: new Map() };
    for (const v of pod.spec?.volumes ?? []) {
      try {
        out.byName.set(v.name, await this.setUpOne(pod, uid, v, downward));
      } catch (err) {
        if (err instanceof VolumeError) throw err;
        throw new VolumeError(v.name, (err as Error).message);
      }
    }
    return out;
  }

  private dirFor(uid: string, plugin: string, name: string): string {
    return path.join(this.podDir(uid), 'volumes', plugin, name);
  }

  private async setUpOne(pod: Pod, uid: string, v: Volume, downward: DownwardContext): Promise<{ hostPath: string; readOnly: boolean }> {
    const namespace = pod.metadata?.namespace ?? 'default';
    if (v.emptyDir) {
      const dir = this.dirFor(uid, 'kubernetes.io~empty-dir', v.name);
      await mkdir(dir, { recursive: true, mode: 0o777 });
      if (v.emptyDir.medium === 'Memory') await this.mountTmpfs(dir, v.emptyDir.sizeLimit);
      return { hostPath: dir, readOnly: false };
    }
    if (v.hostPath) {
      await checkHostPathType(v.hostPath.path, v.hostPath.type ?? '');
      return { hostPath: v.hostPath.path, readOnly: false };
    }
    if (v.persistentVolumeClaim) {
      const claimName = v.persistentVolumeClaim.claimName;
      const pvc = await this.sources.persistentVolumeClaim(namespace, claimName);
      if (!pvc) throw new VolumeError(v.name, `persistentvolumeclaim "${claimName}" not found`);
      if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) throw new VolumeError(v.name, `persistentvolumeclaim "${claimName}" is not bound`);
      const pv = await this.sources.persistentVolume(pvc.spec.volumeName);
      if (!pv) throw new VolumeError(v.name, `persistentvolume "${pvc.spec.volumeName}" not found`);
      const hostPath = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
      if (!hostPath) throw new VolumeError(v.name, `persistentvolume "${pvc.spec.volumeName}" is neither hostPath nor local: Skiff cannot mount it`);
      await checkHostPathType(hostPath, pv.spec?.hostPath ? (pv.spec.hostPath.type || 'DirectoryOrCreate') : 'Directory');
      return { hostPath, readOnly: v.persistentVolumeClaim.readOnly ?? false };
    }
    const projected = await this.projectedFiles(pod, v, downward);
    if (projected) {
      const dir = this.dirFor(uid, projected.plugin, v.name);
      if (await writeAtomically(dir, projected.files)) this.logger.debug({ pod: pod.metadata?.name, volume: v.name }, 'volume contents written');
      return { hostPath: dir, readOnly: true };
    }
    const kind = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
    throw new VolumeError(v.name, `volume type ${kind} is not supported by Skiff`);
  }

  private async mountTmpfs(dir: string, sizeLimit: string | undefined): Promise<void> {
    const mounts = await readFile('/proc/mounts', 'utf8');
    if (mounts.split('\n').some((l) => l.split(' ')[1] === dir)) return;
    const options = sizeLimit ? [`size=${quantityValue(parseQuantity(sizeLimit))}`] : [];
    await run('mount', ['-t', 'tmpfs', ...(options.length ? ['-o', options.join(',')] : []), 'tmpfs', dir]);
  }

  /** The files of a configMap/secret/downwardAPI/projected volume, or undefined for other types. */
  private async projectedFiles(pod: Pod, v: Volume, downward: DownwardContext): Promise<{ plugin: string; files: ProjectedFile[] } | undefined> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const fromMap = (data: Record<string, Buffer>, items: { key: string; path: string; mode?: number }[] | undefined, mode: number, what: string): ProjectedFile[] => {
      if (!items?.length) return Object.entries(data).map(([k, content]) => ({ path: k, content, mode }));
      return items.map((it) => {
        const content = data[it.key];
        if (content === undefined) throw new VolumeError(v.name, `configmap references non-existent ${what} key: ${it.key}`);
        return { path: it.path, content, mode: it.mode ?? mode };
      });
    };
    const configMapFiles = async (src: { name?: string; items?: { key: string; path: string; mode?: number }[]; optional?: boolean }, mode: number) => {
      const cm = await this.sources.configMap(namespace, src.name ?? '');
      if (!cm) {
        if (src.optional) return [];
        throw new VolumeError(v.name, `configmap "${src.name}" not found`);
      }
      const data: Record<string, Buffer> = {};
      for (const [k, val] of Object.entries(cm.data ?? {})) data[k] = Buffer.from(val);
      for (const [k, val] of Object.entries(cm.binaryData ?? {})) data[k] = decode(val);
      return fromMap(data, src.items, mode, 'config');
    };
    const secretFiles = async (src: { secretName?: string; name?: string; items?: { key: string; path: string; mode?: number }[]; optional?: boolean }, mode: number) => {
      const name = src.secretName ?? src.name ?? '';
      const secret = await this.sources.secret(namespace, name);
      if (!secret) {
        if (src.optional) return [];
        throw new VolumeError(v.name, `secret "${name}" not found`);
      }
      const data: Record<string, Buffer> = {};
      for (const [k, val] of Object.entries(secret.data ?? {})) data[k] = decode(val);
      for (const [k, val] of Object.entries(secret.stringData ?? {})) data[k] = Buffer.from(val);
      return fromMap(data, src.items, mode, 'secret');
    };
    const downwardFiles = (items: NonNullable<Volume['downwardAPI']>['items'], mode: number): ProjectedFile[] =>
      (items ?? []).map((it) => {
        checkRelativePath(it.path);
        const text = it.fieldRef
          ? fieldRefValue(pod, it.fieldRef.fieldPath, downward)
          : resourceFieldRefValue(pod, it.resourceFieldRef?.containerName ?? '', it.resourceFieldRef!, downward);
        return { path: it.path, content: Buffer.from(text), mode: it.mode ?? mode };
      });

    if (v.configMap) return { plugin: 'kubernetes.io~configmap', files: await configMapFiles(v.configMap, v.configMap.defaultMode ?? 0o644) };
    if (v.secret) return { plugin: 'kubernetes.io~secret', files: await secretFiles(v.secret, v.secret.defaultMode ?? 0o644) };
    if (v.downwardAPI) return { plugin: 'kubernetes.io~downward-api', files: downwardFiles(v.downwardAPI.items, v.downwardAPI.defaultMode ?? 0o644) };
    if (v.projected) {
      const mode = v.projected.defaultMode ?? 0o644;
      const files: ProjectedFile[] = [];
      for (const src of v.projected.sources ?? []) {
        if (src.configMap) files.push(...await configMapFiles(src.configMap, mode));
        else if (src.secret) files.push(...await secretFiles(src.secret, mode));
        else if (src.downwardAPI) files.push(...downwardFiles(src.downwardAPI.items, mode));
        else if (src.serviceAccountToken) files.push(await this.tokenFile(pod, src.serviceAccountToken, mode));
      }
      return { plugin: 'kubernetes.io~projected', files };
    }
    return undefined;
  }

  /** A token bound to the pod, as kube's projected volume plugin asks for it (no audience: the apiserver's). */
  private async tokenFile(pod: Pod, source: { audience?: string; expirationSeconds?: number; path: string }, mode: number): Promise<ProjectedFile> {
    checkRelativePath(source.path);
    const namespace = pod.metadata?.namespace ?? 'default';
    const serviceAccount = pod.spec?.serviceAccountName ?? 'default';
    const token = await this.tokens.getToken(namespace, serviceAccount, {
      spec: {
        audiences: source.audience ? [source.audience] : [],
        expirationSeconds: source.expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name, uid: pod.metadata?.uid },
      },
    });
    return { path: source.path, content: Buffer.from(token), mode };
  }

  containerMounts(pod: Pod, container: Container, volumes: PodVolumes, env: Record<string, string>): Mount[] {
    const vars = new Map(Object.entries(env));
    return (container.volumeMounts ?? []).map((vm) => {
      const vol = volumes.byName.get(vm.name);
      if (!vol) throw new VolumeError(vm.name, `volume "${vm.name}" of container ${container.name} is not defined in the pod`);
      const sub = vm.subPathExpr ? expandVars(vm.subPathExpr, vars) : vm.subPath;
      if (sub) checkRelativePath(sub);
      const propagation = vm.mountPropagation === 'Bidirectional' ? 'rshared' : vm.mountPropagation === 'HostToContainer' ? 'rslave' : 'rprivate';
      return {
        type: 'bind', hostPath: sub ? path.join(vol.hostPath, sub) : vol.hostPath, containerPath: vm.mountPath,
        readOnly: vm.readOnly ?? vol.readOnly, propagation,
      } satisfies Mount;
    });
  }

  /** Creates subPath directories before the container starts (kube creates missing subpaths). */
  async prepareSubPaths(mounts: Mount[]): Promise<void> {
    for (const m of mounts) if (m.type === 'bind') await stat(m.hostPath).catch(() => mkdir(m.hostPath, { recursive: true }));
  }

  async tearDown(uid: string): Promise<void> {
    this.tokens.deletePodTokens(uid);
    const dir = this.podDir(uid);
    const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
    for (const line of mounts.split('\n')) {
      const target = line.split(' ')[1];
      if (target && target.startsWith(`${dir}/`)) await run('umount', [target]).catch((err: Error) => this.logger.warn({ target, err: err.message }, 'umount failed'));
    }
    await rm(dir, { recursive: true, force: true });
  }

  async podUids(): Promise<string[]> {
    return readdir(path.join(this.rootDir, 'pods')).catch(() => []);
  }
}
