// The tour: the well-formed example manifests of the documents Skiff was created from, applied unchanged with
// kubectl to a real cluster (the launcher's), each checked to reach the state the documents describe. The images
// they name (nginx:1.7.9, busybox, kubeguide/tomcat-app:v1, ...) are busybox stand-ins (tour-images.ts) served by a
// Docker Hub mirror on loopback; the test removes them from Docker first, so the kubelet really pulls each one, and
// checks at the end that every pull went through the mirror.
//
// Not applied (the seed inventory's section 5 lists every example): #9 needs a /data directory on the host, #13
// would put a web server on the host's
// port 80, #5-#7 need an aws-ebs provisioner and #44 a cloud load balancer; the others are fragments or not
// valid YAML as written.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { testCluster } from '../../helpers/cluster.ts';
import { waitFor } from '../../helpers/component.ts';
import { newTestLabel, removeLabelled } from '../../helpers/docker-cleanup.ts';
import { daemonMirrors, ensureDaemonMirror, mirrorUrl } from '../../helpers/docker-mirror-config.ts';
import { ensureDocker } from '../../helpers/images.ts';
import { hubRepository, startRegistryMirror, type RegistryMirror } from '../../helpers/registry-mirror.ts';
import { buildTourImages, removeHubCopies, tourImages } from './tour-images.ts';

const manifests = path.join(path.dirname(fileURLToPath(import.meta.url)), 'manifests');
const label = newTestLabel('tour');
let docker: Docker;
let cluster: Awaited<ReturnType<typeof testCluster>> | undefined;
let mirror: RegistryMirror | undefined;
const mirrorLog: string[] = [];

function k(): NonNullable<typeof cluster> {
  assert.ok(cluster, 'the cluster did not start');
  return cluster;
}

/** `kubectl apply -f` of a seed manifest, unchanged. */
async function apply(file: string, ...args: string[]): Promise<string> {
  return k().kubectl('apply', '-f', path.join(manifests, file), ...args);
}

async function jsonpath(args: string[], expr: string): Promise<string> {
  return (await k().kubectl('get', ...args, '-o', `jsonpath=${expr}`)).trim();
}

/** Waits until the pod is Running with every container ready; returns its IP. */
async function podReady(name: string, namespace = 'default'): Promise<string> {
  return waitFor(`pod ${namespace}/${name} Running and ready`, async () => {
    const [phase, ip, ...ready] = (await jsonpath(['pod', name, '-n', namespace], '{.status.phase} {.status.podIP} {.status.containerStatuses[*].ready}')).split(/\s+/);
    return phase === 'Running' && ready.length > 0 && ready.every((r) => r === 'true') ? ip : undefined;
  }, 60_000);
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

/** What a TCP server at host:port sends back for `line` (the redis stand-in echoes). */
function echo(host: string, port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = net.connect({ host, port, timeout: 3000 }, () => socket.write(`${line}\n`));
    socket.on('data', (d: Buffer) => { got += d.toString(); if (got.includes('\n')) socket.end(); });
    socket.on('end', () => resolve(got.trim()));
    socket.on('timeout', () => socket.destroy(new Error(`timeout: ${host}:${port}`)));
    socket.on('error', reject);
  });
}

before(async () => {
  ensureDocker();
  docker = new Docker();
  // First, so that a daemon that cannot be pointed at the mirror stops the test before anything else is built.
  await ensureDaemonMirror();
  cluster = await testCluster({ name: 'tour' });
  // Settled, not all: after() must not reset a cluster that is still coming up.
  const [up, images] = await Promise.allSettled([cluster.up(), buildTourImages(docker, label)]);
  if (up.status === 'rejected') throw up.reason;
  assert.equal(up.value.code, 0, up.value.stdout);
  if (images.status === 'rejected') throw images.reason;
  mirror = await startRegistryMirror(images.value, { log: (line) => mirrorLog.push(line) });
  // Docker falls back to Docker Hub when it has no mirror (or the mirror fails): never create a pod without one.
  const mirrors = await daemonMirrors(docker);
  if (!mirrors.some((m) => m.replace(/\/$/, '') === mirrorUrl)) {
    throw new Error(`dockerd does not use the registry mirror ${mirrorUrl} (docker info shows ${JSON.stringify(mirrors)}); `
      + 'refusing to create pods whose images dockerd would then try to pull from the internet');
  }
});

after(async () => {
  await cluster?.reset();
  await mirror?.close();
  await removeLabelled(label);
  if (docker) await removeHubCopies(docker);
});

describe('the tour: the seed documents\' manifests, unchanged', () => {
  it('#34 creates the Namespace development', async () => {
    assert.match(await apply('34-namespace-development.yaml'), /namespace\/development created/);
    assert.equal(await jsonpath(['namespace', 'development'], '{.status.phase}'), 'Active');
  });

  it('#25 runs the nginx Deployment with 2 ready replicas of nginx:1.7.9', async () => {
    await apply('25-nginx-deployment.yaml');
    assert.match(await k().kubectl('rollout', 'status', 'deployment/nginx-deployment', '--timeout=120s'), /successfully rolled out/);
    assert.match(await k().kubectl('get', 'deployment', 'nginx-deployment'), /^nginx-deployment\s+2\/2\s+2\s+2\s/m);
    const ips = (await jsonpath(['pods', '-l', 'app=nginx'], '{.items[*].status.podIP}')).split(/\s+/);
    assert.equal(ips.length, 2);
    for (const ip of ips) assert.equal(await get(`http://${ip}/`), 'Welcome to nginx!');
  });

  it('#26 the ReplicaSet nginx-set: adopted and scaled away by the Deployment whose selector takes it, 3 ready on its own', async () => {
    // Its labels (app: nginx) match the Deployment's selector, and it has no owner: Kubernetes' Deployment
    // controller adopts orphan ReplicaSets its selector matches (ClaimReplicaSets). Its template equals the
    // Deployment's but it is newer than the Deployment's own ReplicaSet, so it is an old ReplicaSet of the rollout,
    // scaled down to 0. Pods never change hands: each carries its controller's ownerReference.
    await apply('26-nginx-set.yaml');
    await waitFor('nginx-set adopted by nginx-deployment and scaled to 0', async () => {
      const [owner, replicas] = (await jsonpath(['rs', 'nginx-set'], '{.metadata.ownerReferences[0].name} {.spec.replicas}')).split(' ');
      return owner === 'nginx-deployment' && replicas === '0' ? true : undefined;
    }, 60_000);
    await waitFor('nginx-set\'s pods gone', async () => {
      const owners = await jsonpath(['pods', '-l', 'app=nginx'], '{.items[*].metadata.ownerReferences[0].name}');
      return owners.split(/\s+/).every((o) => o.startsWith('nginx-deployment-')) ? true : undefined;
    }, 60_000);
    assert.match(await k().kubectl('get', 'deployment', 'nginx-deployment'), /^nginx-deployment\s+2\/2\s+2\s+2\s/m);
    // In a namespace of its own, where nothing else selects it, it keeps its 3 replicas.
    await apply('26-nginx-set.yaml', '-n', 'development');
    await waitFor('nginx-set 3/3 ready in development', async () => (
      /^nginx-set\s+3\s+3\s+3\s/m.test(await k().kubectl('get', 'rs', 'nginx-set', '-n', 'development')) ? true : undefined), 90_000);
  });

  it('#8 runs test-pod with an emptyDir mounted at /data', async () => {
    await apply('08-test-pod.yaml');
    await podReady('test-pod');
    assert.equal((await k().kubectl('exec', 'test-pod', '--', 'sh', '-c', 'echo kept > /data/f && cat /data/f')).trim(), 'kept');
    assert.equal(await jsonpath(['pod', 'test-pod'], '{.spec.volumes[0].emptyDir}'), '{}');
  });

  it('#12 runs nginx with a shared process namespace: the shell container sees nginx\'s processes', async () => {
    await apply('12-nginx-shared-pid.yaml');
    await podReady('nginx');
    const ps = await k().kubectl('exec', 'nginx', '-c', 'shell', '--', 'ps');
    assert.match(ps, /httpd -f -p 80 -h \/usr\/share\/nginx\/html/);
  });

  it('#36 and #37: cm-test-pod reads the ConfigMap cm-appvars into its environment and completes', async () => {
    await apply('36-cm-appvars.yaml');
    await apply('37-cm-test-pod.yaml');
    await waitFor('cm-test-pod Completed', async () => (
      /^cm-test-pod\s+0\/1\s+Completed\s/m.test(await k().kubectl('get', 'pod', 'cm-test-pod')) ? true : undefined), 60_000);
    const logs = await k().kubectl('logs', 'cm-test-pod');
    assert.match(logs, /^APPLOGLEVEL=info$/m);
    assert.match(logs, /^APPDATADIR=\/var\/data$/m);
  });

  it('#43 a Service with nodePort 8081 is refused: outside the node port range', async () => {
    const out = await k().kubectlFails('apply', '-f', path.join(manifests, '43-webapp-nodeport.yaml'), '-v=6');
    assert.match(out, /POST \S+\/services\S* 422 Unprocessable Entity/);
    assert.match(out, /The Service "webapp" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 8081: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
  });

  it('#39 and #40: the ReplicationController webapp behind the Service webapp answers on its ClusterIP port 8081', async () => {
    await apply('39-webapp-rc.yaml');
    await apply('40-webapp-service.yaml');
    await waitFor('webapp 2 ready', async () => (/^webapp\s+2\s+2\s+2\s/m.test(await k().kubectl('get', 'rc', 'webapp')) ? true : undefined), 90_000);
    const pods = (await jsonpath(['pods', '-l', 'app=webapp'], '{.items[*].metadata.name}')).split(/\s+/).sort();
    assert.equal(pods.length, 2);
    await waitFor('two endpoints on 8080', async () => {
      const [ips, port] = (await jsonpath(['endpoints', 'webapp'], '{.subsets[0].addresses[*].ip}|{.subsets[0].ports[0].port}')).split('|');
      return ips.split(/\s+/).filter(Boolean).length === 2 && port === '8080' ? true : undefined;
    }, 30_000);
    const ip = await jsonpath(['svc', 'webapp'], '{.spec.clusterIP}');
    const answer = await waitFor('the Service answering', () => get(`http://${ip}:8081/`).catch(() => undefined), 30_000);
    assert.ok(pods.includes(answer), `${answer} is not one of ${pods.join(', ')}`);
  });

  it('#27 runs myweb (kubeguide/tomcat-app:v1) with its environment, answering on 8080', async () => {
    await apply('27-myweb.yaml');
    const ip = await podReady('myweb');
    assert.equal(await get(`http://${ip}:8080/`), 'myweb');
    const env = await k().kubectl('exec', 'myweb', '--', 'env');
    assert.match(env, /^MYSQL_SERVICE_HOST=mysql$/m);
    assert.match(env, /^MYSQL_SERVICE_PORT=3306$/m);
  });

  it('#35 runs redis-php with both containers ready, each on its port', async () => {
    await apply('35-redis-php.yaml');
    const ip = await podReady('redis-php');
    assert.match(await k().kubectl('get', 'pod', 'redis-php'), /^redis-php\s+2\/2\s+Running\s/m);
    assert.equal(await get(`http://${ip}/`), 'Guestbook');
    assert.equal(await echo(ip, 6379, 'PING'), 'PING');
  });

  it('#15-#17: the Role pod-reader bound to jane lets her read pods in default and nothing else; the ClusterRole secret-reader exists', async () => {
    assert.match(await apply('15-role-pod-reader.yaml'), /role\.rbac\.authorization\.k8s\.io\/pod-reader created/);
    assert.match(await apply('16-clusterrole-secret-reader.yaml'), /clusterrole\.rbac\.authorization\.k8s\.io\/secret-reader created/);
    assert.match(await apply('17-rolebinding-read-pods.yaml'), /rolebinding\.rbac\.authorization\.k8s\.io\/read-pods created/);
    // The launcher's apiserver authorizes with Node,RBAC, so these answers come from the bindings just made.
    // `auth can-i` prints yes and exits 0, or prints no and exits 1.
    const yes = async (...args: string[]): Promise<string> => (await k().kubectl('auth', 'can-i', ...args, '--as=jane')).trim();
    const no = async (...args: string[]): Promise<string> => (await k().kubectlFails('auth', 'can-i', ...args, '--as=jane')).trim();
    assert.equal(await yes('list', 'pods', '-n', 'default'), 'yes');
    assert.equal(await yes('watch', 'pods', '-n', 'default'), 'yes');
    assert.equal(await no('delete', 'pods', '-n', 'default'), 'no');
    assert.equal(await no('list', 'pods', '-n', 'development'), 'no');
    assert.equal(await no('list', 'secrets', '-n', 'default'), 'no');
  });

  it('#32: the autoscaling/v1 HPA php-apache is stored, and the HPA controller reports its missing Deployment', async () => {
    assert.match(await apply('32-hpa-php-apache.yaml'), /horizontalpodautoscaler\.autoscaling\/php-apache created/);
    assert.equal(await jsonpath(['horizontalpodautoscalers.v1.autoscaling', 'php-apache'], '{.spec.targetCPUUtilizationPercentage}'), '90');
    await waitFor('php-apache reports FailedGetScale', async () => {
      const reason = await jsonpath(['hpa', 'php-apache'], '{.status.conditions[?(@.type=="AbleToScale")].reason}');
      return reason === 'FailedGetScale' ? true : undefined;
    }, 60_000);
  });

  it('pulled every image through the mirror', (t) => {
    assert.ok(mirror);
    for (const line of mirrorLog) t.diagnostic(`mirror: ${line}`);
    const pulled = new Set(mirror.pulledTags());
    for (const ref of tourImages.keys()) {
      const { name, tag } = hubRepository(ref);
      assert.ok(pulled.has(`${name}:${tag}`), `${ref} was not pulled through the mirror: ${[...pulled].join(', ')}`);
    }
    const misses = mirror.requests.filter((r) => r.status !== 200);
    assert.deepEqual(misses, [], 'a request the mirror could not answer sends dockerd on to Docker Hub');
  });
});
