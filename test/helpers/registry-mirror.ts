// A Docker Hub mirror on loopback for end-to-end tests: a minimal Docker Registry HTTP API v2 (pull only) serving
// images the test built locally, so that manifests naming `nginx` or `kubeguide/tomcat-app:v1` pull for real (an
// image without a tag has imagePullPolicy Always) on a machine that reaches no registry. Docker asks a mirror only
// for Docker Hub images, under Hub's names (`library/nginx`), and only when its daemon is configured to
// (docker-mirror-config.ts). Every request is recorded, so a test can assert that its pulls went through here.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import type Docker from 'dockerode';
import Fastify, { type FastifyInstance } from 'fastify';

const manifestV2 = 'application/vnd.docker.distribution.manifest.v2+json';
const imageConfig = 'application/vnd.docker.container.image.v1+json';
const gzipLayer = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

interface Blob {
  mediaType: string;
  data: Buffer;
}

/** One image as a registry serves it: its manifest and the blobs (config, layers) the manifest names. */
export interface RegistryImage {
  /** Docker Hub's name: `library/nginx`, `kubeguide/tomcat-app`. */
  name: string;
  tag: string;
  manifest: Buffer;
  digest: string;
  blobs: Map<string, Blob>;
}

export interface MirrorRequest {
  method: string;
  name: string;
  kind: 'manifests' | 'blobs';
  reference: string;
  status: number;
}

export interface RegistryMirror {
  url: string;
  /** Every manifest and blob request, in order. */
  requests: MirrorRequest[];
  /**
   * `name:tag` of each pull served: a pull starts with the manifest by tag (Docker sends HEAD for its digest, then
   * GETs the manifest and blobs by digest).
   */
  pulledTags(): string[];
  close(): Promise<void>;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Docker Hub's repository name for an image reference's name part: `nginx` is `library/nginx`. */
export function hubRepository(ref: string): { name: string; tag: string } {
  const at = ref.lastIndexOf(':');
  const hasTag = at > ref.lastIndexOf('/');
  const name = hasTag ? ref.slice(0, at) : ref;
  return { name: name.includes('/') ? name : `library/${name}`, tag: hasTag ? ref.slice(at + 1) : 'latest' };
}

/**
 * The regular files of a tar archive by name (ustar, with pax `path` records honoured): enough to read what
 * `docker save` writes.
 */
export function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let paxPath: string | undefined;
  for (let at = 0; at + 512 <= archive.length;) {
    const header = archive.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, width: number): string => header.subarray(start, start + width).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const data = archive.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      // "<len> path=<value>\n" records; only the path matters here.
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
      continue;
    }
    const name = paxPath ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    paxPath = undefined;
    if (type === '0') files.set(name.replace(/^\.\//, ''), Buffer.from(data));
  }
  return files;
}

/**
 * An image as a registry serves it under `hubRef` (`nginx:1.7.9`): the config and the layers become blobs (layers
 * gzipped, as registries store them; the config's diff_ids stay the digests of the uncompressed tars) under a
 * schema 2 manifest.
 */
export function registryImage(hubRef: string, config: Buffer, layerTars: Buffer[]): RegistryImage {
  const blobs = new Map<string, Blob>();
  blobs.set(sha256(config), { mediaType: imageConfig, data: config });
  const layers = layerTars.map((tar) => {
    const data = gzipSync(tar);
    blobs.set(sha256(data), { mediaType: gzipLayer, data });
    return { mediaType: gzipLayer, size: data.length, digest: sha256(data) };
  });
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: manifestV2,
    config: { mediaType: imageConfig, size: config.length, digest: sha256(config) },
    layers,
  }));
  const { name, tag } = hubRepository(hubRef);
  return { name, tag, manifest, digest: sha256(manifest), blobs };
}

/** A local image (`docker save`) as a registry would serve it under `hubRef`. */
export async function registryImageFromDocker(docker: Docker, localRef: string, hubRef = localRef): Promise<RegistryImage> {
  const stream = await docker.getImage(localRef).get();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const files = untar(Buffer.concat(chunks));
  const read = (file: string): Buffer => {
    const data = files.get(file);
    if (!data) throw new Error(`docker save ${localRef}: ${file} is missing from the archive`);
    return data;
  };
  const [saved] = JSON.parse(read('manifest.json').toString('utf8')) as { Config: string; Layers: string[] }[];
  return registryImage(hubRef, read(saved.Config), saved.Layers.map(read));
}

async function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false)).listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function registryError(code: string, message: string, detail: unknown): string {
  return JSON.stringify({ errors: [{ code, message, detail }] });
}

/**
 * Serves `images` on http://host:port (127.0.0.1:5000, the address dockerd is configured with, by default); `log`
 * hears of every manifest and blob request.
 */
export async function startRegistryMirror(
  images: RegistryImage[], opts: { host?: string; port?: number; log?: (line: string) => void } = {},
): Promise<RegistryMirror> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 5000;
  if (!(await portFree(host, port))) {
    throw new Error(`${host}:${port} is in use: the registry mirror Docker is configured with must listen there `
      + '(is another tour test or a registry running?)');
  }
  const byName = new Map<string, RegistryImage[]>();
  for (const image of images) byName.set(image.name, [...(byName.get(image.name) ?? []), image]);
  const requests: MirrorRequest[] = [];
  const app: FastifyInstance = Fastify({ logger: false });

  app.get('/v2/', async (_req, reply) => {
    // A 200 (not a 401) tells Docker this registry needs no token.
    reply.header('Docker-Distribution-API-Version', 'registry/2.0').type('application/json');
    return '{}';
  });

  // Names hold slashes (`kubeguide/tomcat-app`), so one wildcard route splits the path itself.
  app.get('/v2/*', async (req, reply) => {
    reply.header('Docker-Distribution-API-Version', 'registry/2.0');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(req.url.split('?')[0]);
    if (!m) return reply.code(404).type('application/json').send(registryError('UNSUPPORTED', 'not served by this mirror', req.url));
    const [, name, kind, reference] = m as unknown as [string, string, 'manifests' | 'blobs', string];
    const record = (status: number): void => {
      requests.push({ method: req.method, name, kind, reference, status });
      opts.log?.(`${req.method} ${name} ${kind} ${reference}: ${status}`);
    };
    const candidates = byName.get(name) ?? [];
    if (kind === 'manifests') {
      const image = candidates.find((i) => i.tag === reference || i.digest === reference);
      if (!image) {
        record(404);
        return reply.code(404).type('application/json').send(registryError('MANIFEST_UNKNOWN', 'manifest unknown', { name, reference }));
      }
      record(200);
      return reply.header('Docker-Content-Digest', image.digest).type(manifestV2).send(image.manifest);
    }
    const blob = candidates.map((i) => i.blobs.get(reference)).find((b) => b !== undefined);
    if (!blob) {
      record(404);
      return reply.code(404).type('application/json').send(registryError('BLOB_UNKNOWN', 'blob unknown to registry', reference));
    }
    record(200);
    return reply.header('Docker-Content-Digest', reference).type(blob.mediaType).send(blob.data);
  });

  await app.listen({ host, port });
  return {
    url: `http://${host}:${(app.server.address() as net.AddressInfo).port}`,
    requests,
    pulledTags: () => requests
      .filter((r) => r.kind === 'manifests' && r.status === 200 && !r.reference.startsWith('sha256:'))
      .map((r) => `${r.name}:${r.reference}`),
    close: () => app.close(),
  };
}
