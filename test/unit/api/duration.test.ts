import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseDuration } from '../../../apiserver/api/duration.ts';

describe('formatGoDuration', () => {
  it('writes what Go\'s time.Duration.String writes', () => {
    const cases: [number, string][] = [
      [0, '0s'], [0.0000005, '1ns'], [0.0015, '1.5µs'], [1.5, '1.5ms'], [999, '999ms'], [1000, '1s'], [10_000, '10s'],
      [10_062, '10.062s'], [60_000, '1m0s'], [123_456, '2m3.456s'], [3_600_000, '1h0m0s'], [3_723_000, '1h2m3s'],
      [90_061_001, '25h1m1.001s'], [-1500, '-1.5s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatGoDuration(ms), text, String(ms));
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 250, 10_000, 123_456, 3_723_000]) assert.equal(parseDuration(formatGoDuration(ms)), ms);
  });
});
