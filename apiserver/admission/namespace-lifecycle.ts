// The NamespaceLifecycle admission plugin: nothing is created in a namespace that doesn't exist or is being
// deleted, and the namespaces the system depends on cannot be deleted.
import { errors } from '../api/errors.ts';
import { resourceFor } from '../api/resources.ts';
import { objectKey } from '../registry/keys.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { Store } from '../storage/store.ts';

const namespacesInfo = resourceFor('', 'v1', 'namespaces')!;
export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export async function admitNamespaceLifecycle(store: Store, a: AdmissionAttributes): Promise<void> {
  if (a.ri.plural === 'namespaces' && a.ri.group === '') {
    if (a.operation === 'DELETE' && immortalNamespaces.has(a.name)) {
      throw errors.forbiddenObject('', 'namespaces', a.name, 'this namespace may not be deleted');
    }
    return;
  }
  if (a.operation !== 'CREATE' || !a.ri.namespaced) return;
  const ns = await store.get(objectKey(namespacesInfo, '', a.namespace));
  if (!ns) throw errors.notFound('', 'namespaces', a.namespace);
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if (ns.metadata.deletionTimestamp || phase === 'Terminating') {
    throw errors.forbiddenObject(a.ri.group, a.ri.plural, a.name,
      `unable to create new content in namespace ${a.namespace} because it is being terminated`,
      [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }]);
  }
}
