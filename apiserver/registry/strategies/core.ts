// Strategies of core/v1 kinds other than Pod and the storage kinds.
import { defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultResourceQuota, defaultSecret } from '../../api/defaults/core.ts';
import { defaultService } from '../../api/defaults/service.ts';
import { defaultReplicationController } from '../../api/defaults/workloads.ts';
import type {
  ConfigMap, Endpoints, Event, LimitRange, Namespace, Node, ReplicationController, ResourceQuota, Secret, Service,
  ServiceAccount,
} from '../../api/types.ts';
import { validateConfigMap, validateConfigMapUpdate } from '../../api/validation/configmap.ts';
import { validateEndpoints, validateEndpointsUpdate } from '../../api/validation/endpoints.ts';
import { validateEvent, validateEventUpdate } from '../../api/validation/event.ts';
import { validateLimitRange, validateLimitRangeUpdate } from '../../api/validation/limitrange.ts';
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from '../../api/validation/namespace.ts';
import { validateNode, validateNodeStatusUpdate, validateNodeUpdate } from '../../api/validation/node.ts';
import {
  validateReplicationController, validateReplicationControllerStatusUpdate, validateReplicationControllerUpdate,
} from '../../api/validation/replicationcontroller.ts';
import { validateResourceQuota, validateResourceQuotaStatusUpdate, validateResourceQuotaUpdate } from '../../api/validation/resourcequota.ts';
import { validateSecret, validateSecretUpdate } from '../../api/validation/secret.ts';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from '../../api/validation/service.ts';
import { validateServiceAccount, validateServiceAccountUpdate } from '../../api/validation/serviceaccount.ts';
import { setStatus } from '../../api/writable-status.ts';
import type { Strategy } from '../strategy.ts';
import { keepOldStatus, kindStrategy, statusSplit } from './kind-strategy.ts';
import {
  dropTypeDependentFields, normalizeClusterIPsOnCreate, normalizeClusterIPsOnUpdate, patchAllocatedValues,
} from './service-fields.ts';

/** The finalizer the namespace controller removes once everything in the namespace is gone. */
const kubernetesFinalizer = 'kubernetes';

export const namespaceStrategy: Strategy = kindStrategy<Namespace>({
  ...statusSplit({ setDefaults: defaultNamespace }),
  default: defaultNamespace,
  // Every namespace starts Active and carries the kubernetes finalizer, so deletion waits for its contents.
  prepareForCreate: (ns) => {
    ns.status = { phase: 'Active' };
    ns.spec ??= {};
    const finalizers = ns.spec.finalizers ?? [];
    if (!finalizers.includes(kubernetesFinalizer)) ns.spec.finalizers = [...finalizers, kubernetesFinalizer];
  },
  // spec.finalizers changes only through the finalize subresource.
  prepareForUpdate: (ns, old) => {
    keepOldStatus(ns, old);
    const finalizers = old.spec?.finalizers;
    if (finalizers === undefined) {
      if (ns.spec) delete ns.spec.finalizers;
    } else {
      ns.spec = { ...ns.spec, finalizers: [...finalizers] };
    }
  },
  validate: validateNamespace,
  validateUpdate: validateNamespaceUpdate,
  validateStatusUpdate: validateNamespaceStatusUpdate,
});

export const nodeStrategy: Strategy = kindStrategy<Node>({
  // A kubelet registers its node with the status it observed, so create keeps status.
  ...statusSplit({ setDefaults: defaultNode }),
  default: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeStatusUpdate,
});

export const serviceStrategy: Strategy = kindStrategy<Service>({
  ...statusSplit({ setDefaults: defaultService }),
  default: defaultService,
  prepareForCreate: (svc) => {
    setStatus(svc, { loadBalancer: {} });
    normalizeClusterIPsOnCreate(svc);
  },
  prepareForUpdate: (svc, old) => {
    keepOldStatus(svc, old);
    patchAllocatedValues(svc, old);
    normalizeClusterIPsOnUpdate(svc, old);
    dropTypeDependentFields(svc, old);
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: validateServiceStatusUpdate,
});

export const replicationControllerStrategy: Strategy = kindStrategy<ReplicationController>({
  ...statusSplit({ resetStatus: (rc) => setStatus(rc, { replicas: 0 }) }),
  default: defaultReplicationController,
  validate: validateReplicationController,
  validateUpdate: validateReplicationControllerUpdate,
  validateStatusUpdate: validateReplicationControllerStatusUpdate,
});

export const resourceQuotaStrategy: Strategy = kindStrategy<ResourceQuota>({
  ...statusSplit({ resetStatus: (q) => { q.status = {}; }, setDefaults: defaultResourceQuota }),
  default: defaultResourceQuota,
  validate: validateResourceQuota,
  validateUpdate: validateResourceQuotaUpdate,
  validateStatusUpdate: validateResourceQuotaStatusUpdate,
});

export const endpointsStrategy: Strategy = kindStrategy<Endpoints>({
  default: defaultEndpoints,
  validate: validateEndpoints,
  validateUpdate: validateEndpointsUpdate,
});

export const configMapStrategy: Strategy = kindStrategy<ConfigMap>({
  validate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
});

export const secretStrategy: Strategy = kindStrategy<Secret>({
  default: defaultSecret,
  validate: validateSecret,
  validateUpdate: validateSecretUpdate,
});

export const eventStrategy: Strategy = kindStrategy<Event>({
  validate: validateEvent,
  validateUpdate: validateEventUpdate,
});

export const serviceAccountStrategy: Strategy = kindStrategy<ServiceAccount>({
  validate: validateServiceAccount,
  validateUpdate: validateServiceAccountUpdate,
});

export const limitRangeStrategy: Strategy = kindStrategy<LimitRange>({
  default: defaultLimitRange,
  validate: validateLimitRange,
  validateUpdate: validateLimitRangeUpdate,
});
