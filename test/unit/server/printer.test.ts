import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { humanDuration } from '../../../apiserver/server/printers/printer.ts';
import { parseDuration } from '../../../apiserver/api/duration.ts';

describe('humanDuration (kubectl AGE)', () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  const cases: [number, string][] = [
    [0, '0s'], [45 * s, '45s'], [119 * s, '119s'], [2 * m, '2m'], [5 * m + 7 * s, '5m7s'], [59 * m, '59m'],
    [3 * h, '3h'], [5 * h + 30 * m, '5h30m'], [30 * h, '30h'], [3 * d + 4 * h, '3d4h'], [30 * d, '30d'], [800 * d, '2y70d'],
  ];
  for (const [ms, want] of cases) it(`${ms} ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('parseDuration', () => {
  it('reads Go durations', () => {
    assert.equal(parseDuration('50s'), 50_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('0'), 0);
  });
  it('rejects anything else', () => {
    for (const bad of ['', '5', 'm', '5x', '5m junk', '-5s']) assert.throws(() => parseDuration(bad), /invalid duration/);
  });
});
