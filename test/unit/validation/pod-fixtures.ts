// A valid pod that uses most of the spec, for validation tests to break one rule at a time.
import { defaultPod } from '../../../apiserver/api/defaults/pod.ts';
import type { FieldError } from '../../../apiserver/api/errors.ts';
import type { Pod } from '../../../apiserver/api/types.ts';

export function validPod(): Pod {
  const pod: Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { 'example.com/owner': 'team' } },
    spec: {
      serviceAccountName: 'default',
      initContainers: [
        { name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'true'] },
        { name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 9901 } } },
      ],
      containers: [{
        name: 'app', image: 'nginx:1.25',
        ports: [{ name: 'http', containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'MEMORY', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['example.com/owner']" } } },
        ],
        envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/app', readOnly: true }],
        livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
        readinessProbe: { exec: { command: ['true'] } },
        startupProbe: { grpc: { port: 9000 } },
        lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['true'] } } },
        securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
      volumes: [
        { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
        { name: 'config', configMap: { name: 'settings', items: [{ key: 'app.conf', path: 'app.conf' }] } },
        { name: 'token', projected: { sources: [
          { serviceAccountToken: { path: 'token' } },
          { configMap: { name: 'ca', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        ] } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'claim', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'creds', secret: { secretName: 'creds' } },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } }],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
          }],
        },
      },
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' },
      ],
      topologySpreadConstraints: [{
        maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: { app: 'web' } },
      }],
      dnsConfig: { nameservers: ['10.96.0.10'], searches: ['svc.cluster.local'], options: [{ name: 'ndots', value: '2' }] },
      hostname: 'web-0',
      subdomain: 'web',
      activeDeadlineSeconds: 3600,
      imagePullSecrets: [{ name: 'regcred' }],
      hostAliases: [{ ip: '10.0.0.1', hostnames: ['db.local'] }],
      readinessGates: [{ conditionType: 'example.com/ready' }],
      securityContext: { runAsNonRoot: true, fsGroup: 2000, sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }] },
    },
  };
  defaultPod(pod);
  return pod;
}

export function describe(errs: FieldError[]): string {
  return errs.map((e) => `${e.type} ${e.field}${e.detail ? `: ${e.detail}` : ''}`).join('\n') || '(no errors)';
}
