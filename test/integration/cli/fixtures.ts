// A small, varied cluster state for comparing skiffctl with kubectl: two namespaces, a node with status, pods in
// several phases (one running with container statuses and restarts), a deployment, services, config maps and events.
import assert from 'node:assert/strict';
import type { TestApiserver } from '../../helpers/apiserver.ts';

async function ok(api: TestApiserver, method: string, url: string, body: unknown): Promise<Record<string, any>> {
  const res = await api.request(method, url, { body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
  return res.body;
}

const ago = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

export async function createFixtures(api: TestApiserver): Promise<void> {
  await ok(api, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { team: 'a' } } });

  const node = await ok(api, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/control-plane': '', disk: 'ssd' } },
    spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], taints: [{ key: 'dedicated', value: 'infra', effect: 'PreferNoSchedule' }] },
  });
  await ok(api, 'PUT', '/api/v1/nodes/node-1/status', {
    ...node,
    status: {
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: ago(30), lastTransitionTime: ago(3600) },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: ago(30), lastTransitionTime: ago(3600) },
      ],
      addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'node-1' }],
      capacity: { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      allocatable: { cpu: '3800m', memory: '7Gi', pods: '110', 'ephemeral-storage': '90Gi' },
      nodeInfo: {
        machineID: 'm-1', systemUUID: 'u-1', bootID: 'b-1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'docker://24.0.7', kubeletVersion: 'v1.31.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  });

  await ok(api, 'POST', '/apis/apps/v1/namespaces/default/deployments', {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web', tier: 'frontend' }, annotations: { owner: 'team-web' } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  });

  for (const [name, data] of [['settings', { a: '1', b: 'two' }], ['empty', {}], ['long-configmap-name-for-alignment', { x: 'y' }]] as const) {
    await ok(api, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { kind: 'config' } }, data });
  }
  await ok(api, 'POST', '/api/v1/namespaces/team-a/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'team-settings' }, data: { k: 'v' } });

  await ok(api, 'POST', '/api/v1/namespaces/default/services', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] },
  });
  await ok(api, 'POST', '/api/v1/namespaces/team-a/services', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' },
    spec: { type: 'NodePort', selector: { app: 'api' }, ports: [{ port: 8080, protocol: 'TCP' }] },
  });

  // A running pod with a restart, a pending one, and a failed one in the other namespace.
  const running = await ok(api, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'runner', labels: { app: 'runner', tier: 'backend' }, annotations: { note: 'hello' } },
    spec: {
      nodeName: 'node-1',
      containers: [{
        name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080, name: 'http' }],
        resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        env: [{ name: 'MODE', value: 'prod' }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        volumeMounts: [{ name: 'cache', mountPath: '/cache' }],
      }],
      volumes: [{ name: 'cache', emptyDir: {} }],
    },
  });
  await ok(api, 'PUT', '/api/v1/namespaces/default/pods/runner/status', {
    ...running,
    status: {
      phase: 'Running', hostIP: '10.0.0.5', hostIPs: [{ ip: '10.0.0.5' }], podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }],
      startTime: ago(600), qosClass: 'Burstable',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: ago(600) },
        { type: 'Ready', status: 'True', lastTransitionTime: ago(500) },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: ago(500) },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(600) },
      ],
      containerStatuses: [{
        name: 'app', image: 'busybox:1.36', imageID: 'docker-pullable://busybox@sha256:abc', containerID: 'docker://0123abcd',
        ready: true, started: true, restartCount: 2,
        state: { running: { startedAt: ago(300) } },
        lastState: { terminated: { exitCode: 137, reason: 'Error', startedAt: ago(500), finishedAt: ago(301) } },
      }],
    },
  });
  await ok(api, 'POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'waiting', labels: { app: 'waiting' } },
    spec: { containers: [{ name: 'main', image: 'nginx:1.25' }], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] },
  });
  await ok(api, 'POST', '/api/v1/namespaces/team-a/pods', {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'batch-1', labels: { app: 'batch' } },
    spec: { restartPolicy: 'Never', containers: [{ name: 'job', image: 'busybox:1.36', args: ['false'] }] },
  });

  // Events about the running pod and the node, as the scheduler and kubelet would record them.
  const uid = running.metadata.uid as string;
  const event = (name: string, fields: Record<string, unknown>): Promise<unknown> => ok(api, 'POST', '/api/v1/namespaces/default/events', {
    apiVersion: 'v1', kind: 'Event', metadata: { name }, type: 'Normal', count: 1, ...fields,
  });
  await event('runner.1', {
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'runner', uid, apiVersion: 'v1' },
    reason: 'Scheduled', message: 'Successfully assigned default/runner to node-1', source: { component: 'default-scheduler' },
    firstTimestamp: ago(600), lastTimestamp: ago(600),
  });
  await event('runner.2', {
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'runner', uid, apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app', source: { component: 'kubelet', host: 'node-1' },
    count: 4, firstTimestamp: ago(500), lastTimestamp: ago(310),
  });
  await ok(api, 'POST', '/api/v1/namespaces/default/events', {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'node-1.1' }, type: 'Normal',
    involvedObject: { kind: 'Node', name: 'node-1', uid: 'node-1', apiVersion: 'v1' },
    reason: 'NodeReady', message: 'Node node-1 status is now: NodeReady', source: { component: 'kubelet', host: 'node-1' },
    count: 1, firstTimestamp: ago(3600), lastTimestamp: ago(3600),
  });
}
