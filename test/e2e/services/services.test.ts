// Services on a real cluster (the launcher's, one node, its own chain prefix and service range): a 3-replica web
// Deployment behind a ClusterIP Service, reached from the host and from another pod, spread over all replicas;
// a NodePort on the node's address; readiness taking a pod out; ClientIP affinity; the rules going with the Service;
// and nothing but the proxy's own chains changing in iptables.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';

const run = promisify(execFile);
let cluster: Awaited<ReturnType<typeof testCluster>>;
let nodeIP: string;
let baseline: string;

/**
 * iptables-save without counters and without anything of Skiff's proxies: this cluster's chains, and those of other
 * tests' clusters (SK<n>-) or a user's cluster (KUBE-) that may run on this host at the same time.
 */
async function foreignRules(prefix: string): Promise<string> {
  const skiffOwned = new RegExp(`\\b(${prefix}|SK\\d+|KUBE)-[A-Z]`);
  const out: string[] = [];
  for (const table of ['filter', 'nat']) {
    const { stdout } = await run('iptables-save', ['-t', table]);
    for (const line of stdout.split('\n')) {
      if (line.startsWith('#') || skiffOwned.test(line)) continue;
      // Docker adds and removes its rules as containers and networks (other tests' clusters) come and go; they are
      // not the proxy's doing.
      if (/DOCKER/.test(line) && !/^:DOCKER/.test(line)) continue;
      if (/ -[io] (skp\d+|skfe2e[0-9a-f]+|skiff0|docker0|br-[0-9a-f]+) /.test(`${line} `)) continue;
      out.push(line.replace(/\[\d+:\d+\]/, ''));
    }
  }
  return out.join('\n');
}

function get(url: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
  });
}

async function answers(url: string, n: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const who = await get(url);
    seen.set(who, (seen.get(who) ?? 0) + 1);
  }
  return seen;
}

const manifest = (clusterIPType: string): string => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: httpd
        image: skiff.local/busybox
        command: [sh, -c, 'mkdir -p /www && hostname > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www']
        ports: [{name: http, containerPort: 8080}]
        readinessProbe:
          exec: {command: [cat, /tmp/ready]}
          periodSeconds: 1
          failureThreshold: 1
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: ${clusterIPType}
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;


async function serviceIP(name: string): Promise<string> {
  return (await cluster.kubectl('get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}')).trim();
}

before(async () => {
  cluster = await testCluster({ name: 'svc' });
  const up = await cluster.up();
  assert.equal(up.code, 0, up.stdout);
  nodeIP = (await cluster.kubectl('get', 'node', cluster.nodeNames[0], '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}')).trim();
  baseline = await foreignRules(cluster.proxyChainPrefix);
});
after(async () => {
  await cluster.reset();
});

describe('Services', () => {
  it('a ClusterIP Service answers from the host, spread over all three replicas', async () => {
    await cluster.kubectl.apply(manifest('NodePort'));
    await waitFor('web 3/3', async () => (/^web\s+3\/3/m.test(await cluster.kubectl('get', 'deploy', 'web')) ? true : undefined), 120_000);
    const ip = await serviceIP('web');
    await waitFor('three endpoints', async () => {
      const eps = await cluster.kubectl('get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[*].addresses[*].ip}');
      return eps.trim().split(/\s+/).length === 3 ? true : undefined;
    }, 30_000);
    const seen = await waitFor('all three replicas answering', async () => {
      const s = await answers(`http://${ip}/`, 30).catch(() => new Map());
      return s.size === 3 ? s : undefined;
    }, 30_000);
    const pods = (await cluster.kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(/\s+/).sort();
    assert.deepEqual([...seen.keys()].sort(), pods);
  });

  it('answers from another pod by ClusterIP', async () => {
    await cluster.kubectl('run', 'client', '--image=skiff.local/busybox', '--', 'sleep', '3600');
    await waitFor('client Running', async () => (/Running/.test(await cluster.kubectl('get', 'pod', 'client', '--no-headers')) ? true : undefined), 60_000);
    const ip = await serviceIP('web');
    const out = await cluster.kubectl('exec', 'client', '--', 'sh', '-c', `timeout 5 wget -qO- http://${ip}/`);
    assert.match(out.trim(), /^web-/);
  });

  it('pods find Services by name through the cluster DNS', async () => {
    const ip = await serviceIP('web');
    const lookup = await cluster.kubectl('exec', 'client', '--', 'nslookup', 'web.default.svc.cluster.local');
    assert.ok(lookup.includes(ip), lookup);
    const resolv = await cluster.kubectl('exec', 'client', '--', 'cat', '/etc/resolv.conf');
    assert.match(resolv, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(resolv, /options ndots:5/);
    // By the short name, through the search path.
    assert.match((await cluster.kubectl('exec', 'client', '--', 'sh', '-c', 'timeout 5 wget -qO- http://web/')).trim(), /^web-/);
    assert.match(await cluster.kubectlFails('exec', 'client', '--', 'nslookup', 'nothing.default.svc.cluster.local'), /NXDOMAIN|can't find/);
  });

  it('a NodePort answers on the node\'s address', async () => {
    const nodePort = (await cluster.kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].nodePort}')).trim();
    assert.match(nodePort, /^3\d{4}$/);
    assert.match(await get(`http://${nodeIP}:${nodePort}/`), /^web-/);
  });

  it('a pod that turns unready stops receiving traffic', async () => {
    const pods = (await cluster.kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(/\s+/);
    const victim = pods[0];
    await cluster.kubectl('exec', victim, '--', 'rm', '/tmp/ready');
    const ip = await serviceIP('web');
    await waitFor(`${victim} out of rotation`, async () => {
      const seen = await answers(`http://${ip}/`, 20);
      return !seen.has(victim) && seen.size === 2 ? true : undefined;
    }, 30_000);
    await cluster.kubectl('exec', victim, '--', 'touch', '/tmp/ready');
    await waitFor(`${victim} back`, async () => ((await answers(`http://${ip}/`, 30)).has(victim) ? true : undefined), 30_000);
  });

  it('ClientIP affinity sends one client to one pod', async () => {
    await cluster.kubectl('patch', 'svc', 'web', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}');
    const ip = await serviceIP('web');
    await waitFor('affinity rules', async () => {
      const { stdout } = await run('iptables-save', ['-t', 'nat']);
      return stdout.includes('--rcheck') && stdout.includes(`${cluster.proxyChainPrefix}-SVC-`) ? true : undefined;
    }, 20_000);
    const seen = await answers(`http://${ip}/`, 20);
    assert.equal(seen.size, 1, JSON.stringify([...seen]));
  });

  it('a Service without ready endpoints is refused at once, not left to time out', async () => {
    await cluster.kubectl('create', 'service', 'clusterip', 'empty', '--tcp=80:8080');
    const ip = await serviceIP('empty');
    await waitFor('REJECT rule', async () => {
      const { stdout } = await run('iptables-save', ['-t', 'filter']);
      return stdout.includes('default/empty:80-8080 has no endpoints') ? true : undefined;
    }, 20_000);
    await assert.rejects(get(`http://${ip}/`), /ECONNREFUSED|EHOSTUNREACH/);
  });

  it('deleting the Service removes its rules; only the proxy\'s chains changed', async () => {
    await cluster.kubectl('delete', 'svc', 'web', 'empty');
    await waitFor('rules gone', async () => {
      const { stdout } = await run('iptables-save');
      return !stdout.includes('default/web:http') && !stdout.includes('default/empty') ? true : undefined;
    }, 20_000);
    assert.equal(await foreignRules(cluster.proxyChainPrefix), baseline);
  });
});
