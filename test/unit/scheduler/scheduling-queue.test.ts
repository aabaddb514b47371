import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../../apiserver/api/types.ts';
import { SchedulingQueue } from '../../../scheduler/scheduling-queue.ts';

const pod = (name: string, priority = 0): Pod => ({ metadata: { name, namespace: 'default' }, spec: { containers: [], priority } });

function fakeClock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then oldest first', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    clock.advance(1);
    q.addOrUpdate('b', pod('b', 100));
    clock.advance(1);
    q.addOrUpdate('c', pod('c'));
    const order = [(await q.pop())!.key, (await q.pop())!.key, (await q.pop())!.key];
    assert.deepEqual(order, ['b', 'a', 'c']);
  });

  it('does not queue a pod twice, and updates the waiting copy', async () => {
    const q = new SchedulingQueue();
    q.addOrUpdate('a', pod('a'));
    q.addOrUpdate('a', { ...pod('a'), metadata: { name: 'a', namespace: 'default', labels: { v: '2' } } });
    const qp = await q.pop();
    assert.equal(qp!.pod.metadata?.labels?.v, '2');
    assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 1 });
  });

  it('waits for a pod when empty, and closes', async () => {
    const q = new SchedulingQueue();
    const next = q.pop();
    q.addOrUpdate('late', pod('late'));
    assert.equal((await next)!.key, 'late');
    const waiting = q.pop();
    q.close();
    assert.equal(await waiting, undefined);
  });

  it('parks unschedulable pods until the cluster changes', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    const qp = (await q.pop())!;
    q.requeueUnschedulable(qp);
    assert.deepEqual(q.stats().unschedulable, 1);
    q.flush();
    assert.equal(q.stats().active, 0, 'stays parked with no change');
    clock.advance(2000);
    q.moveAllToActiveOrBackoff();
    assert.equal(q.stats().active, 1, 'back-off (1 s) is over, so straight to active');
  });

  it('a change during the attempt sends the pod to back-off instead of parking it', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    const qp = (await q.pop())!;
    q.moveAllToActiveOrBackoff(); // a node was added while the pod was being scheduled
    q.requeueUnschedulable(qp);
    assert.deepEqual([q.stats().backoff, q.stats().unschedulable], [1, 0]);
    clock.advance(999);
    q.flush();
    assert.equal(q.stats().active, 0);
    clock.advance(1);
    q.flush();
    assert.equal(q.stats().active, 1);
  });

  it('back-off doubles from 1 s to a 10 s cap', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const qp = (await q.pop())!;
      q.requeueWithBackoff(qp);
      waits.push(q.nextBackoffExpiry()! - clock.now());
      clock.advance(waits.at(-1)!);
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('unschedulable pods are retried after five minutes anyway', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    q.requeueUnschedulable((await q.pop())!);
    clock.advance(5 * 60_000);
    q.flush();
    assert.equal(q.stats().active, 1);
  });

  it('an update re-activates a parked pod; a delete forgets it everywhere', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    q.requeueUnschedulable((await q.pop())!);
    clock.advance(5000);
    q.addOrUpdate('a', pod('a'));
    assert.equal(q.stats().active, 1);
    q.delete('a');
    assert.deepEqual(q.stats(), { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
  });

  it('priority changes reorder a waiting pod', async () => {
    const clock = fakeClock();
    const q = new SchedulingQueue({ clock: clock.now });
    q.addOrUpdate('a', pod('a'));
    clock.advance(1);
    q.addOrUpdate('b', pod('b'));
    q.addOrUpdate('b', pod('b', 10));
    assert.equal((await q.pop())!.key, 'b');
    assert.equal((await q.pop())!.key, 'a');
    assert.equal(q.stats().active, 0);
  });
});
