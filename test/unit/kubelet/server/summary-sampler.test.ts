// The kubelet's periodic stats sampling: a sample at once and then on a timer, the latest one served, a failed
// sample not losing the previous one, no timer left behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { startSummarySampler, type Summary } from '../../../../kubelet/server/stats-summary.ts';

const logger = pino({ level: 'silent' });
const summaryNo = (n: number): Summary => ({ node: { nodeName: `sample-${n}`, startTime: '' }, pods: [] });
const until = async (cond: () => boolean, ms = 2000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('startSummarySampler', () => {
  it('serves the first sample to an early request, then each newer one', async () => {
    let taken = 0;
    const sampler = startSummarySampler(async () => summaryNo(++taken), { logger, intervalMs: 30 });
    try {
      assert.equal((await sampler.latest()).node.nodeName, 'sample-1');
      await until(() => taken >= 3);
      const name = (await sampler.latest()).node.nodeName;
      assert.ok(Number(name.split('-')[1]) >= 2, name);
    } finally {
      sampler.stop();
    }
    const after = taken;
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(taken <= after + 1, 'no sampling after stop');
  });

  it('keeps the previous sample when one fails, and never runs two at once', async () => {
    let calls = 0;
    let running = 0;
    let overlapped = false;
    const sampler = startSummarySampler(async () => {
      calls++;
      running++;
      overlapped ||= running > 1;
      await new Promise((r) => setTimeout(r, 25));
      running--;
      if (calls === 2) throw new Error('docker went away');
      return summaryNo(calls);
    }, { logger, intervalMs: 10 });
    try {
      assert.equal((await sampler.latest()).node.nodeName, 'sample-1');
      await until(() => calls >= 3);
      assert.match((await sampler.latest()).node.nodeName, /^sample-\d+$/);
      assert.equal(overlapped, false);
    } finally {
      sampler.stop();
    }
  });
});
