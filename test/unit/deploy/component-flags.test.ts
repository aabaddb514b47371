import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiserverFlags, kubeletFlags, renderEnvFile } from '../../../deploy/lib/component-flags.ts';
import { argsVariable, installLayout } from '../../../deploy/lib/install-layout.ts';

const settings = {
  nodeName: 'cp-1', nodeIP: '192.168.56.10', podCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/16', dnsUpstream: '',
  advertiseAddress: '192.168.56.10', apiserverPort: 6443,
};

describe('install layout', () => {
  it('hangs every path off the root, and names the host\'s paths at /', () => {
    const onHost = installLayout('/');
    assert.equal(onHost.tokenFile, '/etc/skiff/tokens.csv');
    assert.equal(onHost.apiserverCAFile, '/etc/skiff/pki/apiserver/ca.crt');
    assert.equal(onHost.apiserverDataDir, '/var/lib/skiff/apiserver');
    const below = installLayout('/tmp/root');
    assert.equal(below.tokenFile, '/tmp/root/etc/skiff/tokens.csv');
    assert.equal(below.unitDir, '/tmp/root/etc/systemd/system');
    assert.equal(argsVariable('controller-manager'), 'SKIFF_CONTROLLER_MANAGER_ARGS');
  });
});

describe('component flags', () => {
  it('point the apiserver at the files install makes', () => {
    const flags = apiserverFlags(settings);
    assert.deepEqual(flags.slice(0, 4), ['--secure-port', '6443', '--advertise-address', '192.168.56.10']);
    assert.ok(flags.includes('/etc/skiff/tokens.csv'));
    // Authorization as kubeadm sets it up: the Node authorizer for kubelets, RBAC for everyone else.
    assert.equal(flags[flags.indexOf('--authorization-mode') + 1], 'Node,RBAC');
  });

  it('give the kubelet host-gw routing and its own DNS, and an upstream only when there is one', () => {
    const flags = kubeletFlags(settings);
    assert.ok(flags.includes('--host-gw-routes'));
    assert.equal(flags[flags.indexOf('--cluster-dns-bind') + 1], '192.168.56.10');
    assert.ok(!flags.includes('--dns-upstream'));
    const withUpstream = kubeletFlags({ ...settings, dnsUpstream: '192.168.56.1' });
    assert.equal(withUpstream[withUpstream.indexOf('--dns-upstream') + 1], '192.168.56.1');
  });
});

describe('renderEnvFile', () => {
  it('writes one quoted line systemd and sh read alike', () => {
    const text = renderEnvFile('scheduler', ['--kubeconfig', '/etc/skiff/kubeconfigs/scheduler.kubeconfig']);
    assert.match(text, /^SKIFF_SCHEDULER_ARGS="--kubeconfig \/etc\/skiff\/kubeconfigs\/scheduler\.kubeconfig"$/m);
    assert.equal(text.split('\n').filter((l) => l && !l.startsWith('#')).length, 1);
  });

  it('refuses a value that would need quoting (systemd splits $VAR on white space)', () => {
    for (const bad of ['two words', 'a"b', '$(id)', 'a\\b', '']) {
      assert.throws(() => renderEnvFile('kubelet', ['--node-labels', bad]), /cannot go in an environment file/);
    }
  });
});
