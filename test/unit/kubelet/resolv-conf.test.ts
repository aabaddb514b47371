import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResolvConf } from '../../../kubelet/runtime/resolv-conf.ts';

test('resolv.conf: nameservers, one search line, one options line', () => {
  assert.equal(formatResolvConf({
    nameservers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'],
  }), 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  assert.equal(formatResolvConf({ nameservers: ['1.1.1.1', '8.8.8.8'], searches: [], options: [] }), 'nameserver 1.1.1.1\nnameserver 8.8.8.8\n');
});

test('a value cannot smuggle in another directive', () => {
  assert.throws(() => formatResolvConf({ nameservers: ['10.0.0.1\nnameserver 6.6.6.6'], searches: [], options: [] }), /invalid/);
  assert.throws(() => formatResolvConf({ nameservers: [], searches: ['a b'], options: [] }), /invalid/);
  assert.throws(() => formatResolvConf({ nameservers: [], searches: [], options: [''] }), /invalid/);
});
