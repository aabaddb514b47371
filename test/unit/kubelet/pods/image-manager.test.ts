import assert from 'node:assert/strict';
import { it } from 'node:test';
import { localBusyboxImage } from '../../../../kubelet/pods/image-manager.ts';

it('recognises the locally built busybox image, with or without a tag', () => {
  assert.equal(localBusyboxImage('skiff.local/busybox'), 'skiff.local/busybox:latest');
  assert.equal(localBusyboxImage('skiff.local/busybox:1.36'), 'skiff.local/busybox:1.36');
  assert.equal(localBusyboxImage('busybox'), undefined);
  assert.equal(localBusyboxImage('skiff.local/pause:3.9'), undefined);
  assert.equal(localBusyboxImage('evil.example/skiff.local/busybox'), undefined);
});
