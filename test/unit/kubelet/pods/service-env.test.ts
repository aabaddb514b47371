import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Pod, Service } from '../../../../apiserver/api/types.ts';
import { serviceLinkEnv } from '../../../../kubelet/pods/service-env.ts';

const svc = (ns: string, name: string, clusterIP: string, ports: { name?: string; port: number; protocol?: string }[]): Service =>
  ({ metadata: { namespace: ns, name }, spec: { clusterIP, ports } });
const pod = (ns: string, enableServiceLinks?: boolean): Pod =>
  ({ metadata: { namespace: ns, name: 'p' }, spec: { containers: [], ...(enableServiceLinks === undefined ? {} : { enableServiceLinks }) } });

const services = [
  svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
  svc('shop', 'redis-primary', '10.96.0.11', [{ port: 6379 }]),
  svc('shop', 'web', '10.96.0.12', [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }]),
  svc('shop', 'headless', 'None', [{ port: 80 }]),
  svc('other', 'elsewhere', '10.96.0.13', [{ port: 80 }]),
];

it('gives kube\'s Docker-link variables for the namespace\'s Services and the kubernetes Service', () => {
  const env = Object.fromEntries(serviceLinkEnv(pod('shop'), services).map((e) => [e.name, e.value]));
  assert.equal(env.REDIS_PRIMARY_SERVICE_HOST, '10.96.0.11');
  assert.equal(env.REDIS_PRIMARY_SERVICE_PORT, '6379');
  assert.equal(env.REDIS_PRIMARY_PORT, 'tcp://10.96.0.11:6379');
  assert.equal(env.REDIS_PRIMARY_PORT_6379_TCP_ADDR, '10.96.0.11');
  assert.equal(env.WEB_SERVICE_PORT_HTTP, '80');
  assert.equal(env.WEB_PORT_53_UDP, 'udp://10.96.0.12:53');
  assert.equal(env.WEB_PORT_53_UDP_PROTO, 'udp');
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined);
  assert.equal(env.ELSEWHERE_SERVICE_HOST, undefined);
});

it('enableServiceLinks: false leaves only the kubernetes Service', () => {
  const names = serviceLinkEnv(pod('shop', false), services).map((e) => e.name);
  assert.ok(names.length > 0);
  assert.ok(names.every((n) => n.startsWith('KUBERNETES_')));
});
