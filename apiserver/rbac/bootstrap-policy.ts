// The roles and bindings every cluster starts with: kube's bootstrap policy (plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy, 1.32) for what Skiff serves and runs, plus the few bindings Skiff's own layout needs (marked
// `skiff:` as kubeadm marks its own `kubeadm:`). The apiserver creates and reconciles these at every start
// (bootstrap.ts): missing ones are created, missing rules and subjects added, unless an object is annotated
// rbac.authorization.kubernetes.io/autoupdate: "false".
import type { ClusterRole, ClusterRoleBinding, LabelSelector, PolicyRule, Subject } from '../api/types.ts';
import { controllerRoleBindings, controllerRoles } from './controller-policy.ts';
import { bootstrapMetadata } from './policy-metadata.ts';

const read = ['get', 'list', 'watch'];
const write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const readWrite = [...read, ...write];
const readUpdate = ['get', 'list', 'watch', 'update', 'patch'];

const core = '';
const apps = 'apps';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';
const autoscaling = 'autoscaling';
const batch = 'batch';
const certificates = 'certificates.k8s.io';
const coordination = 'coordination.k8s.io';
const discovery = 'discovery.k8s.io';
const events = 'events.k8s.io';
const extensions = 'extensions';
const networking = 'networking.k8s.io';
const policy = 'policy';
const rbac = 'rbac.authorization.k8s.io';
const storage = 'storage.k8s.io';

/** A resource rule; `names` limits it to those objects. */
export function rule(verbs: string[], groups: string[], resources: string[], names?: string[]): PolicyRule {
  return { apiGroups: groups, resources, verbs, ...(names ? { resourceNames: names } : {}) };
}

export function urlRule(verbs: string[], urls: string[]): PolicyRule {
  return { nonResourceURLs: urls, verbs };
}

/** Every component records events, in both event APIs. */
export function eventsRule(): PolicyRule {
  return rule(['create', 'update', 'patch'], [core, events], ['events']);
}

/**
 * What kubelets may do (kube's NodeRules). The Node authorizer grants these to each node and narrows Secrets,
 * ConfigMaps, volumes and tokens to the objects its own pods use; the system:node role holds the same rules for
 * clusters that bind nodes through RBAC instead.
 */
export function nodeRules(): PolicyRule[] {
  return [
    // Checking API access; these creates change nothing.
    rule(['create'], [authentication], ['tokenreviews']),
    rule(['create'], [authorization], ['subjectaccessreviews', 'localsubjectaccessreviews']),
    // Service environment variables.
    rule(read, [core], ['services']),
    // Register the Node and report its status.
    rule(['create', 'get', 'list', 'watch'], [core], ['nodes']),
    rule(['update', 'patch'], [core], ['nodes/status']),
    rule(['update', 'patch'], [core], ['nodes']),
    rule(['create', 'update', 'patch'], [core], ['events']),
    rule(read, [core], ['pods']),
    // Mirror pods of static pods, pod status, evictions.
    rule(['create', 'delete'], [core], ['pods']),
    rule(['update', 'patch'], [core], ['pods/status']),
    rule(['create'], [core], ['pods/eviction']),
    // Volumes and environment from Secrets and ConfigMaps (the Node authorizer limits which).
    rule(['get', 'list', 'watch'], [core], ['secrets', 'configmaps']),
    rule(['get'], [core], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get'], [core], ['endpoints']),
    rule(['create', 'get', 'list', 'watch'], [certificates], ['certificatesigningrequests']),
    // The node heartbeat Lease.
    rule(['get', 'create', 'update', 'patch', 'delete'], [coordination], ['leases']),
    rule(['get'], [storage], ['volumeattachments']),
    rule(['get', 'update', 'patch'], [core], ['persistentvolumeclaims/status']),
    // Tokens for the ServiceAccounts of the node's pods (projected kube-api-access volumes).
    rule(['create'], [core], ['serviceaccounts/token']),
    rule(['get', 'watch', 'list'], [storage], ['csidrivers']),
    rule(['get', 'create', 'update', 'patch', 'delete'], [storage], ['csinodes']),
    rule(['get', 'list', 'watch'], ['node.k8s.io'], ['runtimeclasses']),
  ];
}

export function clusterRole(name: string, rules: PolicyRule[], opts: { labels?: Record<string, string>; aggregateFrom?: Record<string, string> } = {}): ClusterRole {
  const role: ClusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: bootstrapMetadata(name, opts.labels),
  };
  if (opts.aggregateFrom) {
    const selector: LabelSelector = { matchLabels: opts.aggregateFrom };
    role.aggregationRule = { clusterRoleSelectors: [selector] };
  } else {
    role.rules = rules;
  }
  return role;
}

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbac, name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: rbac, name });
const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', namespace, name });

export function clusterRoleBinding(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: bootstrapMetadata(name),
    roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: role },
    subjects,
  };
}

const aggregateLabel = (to: 'admin' | 'edit' | 'view') => ({ [`rbac.authorization.k8s.io/aggregate-to-${to}`]: 'true' });

export function bootstrapClusterRoles(): ClusterRole[] {
  return [
    // Can do anything.
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urlRule(['*'], ['*'])]),
    // Enough to find the API and see whether the server is up.
    clusterRole('system:discovery', [urlRule(['get'], [
      '/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*',
    ])]),
    // What a user may learn about itself.
    clusterRole('system:basic-user', [
      rule(['create'], [authorization], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], [authentication], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [urlRule(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    clusterRole('system:monitoring', [urlRule(['get'], [
      '/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*',
    ])]),
    clusterRole('system:service-account-issuer-discovery', [urlRule(['get'], [
      '/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/',
    ])]),
    // The user-facing roles: filled by the clusterrole-aggregation controller from the system:aggregate-to-* roles
    // (and anything else labelled to join them).
    clusterRole('admin', [], { aggregateFrom: aggregateLabel('admin') }),
    clusterRole('edit', [], { labels: aggregateLabel('admin'), aggregateFrom: aggregateLabel('edit') }),
    clusterRole('view', [], { labels: aggregateLabel('edit'), aggregateFrom: aggregateLabel('view') }),
    clusterRole('system:aggregate-to-admin', [
      rule(['create'], [authorization], ['localsubjectaccessreviews']),
      rule(readWrite, [rbac], ['roles', 'rolebindings']),
    ], { labels: aggregateLabel('admin') }),
    clusterRole('system:aggregate-to-edit', [
      // Reading what can lead to more power (exec, secrets) is edit's, not view's.
      rule(read, [core], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [core], ['serviceaccounts']),
      rule(write, [core], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [core], ['pods/eviction']),
      rule(write, [core], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services',
        'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets']),
      rule(['create'], [core], ['serviceaccounts/token']),
      rule(write, [apps], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale',
        'deployments/rollback', 'replicasets', 'replicasets/scale']),
      rule(write, [autoscaling], ['horizontalpodautoscalers']),
      rule(write, [batch], ['jobs', 'cronjobs']),
      rule(write, [extensions], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses',
        'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      rule(write, [policy], ['poddisruptionbudgets']),
      rule(write, [networking], ['networkpolicies', 'ingresses']),
    ], { labels: aggregateLabel('edit') }),
    clusterRole('system:aggregate-to-view', [
      rule(read, [core], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services',
        'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      rule(read, [core], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status',
        'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      // Reading namespaces inside a namespace means reading that one namespace.
      rule(read, [core], ['namespaces']),
      rule(read, [discovery], ['endpointslices']),
      rule(read, [apps], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets',
        'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status',
        'replicasets/scale']),
      rule(read, [autoscaling], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(read, [batch], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(read, [extensions], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status',
        'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status',
        'replicationcontrollers/scale', 'networkpolicies']),
      rule(read, [policy], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(read, [networking], ['networkpolicies', 'ingresses', 'ingresses/status']),
    ], { labels: aggregateLabel('view') }),
    clusterRole('system:node', nodeRules()),
    clusterRole('system:node-proxier', [
      rule(['list', 'watch'], [core], ['services', 'endpoints']),
      rule(read, [core], ['nodes']),
      eventsRule(),
      rule(['list', 'watch'], [discovery], ['endpointslices']),
    ]),
    // What a cluster DNS server reads (kubeadm's CoreDNS role; kube's own system:kube-dns lacks pods and namespaces).
    clusterRole('system:coredns', [
      rule(['list', 'watch'], [core], ['endpoints', 'services', 'pods', 'namespaces']),
      rule(['list', 'watch'], [discovery], ['endpointslices']),
    ]),
    clusterRole('system:kube-dns', [rule(['list', 'watch'], [core], ['endpoints', 'services'])]),
    clusterRole('system:kube-scheduler', [
      eventsRule(),
      // Leader election.
      rule(['create'], [coordination], ['leases']),
      rule(['get', 'update'], [coordination], ['leases'], ['kube-scheduler']),
      rule(['create'], [core], ['endpoints']),
      rule(['get', 'update'], [core], ['endpoints'], ['kube-scheduler']),
      // What it schedules, and onto what.
      rule(read, [core], ['nodes']),
      rule(['get', 'list', 'watch', 'delete'], [core], ['pods']),
      rule(['create'], [core], ['pods/binding', 'bindings']),
      rule(['patch', 'update'], [core], ['pods/status']),
      // What selects pods, and what pods use.
      rule(read, [core], ['services', 'replicationcontrollers']),
      rule(read, [apps, extensions], ['replicasets']),
      rule(read, [apps], ['statefulsets']),
      rule(read, [policy], ['poddisruptionbudgets']),
      rule(read, [core], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(['create'], [authentication], ['tokenreviews']),
      rule(['create'], [authorization], ['subjectaccessreviews']),
      rule(read, [storage], ['csinodes']),
      rule(read, [core], ['namespaces']),
      rule(read, [storage], ['csidrivers']),
      rule(read, [storage], ['csistoragecapacities']),
    ]),
    clusterRole('system:volume-scheduler', [
      rule(readUpdate, [core], ['persistentvolumes']),
      rule(read, [storage], ['storageclasses']),
      rule(readUpdate, [core], ['persistentvolumeclaims']),
    ]),
    clusterRole('system:kube-controller-manager', [
      eventsRule(),
      rule(['create'], [coordination], ['leases']),
      rule(['get', 'update'], [coordination], ['leases'], ['kube-controller-manager']),
      rule(['create'], [core], ['endpoints']),
      rule(['get', 'update'], [core], ['endpoints'], ['kube-controller-manager']),
      rule(['create'], [core], ['secrets', 'serviceaccounts']),
      rule(['delete'], [core], ['secrets']),
      rule(['get'], [core], ['namespaces', 'secrets', 'serviceaccounts', 'configmaps']),
      rule(['update'], [core], ['secrets', 'serviceaccounts']),
      rule(['create'], [authentication], ['tokenreviews']),
      rule(['create'], [authorization], ['subjectaccessreviews']),
      // Every shared informer.
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [core], ['serviceaccounts/token']),
    ]),
    clusterRole('system:auth-delegator', [
      rule(['create'], [authentication], ['tokenreviews']),
      rule(['create'], [authorization], ['subjectaccessreviews']),
    ]),
    clusterRole('system:persistent-volume-provisioner', [
      rule(['get', 'list', 'watch', 'create', 'delete'], [core], ['persistentvolumes']),
      rule(['get', 'list', 'watch', 'update'], [core], ['persistentvolumeclaims']),
      rule(read, [storage], ['storageclasses']),
      rule(['watch'], [core], ['events']),
      eventsRule(),
    ]),
    ...controllerRoles(),
  ];
}

export const kubeControllerManagerUser = 'system:kube-controller-manager';

export function bootstrapClusterRoleBindings(): ClusterRoleBinding[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [group('system:masters')]),
    clusterRoleBinding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
    clusterRoleBinding('system:discovery', 'system:discovery', [group('system:authenticated')]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
    clusterRoleBinding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
    clusterRoleBinding('system:kube-controller-manager', 'system:kube-controller-manager', [user(kubeControllerManagerUser)]),
    clusterRoleBinding('system:kube-dns', 'system:kube-dns', [serviceAccount('kube-system', 'kube-dns')]),
    clusterRoleBinding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
    clusterRoleBinding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
    // Nodes are authorized by the Node authorizer; kube keeps this binding with no subjects.
    clusterRoleBinding('system:node', 'system:node', []),
    clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
    // Skiff's kubelets also run the service proxy and the cluster DNS, under their node identity.
    clusterRoleBinding('skiff:node-proxier', 'system:node-proxier', [group('system:nodes')]),
    clusterRoleBinding('skiff:node-dns', 'system:coredns', [group('system:nodes')]),
    ...controllerRoleBindings(),
  ];
}
