import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dockerTime, stateFromInspect, stateFromListing, statsFromSample } from '../../../kubelet/runtime/docker-state.ts';

const zero = '0001-01-01T00:00:00Z';
const base = {
  Running: false, Paused: false, Restarting: false, OOMKilled: false, ExitCode: 0, Error: '',
  StartedAt: zero, FinishedAt: zero, Status: 'created',
};

describe('container state from inspect', () => {
  test('created, never started', () => {
    assert.deepEqual(stateFromInspect(base), { state: 'created', exitCode: undefined, reason: undefined, message: undefined });
  });

  test('running (paused and restarting count as running)', () => {
    for (const flag of ['Running', 'Paused', 'Restarting'] as const) {
      assert.equal(stateFromInspect({ ...base, [flag]: true, Status: 'running', StartedAt: '2024-05-01T10:00:00.123456789Z' }).state, 'running');
    }
  });

  test('exited 0 is Completed, non-zero is Error, OOM is OOMKilled', () => {
    const exited = { ...base, Status: 'exited', StartedAt: '2024-05-01T10:00:00Z', FinishedAt: '2024-05-01T10:00:05Z' };
    assert.deepEqual(stateFromInspect(exited), { state: 'exited', exitCode: 0, reason: 'Completed', message: undefined });
    assert.deepEqual(stateFromInspect({ ...exited, ExitCode: 137 }), { state: 'exited', exitCode: 137, reason: 'Error', message: undefined });
    assert.equal(stateFromInspect({ ...exited, ExitCode: 137, OOMKilled: true }).reason, 'OOMKilled');
  });

  test('a start that failed: exit code without a finish time is ContainerCannotRun with Docker\'s message', () => {
    const s = stateFromInspect({ ...base, ExitCode: 127, Error: 'exec: "nope": executable file not found in $PATH' });
    assert.deepEqual(s, { state: 'exited', exitCode: 127, reason: 'ContainerCannotRun', message: 'exec: "nope": executable file not found in $PATH' });
  });

  test('anything else is unknown', () => {
    assert.equal(stateFromInspect({ ...base, Status: 'removing' }).state, 'unknown');
  });
});

test('listing states', () => {
  assert.deepEqual(
    ['running', 'paused', 'restarting', 'exited', 'dead', 'created', 'removing'].map(stateFromListing),
    ['running', 'running', 'running', 'exited', 'exited', 'created', 'unknown'],
  );
});

test('Docker timestamps: zero time is unset, nanoseconds parse', () => {
  assert.equal(dockerTime(zero), undefined);
  assert.equal(dockerTime(''), undefined);
  assert.equal(dockerTime('garbage'), undefined);
  assert.equal(dockerTime('2024-05-01T10:00:00.123456789Z')?.toISOString(), '2024-05-01T10:00:00.123Z');
});

describe('stats', () => {
  test('working set = usage - inactive file (cgroup v1 and v2 names)', () => {
    const v1 = statsFromSample({
      read: '2024-05-01T10:00:00Z', cpu_stats: { cpu_usage: { total_usage: 123_456_789 } },
      memory_stats: { usage: 50_000_000, stats: { total_inactive_file: 10_000_000 } },
    });
    assert.deepEqual(v1, { timestamp: new Date('2024-05-01T10:00:00Z'), cpuUsageNanoseconds: 123_456_789, memoryWorkingSetBytes: 40_000_000 });
    const v2 = statsFromSample({ read: '2024-05-01T10:00:00Z', memory_stats: { usage: 5, stats: { inactive_file: 9 } } });
    assert.equal(v2.memoryWorkingSetBytes, 0);
    assert.equal(v2.cpuUsageNanoseconds, 0);
  });
});
