import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../../../apiserver/api/types.ts';
import { formatLabelSelector, formatLabels, labelSelectorString } from '../../../apiserver/server/printers/selectors.ts';

describe('formatLabels', () => {
  it('sorts key=value pairs and prints <none> when empty', () => {
    assert.equal(formatLabels({ tier: 'fe', app: 'web' }), 'app=web,tier=fe');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels(undefined), '<none>');
  });

  it('sorts the joined pairs, as Go does, not the bare keys', () => {
    // '.' sorts before '=', so "a.b=…" comes before "a=…".
    assert.equal(formatLabels({ a: '1', 'a.b': '2' }), 'a.b=2,a=1');
  });
});

describe('label selectors', () => {
  const cases: [string, LabelSelector | undefined, string][] = [
    ['match labels', { matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    ['in, with values sorted', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    ['notin', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['test'] }] }, 'env notin (test)'],
    ['exists and does-not-exist', { matchExpressions: [{ key: 'gpu', operator: 'Exists' }, { key: 'arm', operator: 'DoesNotExist' }] }, '!arm,gpu'],
    ['labels and expressions together, by key', {
      matchLabels: { zone: 'a' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }],
    }, 'app in (web),zone=a'],
  ];
  for (const [what, selector, want] of cases) {
    it(`${what}: ${want}`, () => assert.equal(formatLabelSelector(selector), want));
  }

  it('prints <none> for a missing or empty selector and <error> for a malformed one', () => {
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), '<error>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), '<error>');
    assert.equal(labelSelectorString({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }), undefined);
  });
});
