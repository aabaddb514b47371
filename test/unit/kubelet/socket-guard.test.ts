import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindExposes } from '../../../kubelet/runtime/socket-guard.ts';

test('the socket itself and every directory above it expose it', () => {
  for (const p of ['/var/run/docker.sock', '/var/run', '/var/run/', '/var', '/', '/var/run/../run']) {
    assert.equal(bindExposes(p, '/var/run/docker.sock'), true, p);
  }
});

test('siblings and look-alike prefixes do not', () => {
  for (const p of ['/var/run/docker', '/var/run/docker.sock2', '/var/lib/skiff', '/var/ru', '/tmp']) {
    assert.equal(bindExposes(p, '/var/run/docker.sock'), false, p);
  }
});
