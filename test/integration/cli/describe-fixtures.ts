// Objects of every kind with a dedicated kubectl describe layout beyond pods, nodes, deployments, replica sets and
// config maps: each kind once filled in (status, owners, events) and once with its optional fields left out, in a
// namespace of their own ("kinds") so the other describe tests' listings stay as they were.
import assert from 'node:assert/strict';
import type { TestApiserver } from '../../helpers/apiserver.ts';

export const ns = 'kinds';

async function ok(api: TestApiserver, method: string, url: string, body: unknown): Promise<Record<string, any>> {
  const res = await api.request(method, url, { body });
  assert.ok(res.status >= 200 && res.status < 300, `${method} ${url}: ${res.status} ${res.text}`);
  return res.body;
}

/** Creates the object, then (when given) writes its status through the status subresource. */
async function create(api: TestApiserver, collection: string, obj: Record<string, unknown>, status?: Record<string, unknown>): Promise<Record<string, any>> {
  const created = await ok(api, 'POST', collection, obj);
  if (!status) return created;
  const name = (created.metadata as { name: string }).name;
  return ok(api, 'PUT', `${collection}/${name}/status`, { ...created, status });
}

const ago = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const template = (labels: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { labels },
  spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }], ...extra },
});

/** An event about `obj`, as the controllers and kubelet record them. */
async function event(api: TestApiserver, obj: Record<string, any>, name: string, fields: Record<string, unknown>): Promise<void> {
  await ok(api, 'POST', `/api/v1/namespaces/${obj.metadata.namespace ?? 'default'}/events`, {
    apiVersion: 'v1', kind: 'Event', metadata: { name }, type: 'Normal', count: 1,
    involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion },
    firstTimestamp: ago(900), lastTimestamp: ago(900), ...fields,
  });
}

/** A pod owned by `owner` in the given phase, so the workload describers have pods to count. */
async function ownedPod(api: TestApiserver, owner: Record<string, any>, name: string, labels: Record<string, string>, phase: string): Promise<void> {
  await create(api, `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, labels, ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }] },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36' }] },
  }, { phase });
}

export async function createKindFixtures(api: TestApiserver): Promise<void> {
  const core = `/api/v1/namespaces/${ns}`;
  await ok(api, 'POST', '/api/v1/namespaces', {
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { purpose: 'describe' }, annotations: { owner: 'cli-tests' } },
  });
  // A namespace with a quota and limit ranges, next to "kinds" which has none.
  await ok(api, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'limited' } });
  await create(api, '/api/v1/namespaces/limited/resourcequotas', {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' },
    spec: { hard: { pods: '10', 'requests.cpu': '2' }, scopes: ['NotTerminating'] },
  }, { hard: { pods: '10', 'requests.cpu': '2' }, used: { pods: '1', 'requests.cpu': '250m' } });
  await ok(api, 'POST', '/api/v1/namespaces/limited/limitranges', {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults' },
    spec: { limits: [{ type: 'Container', default: { memory: '256Mi' }, defaultRequest: { memory: '128Mi' }, max: { memory: '1Gi' } }] },
  });

  // A namespace whose status carries conditions, as the namespace controller writes them while deleting.
  const closing = await ok(api, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'closing' } });
  await ok(api, 'PUT', '/api/v1/namespaces/closing/status', {
    ...closing,
    status: {
      phase: 'Active',
      conditions: [{ type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered', lastTransitionTime: ago(900) }],
    },
  });

  // Services: two named ports with events, a NodePort one with an unnamed string target port, an ExternalName.
  const web = await create(api, `${core}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' }, annotations: { team: 'frontend' } },
    spec: { selector: { app: 'web', tier: 'front' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' }], sessionAffinity: 'ClientIP' },
  });
  await event(api, web, 'web.1', { reason: 'Synced', message: 'service synced', source: { component: 'service-controller' } });
  await create(api, `${core}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'nodes' },
    spec: { type: 'NodePort', selector: { app: 'api' }, ports: [{ port: 8080, targetPort: 'http' }], externalTrafficPolicy: 'Local' },
  });
  await create(api, `${core}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'outside' }, spec: { type: 'ExternalName', externalName: 'example.com' },
  });
  await create(api, `${core}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 5432 }] },
  });

  // Endpoints: ready and not-ready addresses with ports; one with no subsets.
  await create(api, `${core}/endpoints`, {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', labels: { app: 'web' } },
    subsets: [
      { addresses: [{ ip: '10.244.0.7' }, { ip: '10.244.0.8' }], notReadyAddresses: [{ ip: '10.244.0.9' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] },
      { notReadyAddresses: [{ ip: '10.244.1.2' }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ],
  });
  await create(api, `${core}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'empty' } });

  // Secrets: one key (kubectl's key order is random), a service account token, no data at all.
  await create(api, `${core}/secrets`, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', labels: { app: 'web' } }, type: 'Opaque',
    data: { password: Buffer.from('s3cr3t-value').toString('base64') },
  });
  const robot = await create(api, `${core}/serviceaccounts`, {
    apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', labels: { app: 'web' } },
    secrets: [{ name: 'robot-token' }, { name: 'gone' }], imagePullSecrets: [{ name: 'registry' }],
  });
  await create(api, `${core}/secrets`, {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
    metadata: { name: 'robot-token', annotations: { 'kubernetes.io/service-account.name': 'robot', 'kubernetes.io/service-account.uid': robot.metadata.uid } },
    data: { token: Buffer.from('abc.def.ghi').toString('base64') },
  });
  await create(api, `${core}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'nothing' } });
  await event(api, robot, 'robot.1', { type: 'Warning', reason: 'Missing', message: 'secret gone not found', source: { component: 'tests' }, count: 3, firstTimestamp: ago(600) });
  await create(api, `${core}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'plain' } });

  // Jobs: one that ran to completion (owned by the cron job below), an Indexed one, one left to defaults.
  const nightly = await create(api, `/apis/batch/v1/namespaces/${ns}/cronjobs`, {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', labels: { app: 'batch' } },
    spec: {
      schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 5, startingDeadlineSeconds: 120,
      jobTemplate: { spec: { parallelism: 2, completions: 4, activeDeadlineSeconds: 600, template: template({ app: 'batch' }, { restartPolicy: 'OnFailure' }) } },
    },
  }, { lastScheduleTime: ago(3600), active: [{ kind: 'Job', namespace: ns, name: 'nightly-1', apiVersion: 'batch/v1' }, { kind: 'Job', namespace: ns, name: 'nightly-2', apiVersion: 'batch/v1' }] });
  await event(api, nightly, 'nightly.1', { reason: 'SuccessfulCreate', message: 'Created job nightly-1', source: { component: 'cronjob-controller' } });
  await create(api, `/apis/batch/v1/namespaces/${ns}/cronjobs`, {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'bare' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({ app: 'bare' }, { restartPolicy: 'Never' }) } } },
  });
  const done = await create(api, `/apis/batch/v1/namespaces/${ns}/jobs`, {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'nightly-1', labels: { app: 'batch' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: nightly.metadata.uid, controller: true }] },
    spec: { parallelism: 2, completions: 4, backoffLimit: 2, ttlSecondsAfterFinished: 100, activeDeadlineSeconds: 600, template: template({ app: 'batch' }, { restartPolicy: 'OnFailure' }) },
  }, {
    startTime: ago(3600), completionTime: ago(3300), succeeded: 4, failed: 1, ready: 0, active: 0,
    conditions: [{ type: 'Complete', status: 'True', lastProbeTime: ago(3300), lastTransitionTime: ago(3300) }],
  });
  await event(api, done, 'nightly-1.1', { reason: 'SuccessfulCreate', message: 'Created pod: nightly-1-abcde', source: { component: 'job-controller' }, firstTimestamp: ago(3600), lastTimestamp: ago(3600) });
  await event(api, done, 'nightly-1.2', { reason: 'Completed', message: 'Job completed', source: { component: 'job-controller' }, firstTimestamp: ago(3300), lastTimestamp: ago(3300) });
  await create(api, `/apis/batch/v1/namespaces/${ns}/jobs`, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'indexed' },
    spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', template: template({ app: 'indexed' }, { restartPolicy: 'Never' }) },
  }, { startTime: ago(60), active: 1, succeeded: 2, completedIndexes: '0,2', ready: 1 });
  await create(api, `/apis/batch/v1/namespaces/${ns}/jobs`, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pending' }, spec: { template: template({ app: 'pending' }, { restartPolicy: 'Never' }) },
  });

  // A daemon set and a stateful set with pods of their own in several phases, and a replication controller.
  const agent = await create(api, `/apis/apps/v1/namespaces/${ns}/daemonsets`, {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', labels: { app: 'agent' } },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }, { nodeSelector: { 'kubernetes.io/os': 'linux' }, tolerations: [{ operator: 'Exists' }] }) },
  }, { desiredNumberScheduled: 3, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1, numberMisscheduled: 0, numberReady: 1 });
  await create(api, `/apis/apps/v1/namespaces/${ns}/daemonsets`, {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'bare' },
    spec: { selector: { matchLabels: { app: 'bare-agent' } }, template: template({ app: 'bare-agent' }) },
  });
  await ownedPod(api, agent, 'agent-a', { app: 'agent' }, 'Running');
  await ownedPod(api, agent, 'agent-b', { app: 'agent' }, 'Pending');
  await event(api, agent, 'agent.1', { reason: 'SuccessfulCreate', message: 'Created pod: agent-a', source: { component: 'daemonset-controller' } });
  const db = await create(api, `/apis/apps/v1/namespaces/${ns}/statefulsets`, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', labels: { app: 'db' }, annotations: { tier: 'data' } },
    spec: {
      replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      template: template({ app: 'db' }, {
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'db' } } }],
      }),
      volumeClaimTemplates: [{
        metadata: { name: 'data', labels: { app: 'db' }, annotations: { backup: 'daily' } },
        spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } },
      }],
    },
  }, { replicas: 2, readyReplicas: 1, currentReplicas: 2, updatedReplicas: 2, availableReplicas: 1 });
  await ownedPod(api, db, 'db-0', { app: 'db' }, 'Running');
  await ownedPod(api, db, 'db-1', { app: 'db' }, 'Failed');
  await event(api, db, 'db.1', { reason: 'SuccessfulCreate', message: 'create Pod db-0 in StatefulSet db successful', source: { component: 'statefulset-controller' } });
  await create(api, `/apis/apps/v1/namespaces/${ns}/statefulsets`, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'cache' },
    spec: { serviceName: 'cache', selector: { matchLabels: { app: 'cache' } }, template: template({ app: 'cache' }) },
  });
  const legacy = await create(api, `${core}/replicationcontrollers`, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'legacy', labels: { app: 'legacy' } },
    spec: { replicas: 2, selector: { app: 'legacy' }, template: template({ app: 'legacy' }) },
  }, { replicas: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota' }] });
  await ownedPod(api, legacy, 'legacy-a', { app: 'legacy' }, 'Succeeded');
  await create(api, `${core}/replicationcontrollers`, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'plain' }, spec: { selector: { app: 'plain' }, template: template({ app: 'plain' }) },
  });
  await event(api, legacy, 'legacy.1', { type: 'Warning', reason: 'FailedCreate', message: 'Error creating: quota exceeded', source: { component: 'replication-controller' } });

  // Storage: a default class with everything set and a minimal one; volumes of several sources; claims bound
  // and pending, one mounted by a pod.
  const fast = await ok(api, 'POST', '/apis/storage.k8s.io/v1/storageclasses', {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true', note: 'ssd' } },
    provisioner: 'example.com/ssd', parameters: { type: 'pd-ssd', replication: 'none' }, allowVolumeExpansion: true,
    mountOptions: ['debug', 'noatime'], reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer',
    allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['a', 'b'] }] }],
  });
  await event(api, fast, 'fast.1', { reason: 'Checked', message: 'class ok', source: { component: 'tests' } });
  await ok(api, 'POST', '/apis/storage.k8s.io/v1/storageclasses', {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'slow' }, provisioner: 'kubernetes.io/no-provisioner',
  });
  const pv = await create(api, '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-local', labels: { disk: 'ssd' } },
    spec: {
      capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: 'fast',
      volumeMode: 'Filesystem', local: { path: '/mnt/disks/ssd1' },
      claimRef: { namespace: ns, name: 'data', kind: 'PersistentVolumeClaim', apiVersion: 'v1' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1', 'node-2'] }, { key: 'disk', operator: 'Exists' }] }] } },
    },
  }, { phase: 'Bound' });
  await event(api, pv, 'pv-local.1', { reason: 'Bound', message: 'bound to kinds/data', source: { component: 'persistentvolume-controller' } });
  await create(api, '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-host' },
    spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'], hostPath: { path: '/data' } },
  }, { phase: 'Available', message: 'ready' });
  await create(api, '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-csi' },
    spec: {
      capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOncePod'],
      csi: { driver: 'csi.example.com', volumeHandle: 'vol-123', fsType: 'ext4', volumeAttributes: { zone: 'a', tier: 'gold' } },
    },
  });
  await create(api, '/api/v1/persistentvolumes', {
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-nfs' },
    spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteMany'], nfs: { server: 'nfs.example.com', path: '/exports', readOnly: true } },
  });
  const data = await create(api, `${core}/persistentvolumeclaims`, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', labels: { app: 'db' } },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', volumeName: 'pv-local', resources: { requests: { storage: '5Gi' } } },
  }, {
    phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadOnlyMany'], capacity: { storage: '5Gi' },
    conditions: [{ type: 'Resizing', status: 'True', lastTransitionTime: ago(30) }],
  });
  await event(api, data, 'data.1', { reason: 'ProvisioningSucceeded', message: 'Successfully provisioned volume pv-local', source: { component: 'example.com/ssd' } });
  for (const name of ['user-b', 'user-a']) {
    await ok(api, 'POST', `${core}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { containers: [{ name: 'main', image: 'busybox:1.36' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
    });
  }
  await create(api, `${core}/persistentvolumeclaims`, {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'waiting' },
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Block', dataSource: { kind: 'PersistentVolumeClaim', name: 'data' } },
  });

  // Autoscalers: every metric kind with status and behavior, and one with defaults only.
  const hpa = await create(api, `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
        { type: 'Object', object: { metric: { name: 'hits' }, describedObject: { apiVersion: 'v1', kind: 'Service', name: 'web' }, target: { type: 'Value', value: '2k' } } },
        { type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'AverageValue', averageValue: '30' } } },
        { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'main', target: { type: 'Utilization', averageUtilization: 70 } } },
      ],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }], selectPolicy: 'Max' },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      },
    },
  }, {
    currentReplicas: 3, desiredReplicas: 4,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '150m' } } },
      { type: 'Resource', resource: { name: 'memory', current: { averageValue: '300Mi' } } },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size', lastTransitionTime: ago(300) },
      { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'the HPA was able to compute the replica count', lastTransitionTime: ago(300) },
    ],
  });
  await event(api, hpa, 'web-hpa.1', { reason: 'SuccessfulRescale', message: 'New size: 4; reason: cpu resource utilization above target', source: { component: 'horizontal-pod-autoscaler' } });
  await create(api, `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'bare' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' }, maxReplicas: 3 },
  });
}
