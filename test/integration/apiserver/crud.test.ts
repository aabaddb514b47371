// CRUD, patches, subresources and every error code, against a real apiserver process.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

let api: TestApiserver;
before(async () => { api = await startApiserver(); });
after(async () => { await api.stop(); api.cleanup(); });

const cmPath = '/api/v1/namespaces/default/configmaps';
const deployPath = '/apis/apps/v1/namespaces/default/deployments';

function deployment(name: string, image = 'busybox:1.36', extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels: { app: name } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  };
}

/**
 * POSTs JSON-looking bytes, 64 KiB at a time, until the server answers; `contentLength` declares the size up front,
 * else the body is chunked. The apiserver answers an oversized body before it has all arrived; an EPIPE or reset
 * instead of that answer (a server that closed without lingering) fails the test.
 */
function postUntilAnswered(urlPath: string, contentLength?: number): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${api.url}${urlPath}`, {
      method: 'POST', ca: api.caPem,
      headers: {
        authorization: `Bearer ${api.token}`, 'content-type': 'application/json',
        ...(contentLength === undefined ? {} : { 'content-length': String(contentLength) }),
      },
    });
    let answered = false;
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    req.on('error', (err) => { if (!answered) reject(err); });
    const writeMore = (): void => {
      // Never past the declared length, and at most 8 MiB: a server that reads it all and never answers fails.
      while (!answered && sent < (contentLength ?? 8 << 20)) {
        const piece = contentLength === undefined ? chunk : chunk.subarray(0, Math.min(chunk.length, contentLength - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', writeMore);
      }
      if (!answered) req.end();
    };
    writeMore();
  });
}

function assertStatus(res: { status: number; body: any }, code: number, reason: string): void {
  assert.equal(res.status, code, JSON.stringify(res.body));
  assert.equal(res.body.kind, 'Status');
  assert.equal(res.body.apiVersion, 'v1');
  assert.equal(res.body.status, 'Failure');
  assert.equal(res.body.code, code);
  assert.equal(res.body.reason, reason);
}

describe('create, get, update, delete', () => {
  it('creates with server-set metadata and reads it back', async () => {
    const res = await api.request('POST', cmPath, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { a: '1' } } });
    assert.equal(res.status, 201);
    const m = res.body.metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(m.resourceVersion, /^\d+$/);
    assert.equal(m.namespace, 'default');
    const got = await api.request('GET', `${cmPath}/one`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, res.body);
  });

  it('generateName produces a unique name', async () => {
    const a = await api.request('POST', cmPath, { body: { metadata: { generateName: 'gen-' } } });
    const b = await api.request('POST', cmPath, { body: { metadata: { generateName: 'gen-' } } });
    assert.equal(a.status, 201);
    assert.match(a.body.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.notEqual(a.body.metadata.name, b.body.metadata.name);
  });

  it('accepts YAML bodies', async () => {
    const res = await api.request('POST', cmPath, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n', contentType: 'application/yaml' });
    assert.equal(res.status, 201);
    assert.equal(res.body.data.k, 'v');
  });

  it('defaults a Deployment and bumps generation on spec changes only', async () => {
    const created = await api.request('POST', deployPath, { body: deployment('web') });
    assert.equal(created.status, 201, created.text);
    const d = created.body;
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.spec.strategy.type, 'RollingUpdate');
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%');
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.template.spec.restartPolicy, 'Always');
    assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');

    const labelled = await api.request('PATCH', `${deployPath}/web`, { body: { metadata: { labels: { tier: 'x' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(labelled.status, 200);
    assert.equal(labelled.body.metadata.generation, 1, 'a label change is not a spec change');
    const scaled = await api.request('PATCH', `${deployPath}/web`, { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' });
    assert.equal(scaled.body.metadata.generation, 2);
  });

  it('a no-op update keeps the resourceVersion', async () => {
    const got = await api.request('GET', `${deployPath}/web`);
    const put = await api.request('PUT', `${deployPath}/web`, { body: got.body });
    assert.equal(put.status, 200);
    assert.equal(put.body.metadata.resourceVersion, got.body.metadata.resourceVersion);
  });

  it('a stale resourceVersion is a 409 Conflict', async () => {
    const got = await api.request('GET', `${cmPath}/one`);
    const first = await api.request('PUT', `${cmPath}/one`, { body: { ...got.body, data: { a: '2' } } });
    assert.equal(first.status, 200);
    const stale = await api.request('PUT', `${cmPath}/one`, { body: { ...got.body, data: { a: '3' } } });
    assertStatus(stale, 409, 'Conflict');
    assert.match(stale.body.message, /the object has been modified; please apply your changes to the latest version and try again/);
  });

  it('creating an existing name is a 409 AlreadyExists', async () => {
    const res = await api.request('POST', cmPath, { body: { metadata: { name: 'one' } } });
    assertStatus(res, 409, 'AlreadyExists');
    assert.equal(res.body.message, 'configmaps "one" already exists');
    assert.deepEqual({ name: res.body.details.name, kind: res.body.details.kind }, { name: 'one', kind: 'configmaps' });
  });

  it('a missing object is a 404 NotFound', async () => {
    const res = await api.request('GET', `${deployPath}/nope`);
    assertStatus(res, 404, 'NotFound');
    assert.equal(res.body.message, 'deployments.apps "nope" not found');
  });

  it('an unknown path is a 404 NotFound Status', async () => {
    assertStatus(await api.request('GET', '/api/v1/namespaces/default/widgets'), 404, 'NotFound');
    assertStatus(await api.request('GET', '/nothing/here'), 404, 'NotFound');
  });

  it('creating in a missing namespace is a 404', async () => {
    const res = await api.request('POST', '/api/v1/namespaces/ghost/configmaps', { body: { metadata: { name: 'x' } } });
    assertStatus(res, 404, 'NotFound');
    assert.equal(res.body.message, 'namespaces "ghost" not found');
  });

  it('invalid objects are a 422 Invalid listing every bad field', async () => {
    const bad = deployment('Bad_Name');
    (bad.spec as any).replicas = -1;
    (bad.spec as any).template.metadata.labels = { app: 'other' };
    const res = await api.request('POST', deployPath, { body: bad });
    assertStatus(res, 422, 'Invalid');
    const fields = res.body.details.causes.map((c: any) => c.field);
    assert.ok(fields.includes('metadata.name'), JSON.stringify(fields));
    assert.ok(fields.includes('spec.replicas'), JSON.stringify(fields));
    assert.ok(fields.includes('spec.template.metadata.labels'), JSON.stringify(fields));
    assert.match(res.body.message, /^Deployment\.apps "Bad_Name" is invalid: \[/);
  });

  it('a name that differs from the URL is a 400', async () => {
    const got = await api.request('GET', `${cmPath}/one`);
    const res = await api.request('PUT', `${cmPath}/one`, { body: { ...got.body, metadata: { ...got.body.metadata, name: 'two' } } });
    assertStatus(res, 400, 'BadRequest');
    assert.match(res.body.message, /does not match the name on the URL/);
  });

  it('malformed JSON is a 400; a wrong type is a 400', async () => {
    assertStatus(await api.request('POST', cmPath, { body: '{"metadata": {"name": "x"', contentType: 'application/json' }), 400, 'BadRequest');
    const typed = await api.request('POST', deployPath, { body: { ...deployment('typed'), spec: { ...deployment('typed').spec, replicas: '3' } } });
    assertStatus(typed, 400, 'BadRequest');
  });

  it('unknown fields: Strict is a 400 listing all, Warn answers with Warning headers', async () => {
    const body = { metadata: { name: 'strict' }, data: {}, bogus: 1, alsoBogus: 2 };
    const strict = await api.request('POST', `${cmPath}?fieldValidation=Strict`, { body });
    assertStatus(strict, 400, 'BadRequest');
    assert.match(strict.body.message, /unknown field "bogus"/);
    assert.match(strict.body.message, /unknown field "alsoBogus"/);
    const warn = await api.request('POST', cmPath, { body });
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /unknown field/);
    assert.equal(warn.body.bogus, undefined, 'unknown fields are dropped');
  });

  it('duplicate JSON keys are refused under Strict', async () => {
    const res = await api.request('POST', `${cmPath}?fieldValidation=Strict`, { body: '{"metadata":{"name":"dup","name":"dup2"}}', contentType: 'application/json' });
    assertStatus(res, 400, 'BadRequest');
    assert.match(res.body.message, /duplicate field/);
  });

  it('bodies over 3 MiB are a 413, whether their length is declared or chunked', async () => {
    const size = 3 * 1024 * 1024 + 1;
    assertStatus(await postUntilAnswered(cmPath, size), 413, 'RequestEntityTooLarge');
    assertStatus(await postUntilAnswered(cmPath), 413, 'RequestEntityTooLarge');
  });

  it('an unsupported content type is a 415', async () => {
    assertStatus(await api.request('POST', cmPath, { body: 'name=x', contentType: 'text/plain' }), 415, 'UnsupportedMediaType');
    assertStatus(await api.request('PATCH', `${cmPath}/one`, { body: { data: {} }, contentType: 'application/json' }), 415, 'UnsupportedMediaType');
  });

  it('a DELETE whose DeleteOptions body says dryRun deletes nothing (kubectl delete --dry-run=server)', async () => {
    assert.equal((await api.request('POST', cmPath, { body: { metadata: { name: 'kept' } } })).status, 201);
    const res = await api.request('DELETE', `${cmPath}/kept`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] } });
    assert.equal(res.status, 200, res.text);
    assert.equal((await api.request('GET', `${cmPath}/kept`)).status, 200);
    assertStatus(await api.request('DELETE', `${cmPath}/kept`, { body: { dryRun: ['Some'] } }), 400, 'BadRequest');
    assert.equal((await api.request('DELETE', `${cmPath}/kept`, { body: { kind: 'DeleteOptions', apiVersion: 'v1' } })).status, 200);
    assert.equal((await api.request('GET', `${cmPath}/kept`)).status, 404);
  });

  it('a body without a Content-Type is read as JSON, as kube-apiserver does', async () => {
    const res = await api.request('POST', cmPath, { body: { metadata: { name: 'no-content-type' } }, contentType: '' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.metadata.name, 'no-content-type');
    assertStatus(await api.request('POST', cmPath, { body: 'metadata: {name: y}', contentType: '' }), 400, 'BadRequest');
  });

  it('a protobuf-only Accept is a 406', async () => {
    const res = await api.request('GET', `${cmPath}/one`, { headers: { accept: 'application/vnd.kubernetes.protobuf' } });
    assertStatus(res, 406, 'NotAcceptable');
  });

  it('a missing or bad token is a 401; health needs none', async () => {
    assertStatus(await api.request('GET', cmPath, { token: null }), 401, 'Unauthorized');
    assertStatus(await api.request('GET', cmPath, { token: 'wrong' }), 401, 'Unauthorized');
    assert.equal((await api.request('GET', '/healthz', { token: null })).status, 200);
    assert.equal((await api.request('GET', '/readyz', { token: null })).status, 200);
  });

  it('deletes, answering with a Success Status for most kinds', async () => {
    const res = await api.request('DELETE', `${cmPath}/from-yaml`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'Success');
    assertStatus(await api.request('GET', `${cmPath}/from-yaml`), 404, 'NotFound');
  });
});

describe('patches', () => {
  it('JSON patch, merge patch and strategic merge patch', async () => {
    const json = await api.request('PATCH', `${deployPath}/web`, {
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'busybox:1.37' }], contentType: 'application/json-patch+json',
    });
    assert.equal(json.status, 200, json.text);
    assert.equal(json.body.spec.template.spec.containers[0].image, 'busybox:1.37');

    const smp = await api.request('PATCH', `${deployPath}/web`, {
      body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox:1.36' }] } } } },
      contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(smp.status, 200, smp.text);
    // Kubernetes puts new elements first when the patch carries no $setElementOrder.
    assert.deepEqual(smp.body.spec.template.spec.containers.map((c: any) => c.name), ['sidecar', 'main'], 'containers merge by name');

    const merge = await api.request('PATCH', `${deployPath}/web`, {
      body: { spec: { template: { spec: { containers: [{ name: 'only', image: 'busybox:1.36' }] } } } },
      contentType: 'application/merge-patch+json',
    });
    assert.deepEqual(merge.body.spec.template.spec.containers.map((c: any) => c.name), ['only'], 'merge patch replaces lists');
  });

  it('a failing JSON patch test op changes nothing', async () => {
    const before = await api.request('GET', `${deployPath}/web`);
    const res = await api.request('PATCH', `${deployPath}/web`, {
      body: [{ op: 'test', path: '/spec/replicas', value: 99 }, { op: 'replace', path: '/spec/replicas', value: 7 }],
      contentType: 'application/json-patch+json',
    });
    assert.ok(res.status >= 400 && res.status < 500, res.text);
    const afterGet = await api.request('GET', `${deployPath}/web`);
    assert.equal(afterGet.body.metadata.resourceVersion, before.body.metadata.resourceVersion);
  });

  it('a patch that makes the object invalid is a 422 and stores nothing', async () => {
    const res = await api.request('PATCH', `${deployPath}/web`, { body: { spec: { replicas: -5 } }, contentType: 'application/merge-patch+json' });
    assertStatus(res, 422, 'Invalid');
    assert.notEqual((await api.request('GET', `${deployPath}/web`)).body.spec.replicas, -5);
  });
});

describe('list', () => {
  it('filters by label and field selectors', async () => {
    for (const [name, tier] of [['l1', 'front'], ['l2', 'back'], ['l3', 'front']]) {
      await api.request('POST', cmPath, { body: { metadata: { name, labels: { tier, group: 'sel' } } } });
    }
    const front = await api.request('GET', `${cmPath}?labelSelector=${encodeURIComponent('group=sel,tier in (front)')}`);
    assert.deepEqual(front.body.items.map((i: any) => i.metadata.name), ['l1', 'l3']);
    const notFront = await api.request('GET', `${cmPath}?labelSelector=${encodeURIComponent('group=sel,tier!=front')}`);
    assert.deepEqual(notFront.body.items.map((i: any) => i.metadata.name), ['l2']);
    const byName = await api.request('GET', `${cmPath}?fieldSelector=metadata.name%3Dl2`);
    assert.deepEqual(byName.body.items.map((i: any) => i.metadata.name), ['l2']);
    assert.match(byName.body.metadata.resourceVersion, /^\d+$/);
    assert.equal(byName.body.kind, 'ConfigMapList');
  });

  it('rejects bad selectors with a 400', async () => {
    assertStatus(await api.request('GET', `${cmPath}?labelSelector=${encodeURIComponent('a b')}`), 400, 'BadRequest');
    assertStatus(await api.request('GET', `${cmPath}?fieldSelector=spec.nope%3Dx`), 400, 'BadRequest');
  });

  it('paginates with limit and continue', async () => {
    const names: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const res = await api.request('GET', `${cmPath}?labelSelector=group%3Dsel&limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(res.status, 200);
      names.push(...res.body.items.map((i: any) => i.metadata.name));
      cont = res.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.deepEqual(names, ['l1', 'l2', 'l3']);
    assert.equal(pages, 2);
  });

  it('lists across namespaces', async () => {
    const res = await api.request('GET', '/api/v1/configmaps');
    assert.equal(res.status, 200);
    assert.ok(res.body.items.length >= 3);
  });
});

describe('subresources', () => {
  it('status writes change status only; main writes keep status', async () => {
    const got = await api.request('GET', `${deployPath}/web`);
    const st = await api.request('PUT', `${deployPath}/web/status`, {
      body: { ...got.body, spec: { ...got.body.spec, replicas: 9 }, status: { replicas: 5, observedGeneration: 1 } },
    });
    assert.equal(st.status, 200, st.text);
    assert.equal(st.body.status.replicas, 5);
    assert.notEqual(st.body.spec.replicas, 9);
    const main = await api.request('PATCH', `${deployPath}/web`, { body: { status: { replicas: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(main.body.status.replicas, 5);
  });

  it('scale reads and writes replicas', async () => {
    const scale = await api.request('GET', `${deployPath}/web/scale`);
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.status.selector, 'app=web');
    const put = await api.request('PUT', `${deployPath}/web/scale`, { body: { ...scale.body, spec: { replicas: 4 } } });
    assert.equal(put.status, 200, put.text);
    assert.equal((await api.request('GET', `${deployPath}/web`)).body.spec.replicas, 4);
    const patched = await api.request('PATCH', `${deployPath}/web/scale`, { body: { spec: { replicas: 6 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.body.spec.replicas, 6);
  });

  it('binding assigns a pod once; the second bind is a 409', async () => {
    const pod = { metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    assert.equal((await api.request('POST', '/api/v1/namespaces/default/pods', { body: pod })).status, 201);
    const bind = (node: string) => api.request('POST', '/api/v1/namespaces/default/pods/p1/binding', {
      body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
    });
    assert.equal((await bind('node-a')).status, 201);
    const second = await bind('node-b');
    assertStatus(second, 409, 'Conflict');
    assert.match(second.body.message, /pod p1 is already assigned to node "node-a"/);
    const got = await api.request('GET', '/api/v1/namespaces/default/pods/p1');
    assert.equal(got.body.spec.nodeName, 'node-a');
    assert.equal(got.body.status.conditions.find((c: any) => c.type === 'PodScheduled').status, 'True');
  });

  it('a bound pod is deleted gracefully; grace 0 finishes it', async () => {
    const del = await api.request('DELETE', '/api/v1/namespaces/default/pods/p1');
    assert.equal(del.status, 200);
    assert.ok(del.body.metadata.deletionTimestamp);
    assert.equal(del.body.metadata.deletionGracePeriodSeconds, 30);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/p1')).status, 200, 'still there during its grace period');
    const now = await api.request('DELETE', '/api/v1/namespaces/default/pods/p1', { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
    assert.equal(now.status, 200);
    assert.equal((await api.request('GET', '/api/v1/namespaces/default/pods/p1')).status, 404);
  });

  it('finalizers hold an object until they are removed', async () => {
    await api.request('POST', cmPath, { body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const del = await api.request('DELETE', `${cmPath}/held`);
    assert.equal(del.status, 200);
    const held = await api.request('GET', `${cmPath}/held`);
    assert.ok(held.body.metadata.deletionTimestamp);
    const release = await api.request('PATCH', `${cmPath}/held`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
    assert.equal(release.status, 200, release.text);
    assert.equal((await api.request('GET', `${cmPath}/held`)).status, 404);
  });

  it('propagationPolicy=Orphan adds the orphan finalizer', async () => {
    await api.request('POST', deployPath, { body: deployment('orphaned') });
    const del = await api.request('DELETE', `${deployPath}/orphaned?propagationPolicy=Orphan`);
    assert.equal(del.status, 200);
    assert.deepEqual(del.body.metadata.finalizers, ['orphan']);
  });

  it('deletecollection deletes what matches', async () => {
    const res = await api.request('DELETE', `${cmPath}?labelSelector=tier%3Dfront`);
    assert.equal(res.status, 200, res.text);
    const left = await api.request('GET', `${cmPath}?labelSelector=group%3Dsel`);
    assert.deepEqual(left.body.items.map((i: any) => i.metadata.name), ['l2']);
  });
});

describe('namespaces', () => {
  it('the system namespaces exist from the start and cannot be deleted', async () => {
    const list = await api.request('GET', '/api/v1/namespaces');
    const names = list.body.items.map((n: any) => n.metadata.name);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(n), n);
    assertStatus(await api.request('DELETE', '/api/v1/namespaces/kube-system'), 403, 'Forbidden');
  });

  it('a terminating namespace refuses new objects with a 403', async () => {
    await api.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'doomed' } } });
    const del = await api.request('DELETE', '/api/v1/namespaces/doomed');
    assert.equal(del.status, 200);
    const ns = await api.request('GET', '/api/v1/namespaces/doomed');
    assert.equal(ns.body.status.phase, 'Terminating');
    const res = await api.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: { metadata: { name: 'late' } } });
    assertStatus(res, 403, 'Forbidden');
    assert.match(res.body.message, /because it is being terminated/);
    // The namespace controller's last step: finalize, after which the namespace is gone.
    const fin = await api.request('PUT', '/api/v1/namespaces/doomed/finalize', { body: { ...ns.body, spec: { finalizers: [] } } });
    assert.equal(fin.status, 200, fin.text);
    assert.equal((await api.request('GET', '/api/v1/namespaces/doomed')).status, 404);
  });
});

describe('fencing', () => {
  it('refuses writes whose lease has changed hands', async () => {
    const lease = { metadata: { name: 'ctrl' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 } };
    const created = await api.request('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', { body: lease });
    assert.equal(created.status, 201);
    const ok = await api.request('POST', cmPath, { body: { metadata: { name: 'fenced-ok' } }, headers: { 'x-skiff-fence': 'kube-system/ctrl/a/0' } });
    assert.equal(ok.status, 201, ok.text);
    await api.request('PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/ctrl', {
      body: { ...created.body, spec: { ...created.body.spec, holderIdentity: 'b', leaseTransitions: 1 } },
    });
    const stale = await api.request('POST', cmPath, { body: { metadata: { name: 'fenced-stale' } }, headers: { 'x-skiff-fence': 'kube-system/ctrl/a/0' } });
    assertStatus(stale, 409, 'Conflict');
    assert.equal((await api.request('GET', `${cmPath}/fenced-stale`)).status, 404);
  });
});

describe('discovery', () => {
  it('serves /version, /api, /apis and resource lists with short names', async () => {
    const version = await api.request('GET', '/version');
    assert.equal(version.body.major, '1');
    const core = await api.request('GET', '/api/v1');
    const pods = core.body.resources.find((r: any) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.deepEqual(pods.categories, ['all']);
    assert.ok(core.body.resources.some((r: any) => r.name === 'pods/binding'));
    const groups = await api.request('GET', '/apis');
    const names = groups.body.groups.map((g: any) => g.name);
    for (const g of ['apps', 'batch', 'coordination.k8s.io', 'autoscaling', 'storage.k8s.io']) assert.ok(names.includes(g), g);
    const storage = await api.request('GET', '/apis/storage.k8s.io/v1');
    const sc = storage.body.resources.find((r: any) => r.name === 'storageclasses');
    assert.deepEqual([sc.kind, sc.namespaced, sc.shortNames], ['StorageClass', false, ['sc']]);
    const apps = await api.request('GET', '/apis/apps/v1');
    assert.deepEqual(apps.body.resources.find((r: any) => r.name === 'deployments').shortNames, ['deploy']);
    const scale = apps.body.resources.find((r: any) => r.name === 'deployments/scale');
    assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
  });

  it('serves aggregated discovery when asked', async () => {
    const res = await api.request('GET', '/apis', { headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
    // client-go reads these with mime.ParseMediaType, so quoted parameters are as good as bare ones.
    const params = Object.fromEntries(String(res.headers['content-type']).split(';').slice(1)
      .map((p) => p.trim().split('=').map((x) => x.replace(/"/g, ''))));
    assert.deepEqual([params.g, params.v, params.as], ['apidiscovery.k8s.io', 'v2', 'APIGroupDiscoveryList']);
    assert.equal(res.body.kind, 'APIGroupDiscoveryList');
    assert.ok(res.body.items.some((g: any) => g.metadata.name === 'apps'));
  });

  it('serves Tables to kubectl-style Accept headers', async () => {
    const res = await api.request('GET', cmPath, { headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    assert.equal(res.body.kind, 'Table');
    assert.ok(res.body.columnDefinitions.length >= 2);
    assert.ok(res.body.rows.length >= 1);
    assert.equal(res.body.rows[0].object.kind, 'PartialObjectMetadata');
  });
});
