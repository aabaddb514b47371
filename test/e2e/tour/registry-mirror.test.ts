// The tour's registry mirror without Docker: the Registry API v2 answers a pull needs (the ping, the manifest by
// tag and by digest, the blobs, each under the sha256 of the bytes served), misses recorded, the tar reader that
// takes `docker save` apart, and the daemon.json merge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { tarArchive } from '../../../kubelet/runtime/tar-writer.ts';
import { withMirror } from '../../helpers/docker-mirror-config.ts';
import { hubRepository, registryImage, sha256, startRegistryMirror, untar, type RegistryMirror } from '../../helpers/registry-mirror.ts';

const layer = tarArchive([
  { type: 'directory', name: 'bin' },
  { type: 'file', name: 'bin/hello', data: Buffer.from('#!/bin/sh\necho hello\n'), mode: 0o755 },
  { type: 'symlink', name: 'bin/hi', target: 'hello' },
]);
const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
const image = registryImage('kubeguide/tomcat-app:v1', config, [layer]);
let mirror: RegistryMirror;
const log: string[] = [];

before(async () => {
  // Port 0: this test never stands in for the mirror dockerd is configured with.
  mirror = await startRegistryMirror([image, registryImage('nginx', config, [layer])], { port: 0, log: (l) => log.push(l) });
});
after(async () => {
  await mirror.close();
});

describe('registry mirror', () => {
  it('answers the version check with 200, so Docker asks for no token', async () => {
    const res = await fetch(`${mirror.url}/v2/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.deepEqual(await res.json(), {});
  });

  it('serves the manifest by tag (HEAD and GET) and by digest, with its digest', async () => {
    const head = await fetch(`${mirror.url}/v2/kubeguide/tomcat-app/manifests/v1`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('docker-content-digest'), image.digest);
    assert.equal(head.headers.get('content-type'), 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(Number(head.headers.get('content-length')), image.manifest.length);
    const byDigest = await fetch(`${mirror.url}/v2/kubeguide/tomcat-app/manifests/${image.digest}`);
    const body = Buffer.from(await byDigest.arrayBuffer());
    assert.equal(sha256(body), image.digest);
    const manifest = JSON.parse(body.toString()) as { schemaVersion: number; config: { digest: string; size: number }; layers: { digest: string; mediaType: string }[] };
    assert.equal(manifest.schemaVersion, 2);
    assert.deepEqual([manifest.config.digest, manifest.config.size], [sha256(config), config.length]);
    assert.equal(manifest.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
    // Images without a tag are served as latest, under Docker Hub's library/ name.
    assert.equal((await fetch(`${mirror.url}/v2/library/nginx/manifests/latest`)).status, 200);
  });

  it('serves each blob under the digest of its bytes; a layer unzips to the tar the config names', async () => {
    const manifest = JSON.parse(image.manifest.toString()) as { config: { digest: string }; layers: { digest: string }[] };
    for (const digest of [manifest.config.digest, manifest.layers[0].digest]) {
      const res = await fetch(`${mirror.url}/v2/kubeguide/tomcat-app/blobs/${digest}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('docker-content-digest'), digest);
      assert.equal(sha256(Buffer.from(await res.arrayBuffer())), digest);
    }
    const zipped = Buffer.from(await (await fetch(`${mirror.url}/v2/kubeguide/tomcat-app/blobs/${manifest.layers[0].digest}`)).arrayBuffer());
    assert.equal(sha256(gunzipSync(zipped)), sha256(layer));
  });

  it('answers what it does not hold with the registry\'s 404 errors, and records them', async () => {
    const res = await fetch(`${mirror.url}/v2/library/redis/manifests/latest`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { errors: { code: string }[] }).errors[0].code, 'MANIFEST_UNKNOWN');
    assert.equal((await fetch(`${mirror.url}/v2/library/nginx/blobs/sha256:${'0'.repeat(64)}`)).status, 404);
    assert.deepEqual(mirror.requests.filter((r) => r.status === 404).map((r) => `${r.name} ${r.kind}`), ['library/redis manifests', 'library/nginx blobs']);
    assert.deepEqual(mirror.pulledTags(), ['kubeguide/tomcat-app:v1', 'library/nginx:latest']);
    assert.ok(log.includes('GET library/redis manifests latest: 404'), log.join('\n'));
  });

  it('reads the regular files of a tar', () => {
    const files = untar(layer);
    assert.deepEqual([...files.keys()], ['bin/hello']);
    assert.equal(files.get('bin/hello')!.toString(), '#!/bin/sh\necho hello\n');
  });

  it('names images as Docker Hub does', () => {
    assert.deepEqual(hubRepository('nginx'), { name: 'library/nginx', tag: 'latest' });
    assert.deepEqual(hubRepository('nginx:1.7.9'), { name: 'library/nginx', tag: '1.7.9' });
    assert.deepEqual(hubRepository('kubeguide/redis-master'), { name: 'kubeguide/redis-master', tag: 'latest' });
    assert.deepEqual(hubRepository('kubeguide/guestbook-php-frontend:localredis'), { name: 'kubeguide/guestbook-php-frontend', tag: 'localredis' });
  });

  it('adds the mirror to daemon.json first, keeping every other key, once', () => {
    const merged = withMirror({ 'log-level': 'warn', 'registry-mirrors': ['https://mirror.example'] }, 'http://127.0.0.1:5000');
    assert.deepEqual(merged, { 'log-level': 'warn', 'registry-mirrors': ['http://127.0.0.1:5000', 'https://mirror.example'] });
    assert.equal(withMirror({ 'registry-mirrors': ['http://127.0.0.1:5000/'] }, 'http://127.0.0.1:5000'), undefined);
    assert.deepEqual(withMirror({}, 'http://127.0.0.1:5000'), { 'registry-mirrors': ['http://127.0.0.1:5000'] });
  });
});
