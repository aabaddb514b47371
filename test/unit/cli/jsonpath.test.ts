// kubectl's JSONPath dialect. Expected outputs were taken from kubectl 1.31 on the same objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonPath, JsonPathError, relaxedJsonPathExpression } from '../../../cli/output/jsonpath.ts';

const list = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      kind: 'Pod',
      metadata: { name: 'full', namespace: 'default', labels: { app: 'full' }, annotations: { note: 'hello' } },
      spec: {
        nodeName: 'node-1',
        containers: [
          { name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80, name: 'http' }], resources: { requests: { cpu: '100m' }, limits: { memory: '128Mi' } } },
          { name: 'side', image: 'busybox', args: ['sleep', '1000'] },
        ],
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      },
      status: { phase: 'Pending' },
    },
    { kind: 'Pod', metadata: { name: 'pod2', namespace: 'default' }, spec: { containers: [{ name: 'pod2', image: 'busybox' }] }, status: { phase: 'Pending' } },
    { kind: 'Pod', metadata: { name: 'solo', namespace: 'default', labels: { app: 'solo', tier: 'x' } }, spec: { containers: [{ name: 'solo', image: 'busybox' }] }, status: { phase: 'Running' } },
  ],
};

const run = (template: string, data: unknown = list): string => new JsonPath(template).execute(data);

describe('jsonpath (kubectl dialect)', () => {
  it('fields, wildcards, indexes and slices', () => {
    assert.equal(run('{.kind}'), 'List');
    assert.equal(run('{.items[*].metadata.name}'), 'full pod2 solo');
    assert.equal(run('{.items[0].metadata.name}'), 'full');
    assert.equal(run('{.items[-1].metadata.name}'), 'solo');
    assert.equal(run('{.items[0:2].metadata.name}'), 'full pod2');
    assert.equal(run('{.items[1:].metadata.name}'), 'pod2 solo');
    assert.equal(run('{.items[:1].metadata.name}'), 'full');
    assert.equal(run('{.items[::2].metadata.name}'), 'full solo');
    assert.equal(run('{.items[*].metadata.labels.app}'), 'full solo');
    assert.equal(run('{.items[*].metadata.labels.*}'), 'full solo x');
    assert.equal(run('{$.kind}'), 'List');
    assert.equal(run('{@.kind}'), 'List');
  });

  it('text around actions, quoted literals with escapes', () => {
    assert.equal(run('{.items[*].metadata.name} and {.kind}'), 'full pod2 solo and List');
    assert.equal(run('{"literal"}{\'single\'}'), 'literalsingle');
    assert.equal(run('a{"\\t"}b{"\\n"}'), 'a\tb\n');
    assert.equal(run('no actions at all'), 'no actions at all');
  });

  it('range, nested range, and what follows an empty range', () => {
    assert.equal(run('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}'), 'full\tPending\npod2\tPending\nsolo\tRunning\n');
    assert.equal(run('{range .items[*]}[{.metadata.name}]{end} trailing'), '[full][pod2][solo] trailing');
    assert.equal(run('{range .items[*]}{range .spec.containers[*]}{.name},{end};{end}'), 'app,side,;pod2,;solo,;');
    assert.equal(run('{range .items[?(@.metadata.name=="nothere")]}{.metadata.name}{end}after'), 'after');
    assert.throws(() => run('{end}'), /not in range, nothing to end/);
  });

  it('filters: ==, !=, numbers, existence; elements without the field are skipped', () => {
    assert.equal(run('{.items[?(@.metadata.name=="full")].spec.containers[*].name}'), 'app side');
    assert.equal(run('{.items[?(@.metadata.name!="full")].metadata.name}'), 'pod2 solo');
    assert.equal(run('{.items[*].spec.containers[?(@.name=="app")].image}'), 'nginx:1.25');
    assert.equal(run('{.items[*].spec.containers[?(@.ports)].name}'), 'app');
    assert.equal(run('{.items[?(@.spec.nodeName)].metadata.name}'), 'full');
    assert.equal(run('{.items[?(@.spec.containers[0].ports[0].containerPort==80)].metadata.name}'), 'full');
    assert.equal(run('{.items[?(@.spec.containers[0].ports[0].containerPort>79)].metadata.name}'), 'full');
    assert.equal(run("{.items[?(@.metadata.labels.app=='solo')].metadata.name}"), 'solo');
    // Go's template comparison: an integer field and a float literal are incompatible.
    assert.throws(() => run('{.items[?(@.spec.containers[0].ports[0].containerPort==80.0)].metadata.name}'), /incompatible types for comparison/);
  });

  it('maps and lists print as compact JSON with sorted keys; scalars as Go prints them', () => {
    assert.equal(run('{.items[0].metadata.labels}'), '{"app":"full"}');
    assert.equal(run('{.items[0].spec.tolerations[*]}'), '{"effect":"NoSchedule","key":"k","operator":"Exists"}');
    assert.equal(run('{.items[0].spec.containers[1].args}'), '["sleep","1000"]');
    assert.equal(run('{.items[0].spec.containers[0].ports[0].containerPort}'), '80');
    assert.equal(run('{.a}', { a: 1000000 }), '1000000');
    assert.equal(run('{.a}', { a: 0.5 }), '0.5');
    assert.equal(run('{.a}', { a: true }), 'true');
    assert.equal(run('{.a}', { a: '<x>&' }), '<x>&');
    assert.equal(run('{.a}', { a: { b: '<x>&' } }), '{"b":"\\u003cx\\u003e\\u0026"}');
  });

  it('union, quoted keys, escaped dots', () => {
    assert.equal(run("{.items[*]['metadata.name']}"), 'full pod2 solo');
    assert.equal(run("{.items[0].metadata['name','namespace']}"), 'full default');
    assert.equal(run('{.a\\.b}', { 'a.b': 'dotted' }), 'dotted');
    assert.equal(run('{.metadata.labels.app\\.kubernetes\\.io/name}', { metadata: { labels: { 'app.kubernetes.io/name': 'web' } } }), 'web');
  });

  it('missing keys print nothing (kubectl --allow-missing-template-keys=true), or fail when not allowed', () => {
    assert.equal(run('{.nothing}'), '');
    assert.equal(run('{.items[0].nothing.deeper}'), '');
    assert.throws(() => new JsonPath('{.nothing}', { allowMissingKeys: false }).execute(list), /nothing is not found/);
  });

  it('errors: out of range, not a list, syntax', () => {
    assert.throws(() => run('{.items[5].metadata.name}'), /^JsonPathError: array index out of bounds: index 5, length 3$/);
    assert.throws(() => run('{.items[0].metadata.name[0]}'), /string is not array or slice/);
    assert.throws(() => new JsonPath('{.items[0].metadata.uid'), (e: Error) => e instanceof JsonPathError && e.message === 'unclosed action');
    assert.throws(() => new JsonPath('{.a,.b}'), /unrecognized character in action: U\+002C ','/);
    assert.throws(() => new JsonPath('{.items[}'), /unterminated array/);
    assert.throws(() => new JsonPath('{.items[x]}'), /invalid array index x/);
  });

  it('recursive descent finds values at any depth', () => {
    const images = run('{..image}').split(' ').sort();
    assert.deepEqual(images, ['busybox', 'busybox', 'busybox', 'nginx:1.25']);
  });

  it('custom-columns paths: the relaxed forms kubectl accepts', () => {
    assert.equal(relaxedJsonPathExpression('.metadata.name'), '{.metadata.name}');
    assert.equal(relaxedJsonPathExpression('metadata.name'), '{.metadata.name}');
    assert.equal(relaxedJsonPathExpression('{.metadata.name}'), '{.metadata.name}');
    assert.equal(relaxedJsonPathExpression('{metadata.name}'), '{.metadata.name}');
    assert.throws(() => relaxedJsonPathExpression('{.a}{.b}'), /unexpected path string/);
  });
});
