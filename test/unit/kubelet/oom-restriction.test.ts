import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOomFloor, capSysResource, hasEffectiveCapability } from '../../../kubelet/runtime/oom-restriction.ts';

test('CAP_SYS_RESOURCE read from CapEff', () => {
  const status = (eff: string): string => `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t${eff}\nCapEff:\t${eff}\n`;
  assert.equal(hasEffectiveCapability(status('000001ffffffffff'), capSysResource), true);
  // A machine without it: bit 24 cleared.
  assert.equal(hasEffectiveCapability(status('000001fffeffffff'), capSysResource), false);
  assert.equal(hasEffectiveCapability(status('0000000000000000'), capSysResource), false);
  assert.equal(hasEffectiveCapability('garbage', capSysResource), false);
});

test('the floor raises only scores below it', () => {
  assert.deepEqual(applyOomFloor({ cpuShares: 2, oomScoreAdj: -998 }, 0), { cpuShares: 2, oomScoreAdj: 0 });
  assert.deepEqual(applyOomFloor({ oomScoreAdj: 500 }, 0), { oomScoreAdj: 500 });
  assert.deepEqual(applyOomFloor({ oomScoreAdj: -997 }, undefined), { oomScoreAdj: -997 });
  assert.deepEqual(applyOomFloor({ cpuShares: 2 }, 0), { cpuShares: 2 });
  assert.equal(applyOomFloor(undefined, 0), undefined);
});
