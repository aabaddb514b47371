import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../../apiserver/api/patch/strategic-merge-patch.ts';
import { isApiError } from '../../../apiserver/api/errors.ts';
import type { Schema } from '../../../apiserver/api/openapi/schema.ts';
import { deploymentSchema, podSchema, resolveFixture, serviceSchema } from './fixture-schema.ts';

const smp = (original: unknown, patch: unknown, schema: Schema | undefined = podSchema): unknown =>
  applyStrategicMergePatch(original, patch, schema, resolveFixture);

/** Matches an ApiError by code, reason ('' for the reason-less 500 Kubernetes sends) and message. */
const apiError = (code: number, reason: string, message: string | RegExp) => (e: unknown): boolean => {
  assert.ok(isApiError(e), `expected an ApiError, got ${String(e)}`);
  assert.equal(e.code, code);
  assert.equal(e.reason, reason);
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

const spec = (containers: unknown[], extra: Record<string, unknown> = {}) => ({ spec: { containers, ...extra } });

describe('strategic merge patch: maps', () => {
  it('merges maps recursively; null deletes a key, other keys stay', () => {
    const pod = { metadata: { name: 'web', labels: { app: 'web', tier: 'front' } }, spec: { restartPolicy: 'Always' } };
    assert.deepEqual(smp(pod, { metadata: { labels: { tier: null, env: 'prod' } } }),
      { metadata: { name: 'web', labels: { app: 'web', env: 'prod' } }, spec: { restartPolicy: 'Always' } });
  });

  it('a null for a field that does not exist is ignored, not stored', () => {
    assert.deepEqual(smp({ metadata: { name: 'a' } }, { metadata: { labels: null } }), { metadata: { name: 'a' } });
  });

  it('a new map is taken from the patch without its nulls', () => {
    assert.deepEqual(smp({ metadata: { name: 'a' } }, { metadata: { labels: { x: '1', y: null } } }),
      { metadata: { name: 'a', labels: { x: '1' } } });
  });

  it('a value whose type changes replaces the old one', () => {
    assert.deepEqual(smp({ spec: { nodeSelector: { a: 'b' } } }, { spec: { nodeSelector: 'flat' } }), { spec: { nodeSelector: 'flat' } });
  });

  it('$patch: replace replaces a map instead of merging it', () => {
    const pod = { metadata: { labels: { app: 'web', tier: 'front' } } };
    assert.deepEqual(smp(pod, { metadata: { labels: { $patch: 'replace', only: 'me' } } }), { metadata: { labels: { only: 'me' } } });
  });

  it('$patch: replace at the top level replaces the whole object', () => {
    assert.deepEqual(smp({ a: 1, b: 2 }, { $patch: 'replace', c: 3 }), { c: 3 });
  });

  it('$patch: delete empties an existing map (Kubernetes leaves {})', () => {
    assert.deepEqual(smp({ spec: { nodeSelector: { disk: 'ssd' }, restartPolicy: 'Always' } }, { spec: { nodeSelector: { $patch: 'delete' } } }),
      { spec: { nodeSelector: {}, restartPolicy: 'Always' } });
  });

  it('an object carrying $patch for a field that does not exist adds nothing', () => {
    assert.deepEqual(smp({ spec: { restartPolicy: 'Always' } }, { spec: { nodeSelector: { $patch: 'delete' } } }), { spec: { restartPolicy: 'Always' } });
  });

  it('$patch: merge is not accepted on a map: 500 without a reason, as kube-apiserver', () => {
    assert.throws(() => smp({ metadata: { labels: { a: 'b' } } }, { metadata: { labels: { $patch: 'merge', c: 'd' } } }),
      apiError(500, '', 'unknown patch type: merge in map: map[$patch:merge c:d]'));
  });

  it('an unknown $patch value is an error', () => {
    assert.throws(() => smp({ spec: {} }, { spec: { $patch: 'explode' } }), apiError(500, '', 'unknown patch type: explode in map: map[$patch:explode]'));
  });
});

describe('strategic merge patch: merging lists of objects', () => {
  const live = spec([
    { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
    { name: 'sidecar', image: 'proxy:1' },
  ]);

  it('merges an element into the one with the same merge key (containers by name)', () => {
    assert.deepEqual(smp(live, spec([{ name: 'sidecar', image: 'proxy:2' }])), spec([live.spec.containers[0], { name: 'sidecar', image: 'proxy:2' }]));
  });

  it('merges nested lists by their own keys: env by name, ports by containerPort, volumeMounts by mountPath', () => {
    const patched = smp(live, spec([{
      name: 'app',
      env: [{ name: 'B', value: 'two' }],
      ports: [{ containerPort: 80, name: 'http' }],
      volumeMounts: [{ mountPath: '/data', name: 'data' }],
    }]));
    assert.deepEqual(patched, spec([
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }], ports: [{ containerPort: 80, name: 'http' }], volumeMounts: [{ mountPath: '/data', name: 'data' }] },
      { name: 'sidecar', image: 'proxy:1' },
    ]));
  });

  it('a new element goes before the live ones when no order is given (Kubernetes\' placement)', () => {
    const patched = smp(live, spec([{ name: 'init', image: 'busybox' }])) as { spec: { containers: { name: string }[] } };
    assert.deepEqual(patched.spec.containers.map((c) => c.name), ['init', 'app', 'sidecar']);
  });

  it('the patch list\'s order wins over the live order for the elements it names', () => {
    const three = spec([{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }]);
    assert.deepEqual(smp(three, spec([{ name: '3', image: 'c' }, { name: '1', image: 'a' }])),
      spec([{ name: '2', image: 'b' }, { name: '3', image: 'c' }, { name: '1', image: 'a' }]));
  });

  it('$patch: delete removes the element with that key, and every duplicate of it', () => {
    const dup = spec([{ name: 'a' }, { name: 'b' }, { name: 'a', image: 'again' }]);
    assert.deepEqual(smp(dup, spec([{ name: 'a', $patch: 'delete' }])), spec([{ name: 'b' }]));
  });

  it('$patch: delete of an element that does not exist changes nothing', () => {
    assert.deepEqual(smp(live, spec([{ name: 'ghost', $patch: 'delete' }])), live);
  });

  it('$patch: delete without the merge key is an error', () => {
    assert.throws(() => smp(live, spec([{ $patch: 'delete' }])), apiError(500, '', 'map: map[$patch:delete] does not contain declared merge key: name'));
  });

  it('an element without the merge key is an error (kubectl: "Error from server: map: ... does not contain declared merge key")', () => {
    assert.throws(() => smp(live, spec([{ image: 'nginx' }])), apiError(500, '', 'map: map[image:nginx] does not contain declared merge key: name'));
  });

  it('$patch: replace inside a list makes the rest of the patch list the whole list', () => {
    assert.deepEqual(smp(live, spec([{ $patch: 'replace' }, { name: 'only', image: 'x' }])), spec([{ name: 'only', image: 'x' }]));
    assert.deepEqual(smp(live, spec([{ $patch: 'replace' }])), spec([]));
  });

  it('$patch: merge inside a list is not accepted', () => {
    assert.throws(() => smp(live, spec([{ $patch: 'merge' }])), apiError(500, '', 'merging lists cannot yet be specified in the patch'));
  });

  it('conditions merge on type (status)', () => {
    const pod = { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] } };
    assert.deepEqual(smp(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }),
      { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] } });
  });

  it('Service ports merge on port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443, targetPort: 8443, name: 'https' }] } };
    assert.deepEqual(smp(svc, { spec: { ports: [{ port: 443, targetPort: 9443 }] } }, serviceSchema),
      { spec: { ports: [{ port: 80, targetPort: 8080, name: 'http' }, { port: 443, targetPort: 9443, name: 'https' }] } });
  });

  it('a new element is stored without nulls or directive keys', () => {
    const patched = smp(spec([{ name: 'app' }]), spec([{ name: 'new', image: null, env: [{ name: 'A', value: null }, { name: 'gone', $patch: 'delete' }], '$setElementOrder/env': [{ name: 'A' }] }]));
    assert.deepEqual(patched, spec([{ name: 'new', env: [{ name: 'A' }] }, { name: 'app' }]));
  });
});

describe('strategic merge patch: other lists', () => {
  it('lists without a patch strategy are replaced (tolerations)', () => {
    const pod = { spec: { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] } };
    assert.deepEqual(smp(pod, { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } }), { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } });
  });

  it('primitive lists with the merge strategy are unions (finalizers), patch order first', () => {
    const pod = { metadata: { finalizers: ['a', 'b'] } };
    assert.deepEqual(smp(pod, { metadata: { finalizers: ['c', 'a', 'c'] } }), { metadata: { finalizers: ['c', 'a', 'b'] } });
  });

  it('$deleteFromPrimitiveList removes values (all copies) from a primitive list', () => {
    const pod = { metadata: { finalizers: ['a', 'b', 'c', 'b'] } };
    assert.deepEqual(smp(pod, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zzz'] } }), { metadata: { finalizers: ['a', 'c'] } });
  });

  it('$deleteFromPrimitiveList for a list that does not exist does nothing', () => {
    assert.deepEqual(smp({ metadata: { name: 'x' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }), { metadata: { name: 'x' } });
  });

  it('a lists of lists cannot be merged: 422 as kube-apiserver maps ErrNoListOfLists', () => {
    assert.throws(() => smp({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }),
      apiError(422, 'Invalid', 'the server rejected our request due to an error in our request'));
  });

  it('elements of different types cannot be merged', () => {
    assert.throws(() => smp({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }),
      apiError(500, '', 'list element types are not identical: [[a] [1]]'));
  });

  it('malformed parallel-list keys are 400', () => {
    assert.throws(() => smp({ metadata: {} }, { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }),
      apiError(400, 'BadRequest', 'invalid patch format of primitive list'));
    assert.throws(() => smp({ spec: {} }, { spec: { $setElementOrder: [] } }),
      apiError(400, 'BadRequest', 'invalid patch format of setElementOrder list'));
  });
});

describe('strategic merge patch: $retainKeys', () => {
  const rolling = { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } } };

  it('clears the keys it does not list (Deployment strategy RollingUpdate -> Recreate)', () => {
    assert.deepEqual(smp(rolling, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema),
      { spec: { replicas: 2, strategy: { type: 'Recreate' } } });
  });

  it('with an explicit null as kubectl sends it', () => {
    assert.deepEqual(smp(rolling, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, deploymentSchema),
      { spec: { replicas: 2, strategy: { type: 'Recreate' } } });
  });

  it('applies to list elements (volumes are merge,retainKeys): switching a volume\'s source', () => {
    const pod = { spec: { volumes: [{ name: 'data', configMap: { name: 'cm' } }, { name: 'tmp', emptyDir: {} }] } };
    const patch = { spec: { volumes: [{ name: 'data', emptyDir: { medium: 'Memory' }, $retainKeys: ['emptyDir', 'name'] }] } };
    assert.deepEqual(smp(pod, patch), { spec: { volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }, { name: 'tmp', emptyDir: {} }] } });
  });

  it('a patch key missing from the list is 400', () => {
    assert.throws(() => smp(rolling, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: { maxSurge: 2 } } } }, deploymentSchema),
      apiError(400, 'BadRequest', 'invalid patch format of retainKeys'));
  });

  it('a value that is not a list is 400', () => {
    assert.throws(() => smp(rolling, { spec: { strategy: { $retainKeys: 'type' } } }, deploymentSchema),
      apiError(400, 'BadRequest', 'invalid patch format of retainKeys'));
  });
});

describe('strategic merge patch: $setElementOrder', () => {
  const names = (result: unknown): unknown[] => (result as { spec: { containers: { name: string }[] } }).spec.containers.map((c) => c.name);
  const order = (...keys: string[]) => keys.map((name) => ({ name }));

  it('reorders a list without changing its elements', () => {
    const pod = spec([{ name: '1', image: 'a' }, { name: '3' }, { name: '4' }, { name: '2' }]);
    assert.deepEqual(smp(pod, { spec: { '$setElementOrder/containers': order('4', '2', '3', '1') } }),
      spec([{ name: '4' }, { name: '2' }, { name: '3' }, { name: '1', image: 'a' }]));
  });

  it('server-only elements keep their place relative to the ordered ones', () => {
    const pod = spec(['1', '2', '9', '3', '4'].map((name) => ({ name })));
    assert.deepEqual(names(smp(pod, { spec: { '$setElementOrder/containers': order('2', '1', '4', '3') } })), ['2', '1', '9', '4', '3']);
    const many = spec(['1', '2', '7', '9', '8', '3', '4'].map((name) => ({ name })));
    assert.deepEqual(names(smp(many, { spec: { '$setElementOrder/containers': order('2', '1', '4', '3') } })), ['2', '1', '7', '9', '8', '4', '3']);
  });

  it('adds and deletes in one patch with a server-only element, ordered exactly as kube-apiserver does', () => {
    const pod = spec([{ name: '1' }, { name: '2', image: 'b' }, { name: '4', image: 'c' }]);
    const patch = { spec: { '$setElementOrder/containers': order('2', '3'), containers: [{ name: '3' }, { name: '1', $patch: 'delete' }] } };
    assert.deepEqual(smp(pod, patch), spec([{ name: '2', image: 'b' }, { name: '4', image: 'c' }, { name: '3' }]));
  });

  it('places an added element where the order says, among live ones', () => {
    const pod = spec([{ name: '1', image: 'x' }, { name: '2', image: 'y' }]);
    const patch = { spec: { '$setElementOrder/containers': order('1', '4', '2', '3'), containers: [{ name: '4', image: 'd' }, { name: '3', image: 'c' }] } };
    assert.deepEqual(names(smp(pod, patch)), ['1', '4', '2', '3']);
  });

  it('orders primitive lists too, keeping server-only values in place', () => {
    const pod = { metadata: { finalizers: ['1', '4', '2'] } };
    const patch = { metadata: { '$setElementOrder/finalizers': ['3', '1', '2'], finalizers: ['3'] } };
    assert.deepEqual(smp(pod, patch), { metadata: { finalizers: ['3', '1', '4', '2'] } });
  });

  it('takes a list the object does not have yet from the patch, without directive elements', () => {
    const patch = { spec: { '$setElementOrder/containers': order('b', 'a'), containers: [{ name: 'b' }, { name: 'x', $patch: 'delete' }, { name: 'a' }] } };
    assert.deepEqual(smp({ spec: {} }, patch), spec([{ name: 'b' }, { name: 'a' }]));
  });

  it('keeps the documented order of duplicate keys', () => {
    const pod = spec([{ name: '1' }, { name: '2', image: 'dup1' }, { name: '3' }, { name: '2', image: 'dup2' }, { name: '4' }]);
    assert.deepEqual(smp(pod, { spec: { '$setElementOrder/containers': order('2', '1', '4', '3', '2') } }),
      spec([{ name: '2', image: 'dup1' }, { name: '2', image: 'dup2' }, { name: '1' }, { name: '4' }, { name: '3' }]));
  });

  it('a patch list out of step with the order is an error', () => {
    const pod = spec([{ name: '1' }, { name: '3' }, { name: '2' }]);
    const patch = { spec: { '$setElementOrder/containers': order('1', '2', '3'), containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }] } };
    assert.throws(() => smp(pod, patch), apiError(500, '', /^the order in patch list:\n.*\n doesn't match \$setElementOrder list:\n/));
  });

  it('an order that is not a list is an error', () => {
    assert.throws(() => smp(spec([]), { spec: { '$setElementOrder/containers': 'a' } }),
      apiError(500, '', 'expected a []interface {}, but received a string'));
  });
});

describe('strategic merge patch: kinds without a schema and bad bodies', () => {
  it('without a schema maps merge, nulls delete and lists are replaced (a JSON merge patch)', () => {
    const original = { spec: { items: [{ name: 'a' }, { name: 'b' }], keep: 1, drop: 2 } };
    assert.deepEqual(smp(original, { spec: { items: [{ name: 'c' }], drop: null } }, undefined), { spec: { items: [{ name: 'c' }], keep: 1 } });
  });

  it('directives still work without a schema', () => {
    assert.deepEqual(smp({ a: { x: 1, y: 2 } }, { a: { $patch: 'replace', z: 3 } }, undefined), { a: { z: 3 } });
  });

  it('a body that is not an object is 400 with the decoder\'s message; null changes nothing', () => {
    assert.throws(() => smp({}, [1]), apiError(400, 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'));
    assert.throws(() => smp({}, 'x'), apiError(400, 'BadRequest', 'json: cannot unmarshal string into Go value of type map[string]interface {}'));
    assert.deepEqual(smp({ a: 1 }, null), { a: 1 });
  });

  it('modifies neither input (both deeply frozen) and shares nothing with them', () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) {
        for (const child of Object.values(value)) deepFreeze(child);
        Object.freeze(value);
      }
      return value;
    };
    const original = deepFreeze({ metadata: { labels: { a: '1' }, finalizers: ['x'] }, spec: { containers: [{ name: 'app', env: [{ name: 'A', value: '1' }] }] } });
    const patch = deepFreeze({
      metadata: { labels: { a: null }, '$deleteFromPrimitiveList/finalizers': ['x'] },
      spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'app' }], containers: [{ name: 'new', env: [{ name: 'B' }] }, { name: 'app', env: [{ name: 'A', $patch: 'delete' }] }] },
    });
    const result = smp(original, patch) as { spec: { containers: { env: unknown[] }[] } };
    assert.deepEqual(result, { metadata: { labels: {}, finalizers: [] }, spec: { containers: [{ name: 'new', env: [{ name: 'B' }] }, { name: 'app', env: [] }] } });
    result.spec.containers[0].env.push({ name: 'C' });
    assert.deepEqual(patch.spec.containers[0].env, [{ name: 'B' }]);
  });
});
