import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldErrorType } from '../../../apiserver/api/errors.ts';
import type { Container, Pod, PodSpec, PodTemplateSpec, Volume } from '../../../apiserver/api/types.ts';
import { defaultPodTemplateSpec } from '../../../apiserver/api/defaults/pod.ts';
import { validatePod, validatePodSpec, validatePodTemplateSpec } from '../../../apiserver/api/validation/pod.ts';
import { describe, validPod } from './pod-fixtures.ts';

/** `field` is exact, or a pattern where the path comes from a shared helper (labels.ts) rather than this code. */
type Case = [name: string, breakIt: (spec: PodSpec, pod: Pod) => void, field: string | RegExp, type: FieldErrorType];

const app = (s: PodSpec): Container => s.containers[0];
const vol = (s: PodSpec, name: string): Volume => s.volumes!.find((v) => v.name === name)!;

const cases: Case[] = [
  // containers
  ['no containers', (s) => { s.containers = []; }, 'spec.containers', 'FieldValueRequired'],
  ['container without a name', (s) => { app(s).name = ''; }, 'spec.containers[0].name', 'FieldValueRequired'],
  ['container name not a DNS label', (s) => { app(s).name = 'App_1'; }, 'spec.containers[0].name', 'FieldValueInvalid'],
  ['init container named like an app container', (s) => { s.initContainers![0].name = 'app'; }, 'spec.initContainers[0].name', 'FieldValueDuplicate'],
  ['two app containers with one name', (s) => { s.containers.push({ ...structuredClone(app(s)), ports: [] }); }, 'spec.containers[1].name', 'FieldValueDuplicate'],
  ['container without an image', (s) => { app(s).image = ''; }, 'spec.containers[0].image', 'FieldValueRequired'],
  ['image with surrounding spaces', (s) => { app(s).image = ' nginx'; }, 'spec.containers[0].image', 'FieldValueInvalid'],
  ['unknown imagePullPolicy', (s) => { app(s).imagePullPolicy = 'Sometimes'; }, 'spec.containers[0].imagePullPolicy', 'FieldValueNotSupported'],
  ['unknown terminationMessagePolicy', (s) => { app(s).terminationMessagePolicy = 'Stdout'; }, 'spec.containers[0].terminationMessagePolicy', 'FieldValueNotSupported'],
  ['container port missing', (s) => { app(s).ports![0].containerPort = 0; }, 'spec.containers[0].ports[0].containerPort', 'FieldValueRequired'],
  ['container port out of range', (s) => { app(s).ports![0].containerPort = 70000; }, 'spec.containers[0].ports[0].containerPort', 'FieldValueInvalid'],
  ['host port out of range', (s) => { app(s).ports![0].hostPort = 70000; }, 'spec.containers[0].ports[0].hostPort', 'FieldValueInvalid'],
  ['unknown port protocol', (s) => { app(s).ports![0].protocol = 'HTTP'; }, 'spec.containers[0].ports[0].protocol', 'FieldValueNotSupported'],
  ['port name not an IANA service name', (s) => { app(s).ports![0].name = 'HTTP_1'; }, 'spec.containers[0].ports[0].name', 'FieldValueInvalid'],
  ['two ports with one name', (s) => { app(s).ports![1].name = 'http'; }, 'spec.containers[0].ports[1].name', 'FieldValueDuplicate'],
  ['two containers on one host port', (s) => {
    app(s).ports![0].hostPort = 8080;
    s.containers.push({ name: 'other', image: 'o:1', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File', ports: [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }] });
  }, 'spec.containers[1].ports[0].hostPort', 'FieldValueDuplicate'],
  // env
  ['env var without a name', (s) => { app(s).env![0].name = ''; }, 'spec.containers[0].env[0].name', 'FieldValueRequired'],
  ['env var name with "="', (s) => { app(s).env![0].name = 'BAD=NAME'; }, 'spec.containers[0].env[0].name', 'FieldValueInvalid'],
  ['env value and valueFrom together', (s) => { app(s).env![1].value = 'x'; }, 'spec.containers[0].env[1].valueFrom', 'FieldValueInvalid'],
  ['env valueFrom with no source', (s) => { app(s).env![1].valueFrom = {}; }, 'spec.containers[0].env[1].valueFrom', 'FieldValueInvalid'],
  ['env valueFrom with two sources', (s) => { app(s).env![1].valueFrom!.secretKeyRef = { name: 's', key: 'k' }; }, 'spec.containers[0].env[1].valueFrom', 'FieldValueInvalid'],
  ['env fieldRef to a field env cannot read', (s) => { app(s).env![1].valueFrom!.fieldRef!.fieldPath = 'spec.restartPolicy'; }, 'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath', 'FieldValueNotSupported'],
  ['env fieldRef to an unknown field', (s) => { app(s).env![1].valueFrom!.fieldRef!.fieldPath = 'metadata.foo'; }, 'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath', 'FieldValueInvalid'],
  ['env fieldRef with an unsupported apiVersion', (s) => { app(s).env![1].valueFrom!.fieldRef!.apiVersion = 'v2'; }, 'spec.containers[0].env[1].valueFrom.fieldRef.fieldPath', 'FieldValueInvalid'],
  ['env resourceFieldRef to an unknown resource', (s) => { app(s).env![2].valueFrom!.resourceFieldRef!.resource = 'limits.gpu'; }, 'spec.containers[0].env[2].valueFrom.resourceFieldRef.resource', 'FieldValueNotSupported'],
  ['cpu read with a byte divisor', (s) => { app(s).env![2].valueFrom!.resourceFieldRef!.resource = 'limits.cpu'; }, 'spec.containers[0].env[2].valueFrom.resourceFieldRef.divisor', 'FieldValueInvalid'],
  ['secretKeyRef without a key', (s) => { app(s).env![3].valueFrom!.secretKeyRef!.key = ''; }, 'spec.containers[0].env[3].valueFrom.secretKeyRef.key', 'FieldValueRequired'],
  ['envFrom with no source', (s) => { app(s).envFrom![0] = { prefix: 'X_' }; }, 'spec.containers[0].envFrom', 'FieldValueInvalid'],
  ['envFrom configMapRef without a name', (s) => { app(s).envFrom![0].configMapRef!.name = ''; }, 'spec.containers[0].envFrom[0].configMapRef.name', 'FieldValueRequired'],
  ['envFrom prefix with "="', (s) => { app(s).envFrom![0].prefix = 'A=B'; }, 'spec.containers[0].envFrom[0].prefix', 'FieldValueInvalid'],
  // volume mounts
  ['mount of an undeclared volume', (s) => { app(s).volumeMounts![0].name = 'nope'; }, 'spec.containers[0].volumeMounts[0].name', 'FieldValueNotFound'],
  ['two mounts at one path', (s) => { app(s).volumeMounts![1].mountPath = '/data'; }, 'spec.containers[0].volumeMounts[1].mountPath', 'FieldValueInvalid'],
  ['mount without a path', (s) => { app(s).volumeMounts![0].mountPath = ''; }, 'spec.containers[0].volumeMounts[0].mountPath', 'FieldValueRequired'],
  ['subPath climbing out', (s) => { app(s).volumeMounts![0].subPath = '../etc'; }, 'spec.containers[0].volumeMounts.subPath', 'FieldValueInvalid'],
  ['bidirectional propagation without privilege', (s) => { app(s).volumeMounts![0].mountPropagation = 'Bidirectional'; }, 'spec.containers[0].volumeMounts.mountPropagation', 'FieldValueForbidden'],
  // resources
  ['negative request', (s) => { app(s).resources!.requests!.cpu = '-1'; }, 'spec.containers[0].resources.requests[cpu]', 'FieldValueInvalid'],
  ['request above its limit', (s) => { app(s).resources!.requests!.cpu = '2'; }, 'spec.containers[0].resources.requests', 'FieldValueInvalid'],
  ['unknown resource name', (s) => { app(s).resources!.limits!.gpu = '1'; }, 'spec.containers[0].resources.limits[gpu]', 'FieldValueInvalid'],
  ['malformed quantity', (s) => { app(s).resources!.limits!.cpu = 'lots'; }, 'spec.containers[0].resources.limits[cpu]', 'FieldValueInvalid'],
  ['extended resource requested without a limit', (s) => { app(s).resources!.requests!['example.com/gpu'] = '1'; }, 'spec.containers[0].resources.limits', 'FieldValueRequired'],
  ['fractional extended resource', (s) => {
    app(s).resources!.limits!['example.com/gpu'] = '500m';
    app(s).resources!.requests!['example.com/gpu'] = '500m';
  }, 'spec.containers[0].resources.limits[example.com/gpu]', 'FieldValueInvalid'],
  ['unknown resize resource', (s) => { app(s).resizePolicy = [{ resourceName: 'gpu', restartPolicy: 'NotRequired' }]; }, 'spec.containers[0].resizePolicy', 'FieldValueNotSupported'],
  // probes and hooks
  ['probe without a handler', (s) => { delete app(s).livenessProbe!.httpGet; }, 'spec.containers[0].livenessProbe', 'FieldValueRequired'],
  ['probe with two handlers', (s) => { app(s).livenessProbe!.exec = { command: ['true'] }; }, 'spec.containers[0].livenessProbe.httpGet', 'FieldValueForbidden'],
  ['liveness successThreshold above 1', (s) => { app(s).livenessProbe!.successThreshold = 2; }, 'spec.containers[0].livenessProbe.successThreshold', 'FieldValueInvalid'],
  ['startup successThreshold above 1', (s) => { app(s).startupProbe!.successThreshold = 3; }, 'spec.containers[0].startupProbe.successThreshold', 'FieldValueInvalid'],
  ['negative probe period', (s) => { app(s).readinessProbe!.periodSeconds = -1; }, 'spec.containers[0].readinessProbe.periodSeconds', 'FieldValueInvalid'],
  ['negative failure threshold', (s) => { app(s).readinessProbe!.failureThreshold = -3; }, 'spec.containers[0].readinessProbe.failureThreshold', 'FieldValueInvalid'],
  ['readiness probe with a grace period', (s) => { app(s).readinessProbe!.terminationGracePeriodSeconds = 5; }, 'spec.containers[0].readinessProbe.terminationGracePeriodSeconds', 'FieldValueInvalid'],
  ['httpGet with an unknown scheme', (s) => { app(s).livenessProbe!.httpGet!.scheme = 'FTP'; }, 'spec.containers[0].livenessProbe.httpGet.scheme', 'FieldValueNotSupported'],
  ['httpGet on port 0', (s) => { app(s).livenessProbe!.httpGet!.port = 0; }, 'spec.containers[0].livenessProbe.httpGet.port', 'FieldValueInvalid'],
  ['exec without a command', (s) => { app(s).readinessProbe!.exec!.command = []; }, 'spec.containers[0].readinessProbe.exec.command', 'FieldValueRequired'],
  ['preStop sleep longer than the grace period', (s) => { app(s).lifecycle!.preStop!.sleep!.seconds = 60; }, 'spec.containers[0].lifecycle.preStop.sleep', 'FieldValueInvalid'],
  ['hook without a handler', (s) => { app(s).lifecycle!.postStart = {}; }, 'spec.containers[0].lifecycle.postStart', 'FieldValueRequired'],
  // init containers
  ['init container restartPolicy other than Always', (s) => { s.initContainers![0].restartPolicy = 'OnFailure'; }, 'spec.initContainers[0].restartPolicy', 'FieldValueNotSupported'],
  ['restartPolicy on an app container', (s) => { app(s).restartPolicy = 'Always'; }, 'spec.containers[0].restartPolicy', 'FieldValueForbidden'],
  ['probe on a plain init container', (s) => { s.initContainers![0].livenessProbe = structuredClone(app(s).livenessProbe); }, 'spec.initContainers[0].livenessProbe', 'FieldValueForbidden'],
  // security contexts
  ['negative runAsUser', (s) => { app(s).securityContext!.runAsUser = -1; }, 'spec.containers[0].securityContext.runAsUser', 'FieldValueInvalid'],
  ['privileged without privilege escalation', (s) => { app(s).securityContext!.privileged = true; }, 'spec.containers[0].securityContext', 'FieldValueInvalid'],
  ['unknown procMount', (s) => { app(s).securityContext!.procMount = 'Weird'; }, 'spec.containers[0].securityContext.procMount', 'FieldValueNotSupported'],
  ['Localhost seccomp without a profile', (s) => { app(s).securityContext!.seccompProfile = { type: 'Localhost' }; }, 'spec.containers[0].securityContext.seccompProfile.localhostProfile', 'FieldValueRequired'],
  ['pod runAsGroup out of range', (s) => { s.securityContext!.runAsGroup = -5; }, 'spec.securityContext.runAsGroup', 'FieldValueInvalid'],
  ['malformed sysctl name', (s) => { s.securityContext!.sysctls![0].name = 'Net.Bad'; }, 'spec.securityContext.sysctls[0].name', 'FieldValueInvalid'],
  ['network sysctl on the host network', (s) => {
    s.hostNetwork = true;
    for (const c of s.containers) for (const p of c.ports ?? []) p.hostPort = p.containerPort;
  }, 'spec.securityContext.sysctls[0].name', 'FieldValueInvalid'],
  ['shared process namespace with hostPID', (s) => { s.shareProcessNamespace = true; s.hostPID = true; }, 'spec.securityContext.shareProcessNamespace', 'FieldValueInvalid'],
  ['user namespace with the host network', (s) => {
    s.hostUsers = false;
    s.hostNetwork = true;
    s.securityContext!.sysctls = [];
    for (const c of s.containers) for (const p of c.ports ?? []) p.hostPort = p.containerPort;
  }, 'spec.hostNetwork', 'FieldValueForbidden'],
  // volumes
  ['two volumes with one name', (s) => { s.volumes![1].name = 'data'; }, 'spec.volumes[1].name', 'FieldValueDuplicate'],
  ['volume name not a DNS label', (s) => { s.volumes![0].name = 'Data'; }, 'spec.volumes[0].name', 'FieldValueInvalid'],
  ['volume without a name', (s) => { s.volumes![0].name = ''; }, 'spec.volumes[0].name', 'FieldValueRequired'],
  // Kubernetes counts sources in a fixed order (hostPath before configMap) and forbids the later ones.
  ['volume with two sources', (s) => { vol(s, 'config').hostPath = { path: '/etc' }; }, 'spec.volumes[1].configMap', 'FieldValueForbidden'],
  ['volume with no source', (s) => { delete vol(s, 'data').emptyDir; }, 'spec.volumes[0]', 'FieldValueRequired'],
  ['hostPath without a path', (s) => { vol(s, 'logs').hostPath!.path = ''; }, 'spec.volumes[4].hostPath.path', 'FieldValueRequired'],
  ['hostPath with ..', (s) => { vol(s, 'logs').hostPath!.path = '/var/../etc'; }, 'spec.volumes[4].hostPath.path', 'FieldValueInvalid'],
  ['unknown hostPath type', (s) => { vol(s, 'logs').hostPath!.type = 'Folder'; }, 'spec.volumes[4].hostPath.type', 'FieldValueNotSupported'],
  ['negative emptyDir size limit', (s) => { vol(s, 'data').emptyDir!.sizeLimit = '-1Gi'; }, 'spec.volumes[0].emptyDir.sizeLimit', 'FieldValueForbidden'],
  ['configMap volume without a name', (s) => { vol(s, 'config').configMap!.name = ''; }, 'spec.volumes[1].configMap.name', 'FieldValueRequired'],
  ['configMap item without a key', (s) => { vol(s, 'config').configMap!.items![0].key = ''; }, 'spec.volumes[1].configMap.items[0].key', 'FieldValueRequired'],
  ['configMap item at an absolute path', (s) => { vol(s, 'config').configMap!.items![0].path = '/etc/x'; }, 'spec.volumes[1].configMap.items[0].path', 'FieldValueInvalid'],
  ['configMap item path starting with ..', (s) => { vol(s, 'config').configMap!.items![0].path = '..data'; }, 'spec.volumes[1].configMap.items[0].path', 'FieldValueInvalid'],
  ['file mode above 0777', (s) => { vol(s, 'config').configMap!.defaultMode = 0o1000; }, 'spec.volumes[1].configMap.defaultMode', 'FieldValueInvalid'],
  ['secret volume without a secret name', (s) => { vol(s, 'creds').secret!.secretName = ''; }, 'spec.volumes[6].secret.secretName', 'FieldValueRequired'],
  ['downwardAPI file of a field volumes cannot show', (s) => { vol(s, 'info').downwardAPI!.items![0].fieldRef!.fieldPath = 'spec.nodeName'; }, 'spec.volumes[3].downwardAPI.fieldRef.fieldPath', 'FieldValueNotSupported'],
  ['downwardAPI resource file without a container', (s) => {
    vol(s, 'info').downwardAPI!.items![0] = { path: 'cpu', resourceFieldRef: { resource: 'limits.cpu' } };
  }, 'spec.volumes[3].downwardAPI.resourceFieldRef.containerName', 'FieldValueRequired'],
  ['projected source with two kinds', (s) => { vol(s, 'token').projected!.sources![0].secret = { name: 's' }; }, 'spec.volumes[2].projected.sources[0]', 'FieldValueForbidden'],
  ['short-lived projected token', (s) => { vol(s, 'token').projected!.sources![0].serviceAccountToken!.expirationSeconds = 60; }, 'spec.volumes[2].projected.sources[0].serviceAccountToken.expirationSeconds', 'FieldValueInvalid'],
  ['projected files at one path', (s) => { vol(s, 'token').projected!.sources![1].configMap!.items!.push({ key: 'other', path: 'ca.crt' }); }, 'spec.volumes[2].projected', 'FieldValueInvalid'],
  ['projected token without a service account', (s) => { delete s.serviceAccountName; }, 'spec.volumes[2].projected.sources[0].serviceAccountToken', 'FieldValueForbidden'],
  ['claim volume without a claim name', (s) => { vol(s, 'claim').persistentVolumeClaim!.claimName = ''; }, 'spec.volumes[5].persistentVolumeClaim.claimName', 'FieldValueRequired'],
  ['NFS volume at a relative path', (s) => { s.volumes!.push({ name: 'nfs', nfs: { server: 'nas', path: 'export' } }); }, 'spec.volumes[7].nfs.path', 'FieldValueInvalid'],
  ['ephemeral volume without a claim template', (s) => { s.volumes!.push({ name: 'scratch', ephemeral: {} }); }, 'spec.volumes[7].ephemeral.volumeClaimTemplate', 'FieldValueRequired'],
  // pod-level fields
  ['unknown restartPolicy', (s) => { s.restartPolicy = 'Sometimes'; }, 'spec.restartPolicy', 'FieldValueNotSupported'],
  ['missing restartPolicy', (s) => { s.restartPolicy = ''; }, 'spec.restartPolicy', 'FieldValueRequired'],
  ['unknown dnsPolicy', (s) => { s.dnsPolicy = 'Custom'; }, 'spec.dnsPolicy', 'FieldValueNotSupported'],
  ['dnsPolicy None without dnsConfig', (s) => { s.dnsPolicy = 'None'; delete s.dnsConfig; }, 'spec.dnsConfig', 'FieldValueRequired'],
  ['dnsPolicy None without nameservers', (s) => { s.dnsPolicy = 'None'; s.dnsConfig!.nameservers = []; }, 'spec.dnsConfig.nameservers', 'FieldValueRequired'],
  ['four nameservers', (s) => { s.dnsConfig!.nameservers = ['1.1.1.1', '8.8.8.8', '9.9.9.9', '10.0.0.1']; }, 'spec.dnsConfig.nameservers', 'FieldValueInvalid'],
  ['nameserver that is not an IP', (s) => { s.dnsConfig!.nameservers = ['dns.local']; }, 'spec.dnsConfig.nameservers[0]', 'FieldValueInvalid'],
  ['33 search domains', (s) => { s.dnsConfig!.searches = Array.from({ length: 33 }, (_, i) => `d${i}.local`); }, 'spec.dnsConfig.searches', 'FieldValueInvalid'],
  ['search domain that is not a DNS name', (s) => { s.dnsConfig!.searches = ['Bad_Domain']; }, 'spec.dnsConfig.searches[0]', 'FieldValueInvalid'],
  ['dns option without a name', (s) => { s.dnsConfig!.options = [{ value: '1' }]; }, 'spec.dnsConfig.options[0]', 'FieldValueRequired'],
  ['nodeSelector with a bad key', (s) => { s.nodeSelector = { 'bad key': 'x' }; }, /^spec\.nodeSelector/, 'FieldValueInvalid'],
  ['node affinity with an unknown operator', (s) => {
    s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions![0].operator = 'Near';
  }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator', 'FieldValueInvalid'],
  ['node affinity In without values', (s) => {
    s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions![0].values = [];
  }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', 'FieldValueRequired'],
  ['node affinity Exists with values', (s) => {
    s.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].preference.matchExpressions![0].values = ['x'];
  }, 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].values', 'FieldValueForbidden'],
  ['node affinity Gt with two values', (s) => {
    s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms[0].matchExpressions![0] = { key: 'cores', operator: 'Gt', values: ['1', '2'] };
  }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', 'FieldValueRequired'],
  ['required node affinity without terms', (s) => { s.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms = []; },
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', 'FieldValueRequired'],
  ['preferred node affinity weight 0', (s) => { s.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].weight = 0; },
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'FieldValueInvalid'],
  ['pod anti-affinity without a topology key', (s) => { s.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].podAffinityTerm.topologyKey = ''; },
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey', 'FieldValueRequired'],
  ['pod anti-affinity weight 101', (s) => { s.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0].weight = 101; },
    'spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', 'FieldValueInvalid'],
  ['required pod affinity without a topology key', (s) => { s.affinity!.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] }; },
    'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', 'FieldValueRequired'],
  ['toleration Exists with a value', (s) => { s.tolerations![0].value = 'x'; }, 'spec.tolerations[0].operator', 'FieldValueInvalid'],
  ['unknown toleration operator', (s) => { s.tolerations![1].operator = 'Maybe'; }, 'spec.tolerations[1].operator', 'FieldValueNotSupported'],
  ['unknown toleration effect', (s) => { s.tolerations![1].effect = 'NoRun'; }, 'spec.tolerations[1].effect', 'FieldValueNotSupported'],
  ['tolerationSeconds without NoExecute', (s) => { s.tolerations![1].tolerationSeconds = 60; }, 'spec.tolerations[1].effect', 'FieldValueInvalid'],
  ['empty toleration key with Equal', (s) => { s.tolerations![1].key = ''; }, 'spec.tolerations[1].operator', 'FieldValueInvalid'],
  ['spread constraint maxSkew 0', (s) => { s.topologySpreadConstraints![0].maxSkew = 0; }, 'spec.topologySpreadConstraints[0].maxSkew', 'FieldValueInvalid'],
  ['unknown whenUnsatisfiable', (s) => { s.topologySpreadConstraints![0].whenUnsatisfiable = 'Never'; }, 'spec.topologySpreadConstraints[0].whenUnsatisfiable', 'FieldValueNotSupported'],
  ['spread constraint without a topology key', (s) => { s.topologySpreadConstraints![0].topologyKey = ''; }, 'spec.topologySpreadConstraints[0].topologyKey', 'FieldValueRequired'],
  ['the same spread constraint twice', (s) => { s.topologySpreadConstraints!.push(structuredClone(s.topologySpreadConstraints![0])); },
    'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}', 'FieldValueDuplicate'],
  ['hostname not a DNS label', (s) => { s.hostname = 'web.0'; }, 'spec.hostname', 'FieldValueInvalid'],
  ['subdomain not a DNS label', (s) => { s.subdomain = 'Web'; }, 'spec.subdomain', 'FieldValueInvalid'],
  ['no termination grace period', (s) => { delete s.terminationGracePeriodSeconds; }, 'spec.terminationGracePeriodSeconds', 'FieldValueRequired'],
  ['activeDeadlineSeconds 0', (s) => { s.activeDeadlineSeconds = 0; }, 'spec.activeDeadlineSeconds', 'FieldValueInvalid'],
  ['service account name not a DNS name', (s) => { s.serviceAccountName = 'Bad_SA'; }, 'spec.serviceAccountName', 'FieldValueInvalid'],
  ['node name not a DNS name', (s) => { s.nodeName = 'Node_1'; }, 'spec.nodeName', 'FieldValueInvalid'],
  ['image pull secret with more than a name', (s) => { (s.imagePullSecrets![0] as unknown as Record<string, unknown>).namespace = 'x'; }, 'spec.imagePullSecrets[0]', 'FieldValueInvalid'],
  ['hostNetwork with a different host port', (s) => {
    s.hostNetwork = true;
    s.securityContext!.sysctls = [];
    app(s).ports![0].hostPort = 8080;
    app(s).ports![1].hostPort = 53;
  }, 'spec.containers[0].ports[0].hostPort', 'FieldValueInvalid'],
  ['the same scheduling gate twice', (s) => { s.schedulingGates = [{ name: 'example.com/wait' }, { name: 'example.com/wait' }]; }, 'spec.schedulingGates[1]', 'FieldValueDuplicate'],
  ['a node name on a gated pod', (s) => { s.schedulingGates = [{ name: 'example.com/wait' }]; s.nodeName = 'node-1'; }, 'spec.nodeName', 'FieldValueForbidden'],
  ['ephemeral containers on create', (s) => { s.ephemeralContainers = [{ name: 'debug', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }]; },
    'spec.ephemeralContainers', 'FieldValueForbidden'],
  ['ephemeral container with ports', (s) => {
    s.ephemeralContainers = [{ name: 'debug', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File', ports: [{ containerPort: 1, protocol: 'TCP' }] }];
  }, 'spec.ephemeralContainers[0].ports', 'FieldValueForbidden'],
  ['readiness gate with a bad condition type', (s) => { s.readinessGates![0].conditionType = 'not valid'; }, 'spec.readinessGates[0].conditionType', 'FieldValueInvalid'],
  ['host alias with a bad IP', (s) => { s.hostAliases![0].ip = '10.0.0'; }, 'spec.hostAliases[0].ip', 'FieldValueInvalid'],
  ['unknown preemption policy', (s) => { s.preemptionPolicy = 'Always'; }, 'spec.preemptionPolicy', 'FieldValueNotSupported'],
  ['unknown operating system', (s) => { s.os = { name: 'plan9' }; }, 'spec.os', 'FieldValueNotSupported'],
  // pod-only annotations
  ['mirror pod annotation without a node', (_s, pod) => { pod.metadata!.annotations = { 'kubernetes.io/config.mirror': 'abc' }; },
    'metadata.annotations[kubernetes.io/config.mirror]', 'FieldValueInvalid'],
  ['deletion cost that is not an int32', (_s, pod) => { pod.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': '+10' }; },
    'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]', 'FieldValueInvalid'],
];

test('the valid pod passes', () => {
  const errs = validatePod(validPod());
  assert.deepEqual(errs, [], describe(errs));
});

for (const [name, breakIt, field, type] of cases) {
  test(`rejects ${name}: ${type} at ${field}`, () => {
    const pod = validPod();
    breakIt(pod.spec!, pod);
    const errs = validatePod(pod);
    const at = (f: string): boolean => (typeof field === 'string' ? f === field : field.test(f));
    assert.ok(errs.some((e) => at(e.field) && e.type === type), `expected ${type} at ${field}, got:\n${describe(errs)}`);
  });
}

test('every error carries a detail or a value Kubernetes would print', () => {
  const pod = validPod();
  app(pod.spec!).ports![0].protocol = 'HTTP';
  pod.spec!.restartPolicy = 'Sometimes';
  const errs = validatePod(pod);
  const protocol = errs.find((e) => e.field === 'spec.containers[0].ports[0].protocol');
  assert.equal(protocol?.detail, 'supported values: "SCTP", "TCP", "UDP"');
  const policy = errs.find((e) => e.field === 'spec.restartPolicy');
  assert.deepEqual(policy, { type: 'FieldValueNotSupported', field: 'spec.restartPolicy', value: 'Sometimes', detail: 'supported values: "Always", "OnFailure", "Never"' });
});

test('an invalid volume is left out, so its mounts are not found either', () => {
  const pod = validPod();
  vol(pod.spec!, 'data').name = 'Data';
  const errs = validatePod(pod);
  assert.ok(errs.some((e) => e.field === 'spec.volumes[0].name' && e.type === 'FieldValueInvalid'), describe(errs));
  assert.ok(errs.some((e) => e.field === 'spec.containers[0].volumeMounts[0].name' && e.type === 'FieldValueNotFound'), describe(errs));
});

test('a sidecar init container may have probes and hooks', () => {
  const pod = validPod();
  pod.spec!.initContainers![1].livenessProbe = { exec: { command: ['true'] }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
  pod.spec!.initContainers![1].lifecycle = { preStop: { exec: { command: ['true'] } } };
  assert.deepEqual(validatePod(pod), []);
});

test('validatePodSpec reports a missing spec and accepts a defaulted minimal one', () => {
  assert.deepEqual(validatePodSpec(undefined, 'spec'), [{ type: 'FieldValueRequired', field: 'spec', detail: undefined }]);
  const pod = validPod();
  assert.deepEqual(validatePodSpec(pod.spec, 'spec'), []);
});

function template(): PodTemplateSpec {
  const t: PodTemplateSpec = {
    metadata: { labels: { app: 'web' } },
    spec: { hostNetwork: true, containers: [{ name: 'app', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }] },
  };
  defaultPodTemplateSpec(t);
  return t;
}

test('a pod template may leave host ports to the pod, and validates its labels and spec', () => {
  assert.deepEqual(validatePodTemplateSpec(template(), 'spec.template'), []);
  const badLabels = template();
  badLabels.metadata!.labels = { app: 'not valid!' };
  const errs = validatePodTemplateSpec(badLabels, 'spec.template');
  assert.ok(errs.some((e) => e.field.startsWith('spec.template.labels') && e.type === 'FieldValueInvalid'), describe(errs));
  const badSpec = template();
  badSpec.spec!.containers[0].image = '';
  assert.ok(validatePodTemplateSpec(badSpec, 'spec.template').some((e) => e.field === 'spec.template.spec.containers[0].image'));
  assert.deepEqual(validatePodTemplateSpec(undefined, 'spec.template'), [{ type: 'FieldValueRequired', field: 'spec.template', detail: undefined }]);
});

test('a pod template may not carry ephemeral containers, nor a host port different from its container port', () => {
  const t = template();
  t.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox:1', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }];
  t.spec!.containers[0].ports![0].hostPort = 8080;
  const errs = validatePodTemplateSpec(t, 'spec.template');
  assert.ok(errs.some((e) => e.field === 'spec.template.spec.ephemeralContainers' && e.type === 'FieldValueForbidden'), describe(errs));
  assert.ok(errs.some((e) => e.field === 'spec.template.spec.containers[0].ports[0].hostPort' && e.type === 'FieldValueInvalid'), describe(errs));
});

test('a template image may be padded (tools use placeholders), a pod image may not', () => {
  const t = template();
  t.spec!.containers[0].image = ' ';
  assert.deepEqual(validatePodTemplateSpec(t, 'spec.template'), []);
});
