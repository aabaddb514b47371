import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createJsonMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from '../../../apiserver/api/patch/three-way.ts';
import { applyStrategicMergePatch } from '../../../apiserver/api/patch/strategic-merge-patch.ts';
import type { Schema } from '../../../apiserver/api/openapi/schema.ts';
import { deploymentSchema, podSchema, resolveFixture } from './fixture-schema.ts';

const twoWay = (original: unknown, modified: unknown, schema: Schema | undefined = podSchema) =>
  createTwoWayMergePatch(original, modified, schema, resolveFixture);
const threeWay = (original: unknown, modified: unknown, current: unknown, schema: Schema | undefined = podSchema) =>
  createThreeWayMergePatch(original, modified, current, schema, resolveFixture);
const apply = (original: unknown, patch: unknown, schema: Schema | undefined = podSchema) =>
  applyStrategicMergePatch(original, patch, schema, resolveFixture);

const containers = (...list: unknown[]) => ({ spec: { containers: list } });
const order = (...names: string[]) => names.map((name) => ({ name }));

describe('createTwoWayMergePatch', () => {
  it('is {} between equal documents', () => {
    const pod = { metadata: { labels: { a: '1' }, finalizers: ['x'] }, spec: { containers: [{ name: 'a', env: [{ name: 'E' }] }] } };
    assert.deepEqual(twoWay(pod, structuredClone(pod)), {});
  });

  it('sets added and changed fields, nulls removed ones', () => {
    assert.deepEqual(twoWay({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: '9', c: '3' } } }),
      { metadata: { labels: { a: '9', b: null, c: '3' } } });
  });

  it('a changed element of a merging list is sent with its merge key and the list order', () => {
    assert.deepEqual(twoWay(containers({ name: 'a', image: '1' }, { name: 'b' }), containers({ name: 'a', image: '2' }, { name: 'b' })),
      { spec: { '$setElementOrder/containers': order('a', 'b'), containers: [{ name: 'a', image: '2' }] } });
  });

  it('an added element is sent whole; a removed one as $patch: delete after the changes', () => {
    assert.deepEqual(twoWay(containers({ name: 'a' }, { name: 'b' }), containers({ name: 'c', image: 'x' }, { name: 'a' })),
      { spec: { '$setElementOrder/containers': order('c', 'a'), containers: [{ name: 'c', image: 'x' }, { name: 'b', $patch: 'delete' }] } });
  });

  it('a reordered list sends only the order', () => {
    assert.deepEqual(twoWay(containers({ name: 'a' }, { name: 'b' }), containers({ name: 'b' }, { name: 'a' })),
      { spec: { '$setElementOrder/containers': order('b', 'a') } });
  });

  it('primitive merging lists send additions, $deleteFromPrimitiveList and the order', () => {
    assert.deepEqual(twoWay({ metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { finalizers: ['a', 'c', 'd'] } }),
      { metadata: { finalizers: ['d'], '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c', 'd'] } });
  });

  it('a list that was empty is sent whole, without an order', () => {
    assert.deepEqual(twoWay({ spec: { containers: [] } }, containers({ name: 'a' })), containers({ name: 'a' }));
  });

  it('lists without a strategy are sent whole when they differ (tolerations)', () => {
    const before = { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } };
    const after = { spec: { tolerations: [{ key: 'a' }] } };
    assert.deepEqual(twoWay(before, after), after);
  });

  it('retainKeys fields list the keys they keep (Deployment strategy -> Recreate)', () => {
    const before = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const after = { spec: { strategy: { type: 'Recreate' } } };
    assert.deepEqual(twoWay(before, after, deploymentSchema),
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } });
  });

  it('retainKeys lists apply to each changed element (volumes)', () => {
    const before = { spec: { volumes: [{ name: 'v', configMap: { name: 'cm' } }] } };
    const after = { spec: { volumes: [{ name: 'v', emptyDir: {} }] } };
    assert.deepEqual(twoWay(before, after), {
      spec: { '$setElementOrder/volumes': order('v'), volumes: [{ name: 'v', $retainKeys: ['emptyDir', 'name'], emptyDir: {}, configMap: null }] },
    });
  });

  it('an element without its merge key cannot be diffed', () => {
    assert.throws(() => twoWay(containers({ name: 'a' }), containers({ image: 'x' })), /does not contain declared merge key: name/);
  });

  it('does not modify its inputs', () => {
    const before = containers({ name: 'a', env: [{ name: 'A' }] });
    const after = containers({ name: 'a', env: [{ name: 'A' }, { name: 'B' }] });
    const copies = structuredClone([before, after]);
    const patch = twoWay(before, after) as { spec: { containers: { env: unknown[] }[] } };
    patch.spec.containers[0].env.push('mutated');
    assert.deepEqual([before, after], copies);
  });
});

describe('createThreeWayMergePatch', () => {
  it('is {} when the live object already matches the manifest', () => {
    const manifest = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'a', image: 'x' }] } };
    const live = { metadata: { labels: { a: '1' }, uid: 'u' }, spec: { containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Always' }] } };
    assert.deepEqual(threeWay(manifest, manifest, live), {});
  });

  it('changes come from the manifest against the live object', () => {
    const last = { metadata: { labels: { a: '1' } } };
    const manifest = { metadata: { labels: { a: '1', b: '2' } } };
    const live = { metadata: { labels: { a: 'changed-by-someone', other: 'x' } } };
    assert.deepEqual(threeWay(last, manifest, live), { metadata: { labels: { a: '1', b: '2' } } });
    assert.deepEqual(apply(live, threeWay(last, manifest, live)), { metadata: { labels: { a: '1', b: '2', other: 'x' } } });
  });

  it('deletes only what was applied before and is gone from the manifest', () => {
    const last = { metadata: { labels: { a: '1', b: '2' } } };
    const manifest = { metadata: { labels: { a: '1' } } };
    const live = { metadata: { labels: { a: '1', b: '2', addedByController: 'y' } } };
    const patch = threeWay(last, manifest, live);
    assert.deepEqual(patch, { metadata: { labels: { b: null } } });
    assert.deepEqual(apply(live, patch), { metadata: { labels: { a: '1', addedByController: 'y' } } });
  });

  it('deletes list elements that were applied, keeps those others added', () => {
    const last = containers({ name: '1' }, { name: '2' });
    const manifest = containers({ name: '2' });
    const live = containers({ name: '3', other: 'a' });
    const patch = threeWay(last, manifest, live);
    assert.deepEqual(patch, { spec: { '$setElementOrder/containers': order('2'), containers: [{ name: '2' }, { name: '1', $patch: 'delete' }] } });
    assert.deepEqual(apply(live, patch), containers({ name: '2' }, { name: '3', other: 'a' }));
  });

  it('keeps explicit nulls of the manifest for the server', () => {
    const patch = threeWay({ metadata: { labels: { a: '1' } } }, { metadata: { labels: { a: '1', b: null } } }, { metadata: { labels: { a: '1', b: 'x' } } });
    assert.deepEqual(patch, { metadata: { labels: { b: null } } });
  });

  it('clears fields the server defaulted inside a retainKeys field (discriminated union)', () => {
    const manifest = { spec: { strategy: { type: 'Recreate' } } };
    const live = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } };
    const patch = threeWay({}, manifest, live, deploymentSchema);
    assert.deepEqual(patch, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } });
    assert.deepEqual(apply(live, patch, deploymentSchema), manifest);
  });

  it('primitive lists: deletions from the last applied set, additions against the live set', () => {
    const patch = threeWay({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['a', 'c'] } }, { metadata: { finalizers: ['a', 'b', 'z'] } });
    assert.deepEqual(patch, { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['b'], '$setElementOrder/finalizers': ['a', 'c'] } });
    assert.deepEqual(apply({ metadata: { finalizers: ['a', 'b', 'z'] } }, patch), { metadata: { finalizers: ['a', 'c', 'z'] } });
  });

  it('without a schema lists are replaced whole', () => {
    const patch = threeWay({ items: [1, 2] }, { items: [1, 3] }, { items: [1, 2], extra: true }, undefined);
    assert.deepEqual(patch, { items: [1, 3] });
  });
});

describe('kubectl client-side apply of a Deployment', () => {
  const lastApplied = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image: 'web:1.0', env: [{ name: 'MODE', value: 'prod' }], ports: [{ containerPort: 80 }, { containerPort: 443 }] },
            { name: 'sidecar', image: 'proxy:1' },
          ],
        },
      },
    },
  };
  // The new manifest: changed image, an added env var, the 443 port removed.
  const manifest = structuredClone(lastApplied);
  const app = manifest.spec.template.spec.containers[0];
  app.image = 'web:1.1';
  app.env = [...(app.env ?? []), { name: 'LOG_LEVEL', value: 'debug' }];
  app.ports = [{ containerPort: 80 }];
  // kubectl stores the manifest itself in the annotation it applies.
  const modified = { ...manifest, metadata: { ...manifest.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest) } } };
  // The live object: server defaults, a server-only container (injected), replicas scaled by someone else.
  const live = {
    ...structuredClone(lastApplied),
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) } },
    spec: {
      replicas: 5,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'app', image: 'web:1.0', imagePullPolicy: 'IfNotPresent', env: [{ name: 'MODE', value: 'prod' }], ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443, protocol: 'TCP' }] },
            { name: 'injected', image: 'mesh:1' },
            { name: 'sidecar', image: 'proxy:1', imagePullPolicy: 'IfNotPresent' },
          ],
          restartPolicy: 'Always',
        },
      },
    },
  };

  // What kubectl sends (Kubernetes' CreateThreeWayMergePatch on these documents).
  const kubectlPatch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest) } },
    spec: {
      replicas: 2,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
          containers: [{
            name: 'app',
            image: 'web:1.1',
            '$setElementOrder/env': [{ name: 'MODE' }, { name: 'LOG_LEVEL' }],
            env: [{ name: 'LOG_LEVEL', value: 'debug' }],
            '$setElementOrder/ports': [{ containerPort: 80 }],
            ports: [{ containerPort: 443, $patch: 'delete' }],
          }],
        },
      },
    },
  };

  it('computes the patch kubectl sends', () => {
    assert.deepEqual(threeWay(lastApplied, modified, live, deploymentSchema), kubectlPatch);
  });

  it('the server applies it: new image, env var added, port removed, server-side fields kept', () => {
    const result = apply(live, kubectlPatch, deploymentSchema);
    assert.deepEqual(result, {
      ...live,
      metadata: { ...live.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest) } },
      spec: {
        ...live.spec,
        replicas: 2,
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'app', image: 'web:1.1', imagePullPolicy: 'IfNotPresent', env: [{ name: 'MODE', value: 'prod' }, { name: 'LOG_LEVEL', value: 'debug' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
              { name: 'injected', image: 'mesh:1' },
              { name: 'sidecar', image: 'proxy:1', imagePullPolicy: 'IfNotPresent' },
            ],
            restartPolicy: 'Always',
          },
        },
      },
    });
  });

  it('a second apply sends only the container order (the live list has a server-only container) and changes nothing', () => {
    const applied = apply(live, kubectlPatch, deploymentSchema);
    const again = threeWay(manifest, modified, applied, deploymentSchema);
    // Kubernetes compares the live list with the manifest's: their lengths differ, so the order is sent.
    assert.deepEqual(again, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }] } } } });
    assert.deepEqual(apply(applied, again, deploymentSchema), applied);
  });

  it('a second apply without server-only changes is {}', () => {
    const plain = { ...structuredClone(live), spec: { ...structuredClone(live.spec), template: structuredClone(lastApplied.spec.template) } };
    const applied = apply(plain, kubectlPatch, deploymentSchema);
    assert.deepEqual(threeWay(manifest, modified, applied, deploymentSchema), {});
  });
});

describe('createJsonMergePatch from three-way.ts', () => {
  it('is the RFC 7386 diff for kinds without a schema', () => {
    assert.deepEqual(createJsonMergePatch({ a: [1], b: 1 }, { a: [2] }), { a: [2], b: null });
  });
});
