// host-gw against a real apiserver, with its routes and packet filter rules made inside a network namespace this
// test creates (never in the host's own tables).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { resourceFor } from '../../../apiserver/api/resources.ts';
import type { Node } from '../../../apiserver/api/types.ts';
import { RestClient, loadKubeconfig } from '../../../apiserver/client/index.ts';
import { startHostGw, type HostGw } from '../../../kubelet/network/host-gw.ts';
import { HostNetwork, netnsRunner } from '../../../kubelet/network/host-net.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';

const nodes = resourceFor('', 'v1', 'nodes')!;
const ns = `skiff-hgw-${process.pid}`;

function canMakeNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const inNs = (cmd: string, ...args: string[]): string => execFileSync('ip', ['netns', 'exec', ns, cmd, ...args], { encoding: 'utf8' });

function node(name: string, ip: string, podCIDR?: string): Node {
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const routes = (): string => inNs('ip', '-4', 'route', 'show');

describe('host-gw in a network namespace', { skip: !canMakeNetns() && 'needs root and ip netns' }, () => {
  let api: TestApiserver;
  let client: RestClient;
  const stopper = new AbortController();
  let hostGw: HostGw | undefined;

  before(async () => {
    // The namespace's "LAN": a bridge holding this host's address, so the other nodes' addresses are on-link.
    inNs('ip', 'link', 'set', 'lo', 'up');
    inNs('ip', 'link', 'add', 'lan0', 'type', 'bridge');
    inNs('ip', 'addr', 'add', '192.168.77.10/24', 'dev', 'lan0');
    inNs('ip', 'link', 'set', 'lan0', 'up');
    api = await startApiserver();
    client = RestClient.fromKubeconfig(loadKubeconfig({ path: api.kubeconfig }));
  });

  after(async () => {
    stopper.abort();
    await hostGw?.done;
    client?.close();
    await api?.stop();
    api?.cleanup();
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  });

  it('waits for this node\'s pod CIDR, then routes the other nodes\' pod CIDRs via their addresses', async () => {
    await client.create(nodes, undefined, node('cp', '192.168.77.10'));
    await client.create(nodes, undefined, node('w1', '192.168.77.11', '10.244.1.0/24'));
    await client.create(nodes, undefined, node('w2', '192.168.77.12'));
    // Not on this segment: its route cannot be made, which must not hold up the others.
    await client.create(nodes, undefined, node('far', '172.31.0.1', '10.244.9.0/24'));
    // Someone else's route in the same range is none of host-gw's business.
    inNs('ip', 'route', 'add', '10.250.0.0/24', 'via', '192.168.77.13');

    const starting = startHostGw({
      client, logger: pino({ level: process.env.HGW_LOG ?? 'silent' }, pino.destination(2)), nodeName: 'cp', nodeIP: '192.168.77.10',
      clusterCIDR: '10.244.0.0/16', podBridge: 'skiff0', host: new HostNetwork(netnsRunner(ns)), resyncPeriodMs: 300,
    }, stopper.signal);
    let settled = false;
    void starting.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(settled, false, 'no pod network before the node has a pod CIDR');
    await client.patch(nodes, undefined, 'cp', { spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } }, 'merge');
    hostGw = await starting;
    assert.equal(hostGw?.podCIDR, '10.244.0.0/24');

    await waitFor('the route to w1\'s pods', () => routes().includes('10.244.1.0/24 via 192.168.77.11'));
    assert.doesNotMatch(routes(), /10\.244\.0\.0\/24 via/, 'no route for this node\'s own pods');
    assert.doesNotMatch(routes(), /10\.244\.9\.0/);
  });

  it('follows nodes getting a pod CIDR, moving and going away', async () => {
    await client.patch(nodes, undefined, 'w2', { spec: { podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] } }, 'merge');
    await waitFor('the route to w2\'s pods', () => routes().includes('10.244.2.0/24 via 192.168.77.12'));

    await client.patch(nodes, undefined, 'w2', { status: { addresses: [{ type: 'InternalIP', address: '192.168.77.22' }] } }, 'merge', { subresource: 'status' });
    await waitFor('w2\'s route via its new address', () => routes().includes('10.244.2.0/24 via 192.168.77.22'));

    await client.delete(nodes, undefined, 'w1');
    await waitFor('w1\'s route to go', () => !routes().includes('10.244.1.0/24'));
    assert.match(routes(), /10\.250\.0\.0\/24 via 192\.168\.77\.13/, 'a route that is not ours stays');
  });

  it('keeps its packet filter rules first in their chains, and puts back a route someone deleted', async () => {
    const forward = (): string[] => inNs('iptables', '-S', 'FORWARD').split('\n').filter((l) => l.startsWith('-A'));
    const postrouting = (): string[] => inNs('iptables', '-t', 'nat', '-S', 'POSTROUTING').split('\n').filter((l) => l.startsWith('-A'));
    await waitFor('the FORWARD rules', () => forward().length === 2);
    assert.match(forward()[0], /-s 10\.244\.0\.0\/16 .*-j ACCEPT/);
    assert.match(forward()[1], /-d 10\.244\.0\.0\/16 .*-j ACCEPT/);
    assert.match(postrouting()[0], /-s 10\.244\.0\.0\/16 -d 10\.244\.0\.0\/16 ! -o skiff0 .*-j RETURN/);

    // As Docker does when it starts: its own jump inserted above everything.
    inNs('iptables', '-N', 'DOCKER-USER');
    inNs('iptables', '-I', 'FORWARD', '1', '-j', 'DOCKER-USER');
    inNs('ip', 'route', 'del', '10.244.2.0/24');
    await waitFor('the rules back on top', () => forward().length === 3 && forward()[2] === '-A FORWARD -j DOCKER-USER');
    await waitFor('the deleted route back', () => routes().includes('10.244.2.0/24 via 192.168.77.22'));
  });
});
