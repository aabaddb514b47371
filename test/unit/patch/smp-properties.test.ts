import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyStrategicMergePatch } from '../../../apiserver/api/patch/strategic-merge-patch.ts';
import { createThreeWayMergePatch, createTwoWayMergePatch } from '../../../apiserver/api/patch/three-way.ts';
import { goStableSort } from '../../../apiserver/api/patch/go-stable-sort.ts';
import { podSchema, resolveFixture } from './fixture-schema.ts';

const apply = (original: unknown, patch: unknown) => applyStrategicMergePatch(original, patch, podSchema, resolveFixture);
const twoWay = (a: unknown, b: unknown) => createTwoWayMergePatch(a, b, podSchema, resolveFixture);
const threeWay = (o: unknown, m: unknown, c: unknown) => createThreeWayMergePatch(o, m, c, podSchema, resolveFixture);

// Pod-shaped documents: keyed lists at two levels (containers by name, env by name, ports by
// containerPort), a merging primitive list (finalizers), a replaced list (tolerations, args) and free maps.
// Keys come from small sets so that two random documents share, add and remove elements.
const text = fc.string({ maxLength: 3 });
const optional = { requiredKeys: [] as never[], noNullPrototype: true };
const freeMap = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), text, { maxKeys: 3, noNullPrototype: true });
const envVar = fc.record({ name: fc.constantFrom('A', 'B', 'C', 'D'), value: text }, { requiredKeys: ['name'], noNullPrototype: true });
const port = fc.record({ containerPort: fc.constantFrom(80, 443, 8080), protocol: fc.constantFrom('TCP', 'UDP') }, { requiredKeys: ['containerPort'], noNullPrototype: true });
const container = fc.record({
  name: fc.constantFrom('app', 'db', 'log', 'proxy', 'init'),
  image: text,
  args: fc.array(text, { maxLength: 3 }),
  env: fc.uniqueArray(envVar, { selector: (e) => e.name, maxLength: 4 }),
  ports: fc.uniqueArray(port, { selector: (p) => p.containerPort, maxLength: 3 }),
}, { requiredKeys: ['name'], noNullPrototype: true });
const pod = fc.record({
  metadata: fc.record({
    labels: freeMap,
    finalizers: fc.uniqueArray(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 4 }),
  }, optional),
  spec: fc.record({
    containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 4 }),
    tolerations: fc.array(fc.record({ key: text, effect: fc.constantFrom('NoSchedule', 'NoExecute') }, { noNullPrototype: true }), { maxLength: 2 }),
    nodeSelector: freeMap,
    restartPolicy: fc.constantFrom('Always', 'Never'),
  }, optional),
}, optional);

describe('strategic merge patch properties', () => {
  it('applying createTwoWayMergePatch(a, b) to a yields b, list order included', () => {
    fc.assert(fc.property(pod, pod, (a, b) => {
      assert.deepEqual(apply(a, twoWay(a, b)), b);
    }), { numRuns: 1000 });
  });

  it('the two-way patch of a document with itself is {}', () => {
    fc.assert(fc.property(pod, (a) => {
      assert.deepEqual(twoWay(a, structuredClone(a)), {});
    }));
  });

  it('three-way with the live object still as last applied behaves like two-way', () => {
    fc.assert(fc.property(pod, pod, (last, manifest) => {
      assert.deepEqual(apply(last, threeWay(last, manifest, last)), manifest);
    }), { numRuns: 500 });
  });

  it('three-way against a live object that already matches the manifest leaves it unchanged', () => {
    fc.assert(fc.property(pod, pod, (last, manifest) => {
      assert.deepEqual(apply(manifest, threeWay(last, manifest, manifest)), manifest);
    }), { numRuns: 500 });
  });

  it('never modifies its inputs', () => {
    fc.assert(fc.property(pod, pod, pod, (o, m, c) => {
      const copies = structuredClone([o, m, c]);
      apply(c, threeWay(o, m, c));
      apply(o, twoWay(o, m));
      assert.deepEqual([o, m, c], copies);
    }), { numRuns: 200 });
  });
});

describe('goStableSort', () => {
  it('agrees with a stable sort when the comparator is a strict order', () => {
    fc.assert(fc.property(fc.array(fc.record({ key: fc.integer({ min: 0, max: 5 }), id: fc.nat() }), { maxLength: 90 }), (items) => {
      const ours = [...items];
      goStableSort(ours, (a, b) => a.key < b.key);
      assert.deepEqual(ours, [...items].sort((a, b) => a.key - b.key));
    }));
  });

  it('reverses a short list when every comparison answers "less", as Go\'s insertion sort does', () => {
    const items = [1, 2, 3, 4];
    goStableSort(items, () => true);
    assert.deepEqual(items, [4, 3, 2, 1]);
  });
});
