// The roles of the controllers Skiff runs, as kube's bootstrappolicy/controller_policy.go writes them, each bound
// like kube's to the controller's ServiceAccount in kube-system. kube's controller-manager acts as those accounts
// (--use-service-account-credentials); Skiff's runs every controller under its one identity,
// system:kube-controller-manager, so each binding names that user as well. The roles stay per controller so a
// cluster can see, and tighten, what each controller may do.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '../api/types.ts';
import { clusterRole, clusterRoleBinding, eventsRule, kubeControllerManagerUser, rule } from './bootstrap-policy.ts';

const read = ['get', 'list', 'watch'];
const core = '';
const discovery = 'discovery.k8s.io';
const apps = 'apps';
const batch = 'batch';
const extensions = 'extensions';
const rbac = 'rbac.authorization.k8s.io';
const storage = 'storage.k8s.io';

/**
 * `system:controller:<name>` roles, by kube's controller (ServiceAccount) name. Built on call, as bootstrap-policy.ts
 * (which imports this module) may not have run yet when this one loads.
 */
const controllerRules = (): Record<string, PolicyRule[]> => ({
  'clusterrole-aggregation-controller': [
    // Must be able to write any rules into a cluster role, hence escalate.
    rule(['escalate', 'get', 'list', 'watch', 'update', 'patch'], [rbac], ['clusterroles']),
  ],
  'cronjob-controller': [
    rule(['get', 'list', 'watch', 'update'], [batch], ['cronjobs']),
    rule(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], [batch], ['jobs']),
    rule(['update'], [batch], ['cronjobs/status']),
    rule(['update'], [batch], ['cronjobs/finalizers']),
    rule(['list', 'delete'], [core], ['pods']),
    eventsRule(),
  ],
  'daemon-set-controller': [
    rule(read, [extensions, apps], ['daemonsets']),
    rule(['update'], [extensions, apps], ['daemonsets/status']),
    rule(['update'], [extensions, apps], ['daemonsets/finalizers']),
    rule(['list', 'watch'], [core], ['nodes']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [core], ['pods']),
    rule(['create'], [core], ['pods/binding']),
    rule(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], [apps], ['controllerrevisions']),
    eventsRule(),
  ],
  'deployment-controller': [
    rule(['get', 'list', 'watch', 'update'], [extensions, apps], ['deployments']),
    rule(['update'], [extensions, apps], ['deployments/status']),
    rule(['update'], [extensions, apps], ['deployments/finalizers']),
    rule(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], [apps, extensions], ['replicasets']),
    rule(['get', 'list', 'watch', 'update'], [core], ['pods']),
    eventsRule(),
  ],
  'endpoint-controller': [
    rule(read, [core], ['services', 'pods']),
    rule(['get', 'list', 'create', 'update', 'delete'], [core], ['endpoints']),
    rule(['create'], [core], ['endpoints/restricted']),
    eventsRule(),
  ],
  'endpointslice-controller': [
    rule(read, [core], ['services', 'pods', 'nodes']),
    // Slices are owned by their Service with blockOwnerDeletion, which needs the Service's finalizers.
    rule(['update'], [core], ['services/finalizers']),
    rule(['get', 'list', 'create', 'update', 'delete'], [discovery], ['endpointslices']),
    eventsRule(),
  ],
  'endpointslicemirroring-controller': [
    rule(read, [core], ['services', 'endpoints']),
    rule(['update'], [core], ['services/finalizers']),
    rule(['update'], [core], ['endpoints/finalizers']),
    rule(['get', 'list', 'create', 'update', 'delete'], [discovery], ['endpointslices']),
    eventsRule(),
  ],
  'generic-garbage-collector': [
    rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']),
    eventsRule(),
  ],
  'horizontal-pod-autoscaler': [
    rule(read, ['autoscaling'], ['horizontalpodautoscalers']),
    rule(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
    rule(['get', 'update'], ['*'], ['*/scale']),
    rule(['list'], [core], ['pods']),
    rule(['list'], ['metrics.k8s.io'], ['pods']),
    rule(['get', 'list'], ['custom.metrics.k8s.io'], ['*']),
    rule(['get', 'list'], ['external.metrics.k8s.io'], ['*']),
    eventsRule(),
  ],
  'job-controller': [
    rule(['get', 'list', 'watch', 'update', 'patch'], [batch], ['jobs']),
    rule(['update'], [batch], ['jobs/status']),
    rule(['update'], [batch], ['jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [core], ['pods']),
    eventsRule(),
  ],
  // Skiff's own: the local-path provisioner inside the volume binder also creates its StorageClass at start, as the
  // upstream local-path-provisioner's manifest does, and watches nodes for the volumes' node affinity.
  'local-path-provisioner': [
    rule(['get', 'list', 'watch', 'create'], [storage], ['storageclasses']),
    rule(['get', 'list', 'watch', 'create', 'delete'], [core], ['persistentvolumes']),
    rule(['get', 'list', 'watch', 'update'], [core], ['persistentvolumeclaims']),
    rule(read, [core], ['nodes']),
    eventsRule(),
  ],
  'namespace-controller': [
    rule(['get', 'list', 'watch', 'delete'], [core], ['namespaces']),
    rule(['update'], [core], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'delete', 'deletecollection'], ['*'], ['*']),
  ],
  // Also Skiff's node IPAM and taint-eviction controllers, which kube runs under this account too.
  'node-controller': [
    rule(['get', 'list', 'update', 'delete', 'patch'], [core], ['nodes']),
    rule(['patch', 'update'], [core], ['nodes/status']),
    rule(['patch', 'update'], [core], ['pods/status']),
    rule(['list', 'get', 'delete'], [core], ['pods']),
    eventsRule(),
  ],
  // Also Skiff's local-path provisioner, which creates and deletes the volumes it provisions.
  'persistent-volume-binder': [
    rule(['get', 'list', 'watch', 'update', 'create', 'delete'], [core], ['persistentvolumes']),
    rule(['update'], [core], ['persistentvolumes/status']),
    rule(['get', 'list', 'watch', 'update'], [core], ['persistentvolumeclaims']),
    rule(['update'], [core], ['persistentvolumeclaims/status']),
    rule(['list', 'watch', 'get', 'create', 'delete'], [core], ['pods']),
    rule(read, [storage], ['storageclasses']),
    rule(['get', 'create', 'update', 'delete'], [core], ['endpoints']),
    rule(['get', 'create', 'delete'], [core], ['services']),
    rule(['get'], [core], ['secrets']),
    rule(['get', 'list'], [core], ['nodes']),
    rule(['watch'], [core], ['events']),
    eventsRule(),
  ],
  'replicaset-controller': [
    rule(['get', 'list', 'watch', 'update'], [apps, extensions], ['replicasets']),
    rule(['update'], [apps, extensions], ['replicasets/status']),
    rule(['update'], [apps, extensions], ['replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [core], ['pods']),
    eventsRule(),
  ],
  'replication-controller': [
    rule(['get', 'list', 'watch', 'update'], [core], ['replicationcontrollers']),
    rule(['update'], [core], ['replicationcontrollers/status']),
    rule(['update'], [core], ['replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [core], ['pods']),
    eventsRule(),
  ],
  'resourcequota-controller': [
    // Quota can count anything, so it reads everything.
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['update'], [core], ['resourcequotas/status']),
    eventsRule(),
  ],
  'root-ca-cert-publisher': [
    rule(['create', 'update'], [core], ['configmaps']),
    eventsRule(),
  ],
  'service-account-controller': [
    rule(['create'], [core], ['serviceaccounts']),
    eventsRule(),
  ],
  'statefulset-controller': [
    rule(['list', 'watch'], [core], ['pods']),
    rule(read, [apps], ['statefulsets']),
    rule(['update'], [apps], ['statefulsets/status']),
    rule(['update'], [apps], ['statefulsets/finalizers']),
    rule(['get', 'create', 'delete', 'update', 'patch'], [core], ['pods']),
    rule(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], [apps], ['controllerrevisions']),
    rule(['get', 'create'], [core], ['persistentvolumeclaims']),
    rule(['update', 'delete'], [core], ['persistentvolumeclaims']),
    eventsRule(),
  ],
});

export const controllerRolePrefix = 'system:controller:';

export function controllerRoles(): ClusterRole[] {
  return Object.entries(controllerRules()).map(([controller, rules]) => clusterRole(`${controllerRolePrefix}${controller}`, rules));
}

export function controllerRoleBindings(): ClusterRoleBinding[] {
  return Object.keys(controllerRules()).map((controller) => {
    const name = `${controllerRolePrefix}${controller}`;
    return clusterRoleBinding(name, name, [
      { kind: 'ServiceAccount', name: controller, namespace: 'kube-system' },
      { kind: 'User', apiGroup: rbac, name: kubeControllerManagerUser },
    ]);
  });
}
