import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../../apiserver/api/errors.ts';
import {
  matchesSelector, parseSelector, selectorFromLabelSelector, selectorToString, validateLabelSelector, validateLabels,
} from '../../../apiserver/api/labels.ts';

const matches = (sel: string, labels: Record<string, string>) => matchesSelector(parseSelector(sel), labels);

describe('parseSelector', () => {
  it('equality and inequality', () => {
    assert.ok(matches('app=web', { app: 'web' }));
    assert.ok(matches('app==web', { app: 'web' }));
    assert.ok(!matches('app=web', { app: 'db' }));
    assert.ok(matches('app!=web', {}), '!= matches a missing label');
    assert.ok(matches('app=', { app: '' }));
  });
  it('set-based', () => {
    assert.ok(matches('tier in (front, back)', { tier: 'back' }));
    assert.ok(!matches('tier in (front)', {}));
    assert.ok(matches('tier notin (front)', {}), 'notin matches a missing label');
    assert.ok(matches('tier', { tier: 'x' }));
    assert.ok(matches('!tier', {}));
    assert.ok(!matches('!tier', { tier: 'x' }));
    assert.ok(matches('a=1,b in (2,3),!c', { a: '1', b: '3' }));
  });
  it('numeric comparisons', () => {
    assert.ok(matches('gen>5', { gen: '7' }));
    assert.ok(!matches('gen<5', { gen: '7' }));
    assert.ok(!matches('gen>5', { gen: 'x' }));
  });
  it('the empty selector selects everything', () => {
    assert.ok(matches('', { any: 'thing' }));
  });
  it('rejects malformed selectors with a 400', () => {
    for (const bad of ['a b', 'app:web', '-ltier=x', 'a in b', 'a in (b', 'a,', '=x', 'a=b=c', 'a>x']) {
      assert.throws(() => parseSelector(bad), (e) => e instanceof ApiError && e.code === 400 && /^unable to parse requirement/.test(e.message), bad);
    }
  });
  it('canonical string round-trips', () => {
    // Requirements are sorted by key, set values sorted, as Kubernetes prints them.
    assert.equal(selectorToString(parseSelector('b in (y,x),a=1,!c')), 'a=1,b in (x,y),!c');
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const val = fc.stringMatching(/^[a-z0-9]{1,6}$/);
    fc.assert(fc.property(fc.dictionary(key, val, { minKeys: 1, maxKeys: 5 }), (labels) => {
      const sel = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
      const parsed = parseSelector(sel);
      assert.ok(matchesSelector(parsed, labels), 'labels match their own equality selector');
      assert.deepEqual(parseSelector(selectorToString(parsed)), parsed);
    }), { numRuns: 500 });
  });
});

describe('LabelSelector objects', () => {
  it('nil selects nothing, empty selects everything', () => {
    assert.equal(matchesSelector(selectorFromLabelSelector(undefined), { a: 'b' }), false);
    assert.equal(matchesSelector(selectorFromLabelSelector({}), { a: 'b' }), true);
  });
  it('matchLabels and matchExpressions combine', () => {
    const sel = selectorFromLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] });
    assert.ok(matchesSelector(sel, { app: 'web', tier: 'front' }));
    assert.ok(!matchesSelector(sel, { app: 'web', tier: 'db' }));
    assert.equal(selectorToString(sel), 'app=web,tier notin (db)');
  });
  it('validation reports paths', () => {
    const errs = validateLabelSelector({
      matchLabels: { 'bad key': 'v' },
      matchExpressions: [{ key: 'a', operator: 'In' }, { key: 'b', operator: 'Exists', values: ['x'] }, { key: 'c', operator: 'Bogus' }],
    }, 'spec.selector');
    assert.deepEqual(errs.map((e) => [e.field, e.type]), [
      ['spec.selector.matchLabels', 'FieldValueInvalid'],
      ['spec.selector.matchExpressions[0].values', 'FieldValueRequired'],
      ['spec.selector.matchExpressions[1].values', 'FieldValueForbidden'],
      ['spec.selector.matchExpressions[2].operator', 'FieldValueInvalid'],
    ]);
    assert.deepEqual(validateLabels({ ok: 'fine', 'x/y/z': 'v', k: '-bad' }, 'metadata.labels').length, 2);
  });
});
