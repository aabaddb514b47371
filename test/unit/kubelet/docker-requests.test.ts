// The HTTP requests the Docker runtime sends, checked against a stand-in daemon on a temporary unix socket: the
// parts of the Engine API contract a real daemon would accept silently either way (where credentials travel, the
// query parameters) and the answers it treats as success (304 on stop, 404 on remove).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { DockerRuntime } from '../../../kubelet/runtime/docker-runtime.ts';
import { ImagePullError, isRuntimeError } from '../../../kubelet/runtime/runtime.ts';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

let dir: string;
let server: http.Server;
let runtime: DockerRuntime;
const seen: Seen[] = [];
let answer: (req: Seen) => { status: number; body?: string } = () => ({ status: 200, body: '{}' });

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-fake-docker-'));
  const socketPath = path.join(dir, 'docker.sock');
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://docker');
    const s: Seen = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers };
    seen.push(s);
    req.resume();
    req.on('end', () => {
      const { status, body } = answer(s);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  runtime = new DockerRuntime({ socketPath, logger: pino({ level: 'silent' }), restrictOomScoreAdj: false });
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function last(): Seen {
  const s = seen.at(-1);
  assert.ok(s);
  return s;
}

describe('requests to the daemon', () => {
  test('pull credentials go in X-Registry-Auth, never in the query string', async () => {
    answer = () => ({ status: 200, body: '{"status":"Pull complete"}\r\n' });
    await runtime.pullImage('registry.example:5000/team/app:1.2', undefined, { username: 'u', password: 's3cret', serveraddress: 'registry.example:5000' });
    const req = last();
    assert.equal(req.path, '/images/create');
    assert.deepEqual([...req.query.keys()].sort(), ['fromImage', 'tag']);
    assert.equal(req.query.get('fromImage'), 'registry.example:5000/team/app');
    assert.equal(req.query.get('tag'), '1.2');
    const header = String(req.headers['x-registry-auth']);
    const decoded = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString()) as Record<string, string>;
    assert.equal(decoded.password, 's3cret');
    assert.ok(!req.path.includes('s3cret') && !req.query.toString().includes('s3cret'));
  });

  test('pull: no tag means latest; a digest goes in the tag parameter', async () => {
    await runtime.pullImage('nginx');
    assert.equal(last().query.get('tag'), 'latest');
    const digest = `sha256:${'a'.repeat(64)}`;
    await runtime.pullImage(`nginx@${digest}`);
    assert.equal(last().query.get('fromImage'), 'nginx');
    assert.equal(last().query.get('tag'), digest);
  });

  test('an error inside a 200 pull stream is an ImagePullError with the daemon\'s message', async () => {
    answer = () => ({ status: 200, body: '{"status":"Pulling"}\r\n{"error":"manifest for nginx:9 not found","errorDetail":{"message":"manifest for nginx:9 not found"}}\r\n' });
    await assert.rejects(runtime.pullImage('nginx:9'), (err: unknown) => err instanceof ImagePullError && /manifest for nginx:9 not found/.test(err.message));
  });

  test('stop passes the grace period as t; 304 (already stopped) and 404 (gone) are success', async () => {
    answer = () => ({ status: 304 });
    await runtime.stopContainer('abc', 2.2);
    assert.equal(last().method, 'POST');
    assert.equal(last().path, '/containers/abc/stop');
    assert.equal(last().query.get('t'), '3');
    answer = () => ({ status: 404, body: '{"message":"No such container: abc"}' });
    await runtime.stopContainer('abc', 0);
    assert.equal(last().query.get('t'), '0');
    await runtime.removeContainer('abc');
    assert.equal(last().method, 'DELETE');
    assert.equal(last().query.get('v'), 'true');
  });

  test('list asks for all containers with the label filter as JSON', async () => {
    answer = () => ({ status: 200, body: '[]' });
    await runtime.listContainers({ 'skiff.node': 'n1', 'io.kubernetes.pod.uid': 'u1' });
    assert.equal(last().query.get('all'), 'true');
    assert.deepEqual(JSON.parse(last().query.get('filters') ?? ''), { label: ['skiff.node=n1', 'io.kubernetes.pod.uid=u1'] });
  });

  test('daemon errors keep the daemon\'s text and map to reasons', async () => {
    answer = () => ({ status: 409, body: '{"message":"Conflict. The container name \\"/x\\" is already in use"}' });
    await assert.rejects(runtime.startContainer('x'), (err: unknown) => isRuntimeError(err, 'Conflict') && /already in use/.test(err.message));
    answer = () => ({ status: 500, body: '{"message":"boom"}' });
    await assert.rejects(runtime.inspectContainer('x'), (err: unknown) => isRuntimeError(err, 'Failed') && err.statusCode === 500 && /boom/.test(err.message));
  });
});
