import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPod, defaultPodSpec, defaultPodTemplateSpec } from '../../../apiserver/api/defaults/pod.ts';
import { effectiveImageTag } from '../../../apiserver/api/image-reference.ts';
import type { Pod, PodTemplateSpec } from '../../../apiserver/api/types.ts';

function minimalPod(): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } };
}

test('a minimal pod gets every PodSpec, Pod and container default', () => {
  const pod = minimalPod();
  defaultPod(pod);
  const spec = pod.spec!;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  const c = spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Always');
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
});

test('a pod without a spec gets an empty one, so validation can ask for containers', () => {
  const pod: Pod = { metadata: { name: 'x' } };
  defaultPod(pod);
  assert.deepEqual(pod.spec?.containers, []);
  assert.equal(pod.spec?.restartPolicy, 'Always');
});

test('imagePullPolicy follows the tag the way Kubernetes reads image references', () => {
  const cases: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['docker.io/library/nginx', 'Always'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'Always'],
    ['Nginx', 'IfNotPresent'], // not a valid reference: no tag at all
    ['', 'IfNotPresent'],
  ];
  for (const [image, policy] of cases) {
    const pod: Pod = { spec: { containers: [{ name: 'c', image }] } };
    defaultPod(pod);
    assert.equal(pod.spec!.containers[0].imagePullPolicy, policy, image);
  }
  const explicit: Pod = { spec: { containers: [{ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }] } };
  defaultPod(explicit);
  assert.equal(explicit.spec!.containers[0].imagePullPolicy, 'Never');
});

test('effectiveImageTag reads registry ports and digests correctly', () => {
  assert.equal(effectiveImageTag('localhost:5000/app'), 'latest');
  assert.equal(effectiveImageTag('localhost:5000/app:1.0'), '1.0');
  assert.equal(effectiveImageTag(`app@sha256:${'0'.repeat(64)}`), '');
  assert.equal(effectiveImageTag('app:bad tag'), '');
});

test('ports, env field references, probes and hooks are defaulted in every container kind', () => {
  const pod: Pod = {
    spec: {
      initContainers: [{ name: 'init', image: 'busybox:1', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
      containers: [{
        name: 'app', image: 'app:1',
        ports: [{ containerPort: 80 }],
        env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        livenessProbe: { httpGet: { port: 80 } },
        readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
        lifecycle: { preStop: { httpGet: { port: 'http' } } },
      }],
    },
  };
  defaultPod(pod);
  const app = pod.spec!.containers[0];
  assert.equal(app.ports![0].protocol, 'TCP');
  assert.equal(pod.spec!.initContainers![0].ports![0].protocol, 'UDP');
  assert.equal(app.env![0].valueFrom!.fieldRef!.apiVersion, 'v1');
  assert.deepEqual(app.livenessProbe, {
    httpGet: { port: 80, path: '/', scheme: 'HTTP' },
    timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
  });
  assert.equal(app.readinessProbe!.periodSeconds, 5);
  assert.equal(app.readinessProbe!.timeoutSeconds, 1);
  assert.deepEqual(app.lifecycle!.preStop!.httpGet, { port: 'http', path: '/', scheme: 'HTTP' });
  assert.equal(pod.spec!.initContainers![0].imagePullPolicy, 'IfNotPresent');
});

test('volumes get their sources defaults; a volume with no source is an emptyDir', () => {
  const pod: Pod = {
    spec: {
      containers: [{ name: 'app', image: 'app:1' }],
      volumes: [
        { name: 'scratch' },
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
        { name: 'info', downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } },
        { name: 'all', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'l', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
        { name: 'host', hostPath: { path: '/var/log' } },
      ],
    },
  };
  defaultPod(pod);
  const [scratch, cfg, sec, info, all, host] = pod.spec!.volumes!;
  assert.deepEqual(scratch.emptyDir, {});
  assert.equal(cfg.configMap!.defaultMode, 420);
  assert.equal(sec.secret!.defaultMode, 0o400);
  assert.equal(info.downwardAPI!.defaultMode, 420);
  assert.equal(info.downwardAPI!.items![0].fieldRef!.apiVersion, 'v1');
  assert.equal(all.projected!.defaultMode, 420);
  assert.equal(all.projected!.sources![0].serviceAccountToken!.expirationSeconds, 3600);
  assert.equal(all.projected!.sources![1].downwardAPI!.items![0].fieldRef!.apiVersion, 'v1');
  assert.equal(host.hostPath!.type, '');
  assert.equal(host.emptyDir, undefined);
});

test('requests default from limits, per resource, for app and init containers of a pod', () => {
  const pod: Pod = {
    spec: {
      initContainers: [{ name: 'init', image: 'i:1', resources: { limits: { cpu: '1' } } }],
      containers: [{ name: 'app', image: 'a:1', resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } } }],
    },
  };
  defaultPod(pod);
  assert.deepEqual(pod.spec!.containers[0].resources!.requests, { cpu: '100m', memory: '128Mi' });
  assert.deepEqual(pod.spec!.initContainers![0].resources!.requests, { cpu: '1' });
});

test('quantities are stored in canonical form', () => {
  const pod: Pod = {
    spec: {
      containers: [{
        name: 'app', image: 'a:1',
        resources: { limits: { cpu: 2 as unknown as string, memory: '1.5Gi' }, requests: { cpu: '0.5', memory: '1024Mi' } },
      }],
    },
  };
  defaultPod(pod);
  assert.deepEqual(pod.spec!.containers[0].resources, { limits: { cpu: '2', memory: '1536Mi' }, requests: { cpu: '500m', memory: '1Gi' } });
});

test('hostNetwork pods use their container ports as host ports', () => {
  const pod: Pod = {
    spec: {
      hostNetwork: true,
      containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 9090 }] }],
    },
  };
  defaultPod(pod);
  assert.deepEqual(pod.spec!.containers[0].ports!.map((p) => p.hostPort), [8080, 9090]);
});

test('a pod template gets PodSpec defaults but not the pod-only ones', () => {
  const template: PodTemplateSpec = {
    metadata: { labels: { app: 'web' } },
    spec: {
      hostNetwork: true,
      containers: [{ name: 'app', image: 'a:1', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }],
    },
  };
  defaultPodTemplateSpec(template);
  const spec = template.spec!;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.containers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(spec.enableServiceLinks, undefined);
  assert.equal(spec.containers[0].resources!.requests, undefined);
  assert.equal(spec.containers[0].ports![0].hostPort, undefined);
});

test('explicit values are kept', () => {
  const pod: Pod = {
    spec: {
      restartPolicy: 'Never', dnsPolicy: 'Default', schedulerName: 'mine', terminationGracePeriodSeconds: 0,
      enableServiceLinks: false, securityContext: { runAsUser: 1000 },
      containers: [{ name: 'app', image: 'a:1', terminationMessagePolicy: 'FallbackToLogsOnError', terminationMessagePath: '/tmp/msg' }],
    },
  };
  defaultPod(pod);
  const spec = pod.spec!;
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.dnsPolicy, 'Default');
  assert.equal(spec.schedulerName, 'mine');
  assert.equal(spec.terminationGracePeriodSeconds, 0);
  assert.equal(spec.enableServiceLinks, false);
  assert.deepEqual(spec.securityContext, { runAsUser: 1000 });
  assert.equal(spec.containers[0].terminationMessagePolicy, 'FallbackToLogsOnError');
  assert.equal(spec.containers[0].terminationMessagePath, '/tmp/msg');
});

test('serviceAccount and serviceAccountName are kept in step, the new name winning', () => {
  const old: Pod = { spec: { serviceAccount: 'builder', containers: [{ name: 'a', image: 'a:1' }] } };
  defaultPod(old);
  assert.equal(old.spec!.serviceAccountName, 'builder');
  assert.equal(old.spec!.serviceAccount, 'builder');
  const both: Pod = { spec: { serviceAccount: 'stale', serviceAccountName: 'runner', containers: [{ name: 'a', image: 'a:1' }] } };
  defaultPod(both);
  assert.equal(both.spec!.serviceAccount, 'runner');
});

test('defaulting is idempotent', () => {
  const pod: Pod = {
    metadata: { name: 'p' },
    spec: {
      hostNetwork: true,
      containers: [{
        name: 'app', image: 'app', ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '1', memory: '1Gi' } }, livenessProbe: { exec: { command: ['true'] } },
      }],
      volumes: [{ name: 'v' }, { name: 'c', configMap: { name: 'c' } }],
    },
  };
  defaultPod(pod);
  const once = structuredClone(pod);
  defaultPod(pod);
  assert.deepEqual(pod, once);
  const spec = structuredClone(once.spec!);
  defaultPodSpec(spec);
  assert.deepEqual(spec, once.spec);
});
