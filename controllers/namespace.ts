// namespace-controller (kube's pkg/controller/namespace): a deleted namespace is emptied, then released. The
// apiserver marks it Terminating and keeps it while spec.finalizers holds `kubernetes`; this controller deletes
// every namespaced object of every kind in it (pods first), says in the namespace's conditions what is still
// there, looks again until nothing is, and then removes `kubernetes` through namespaces/<name>/finalize, upon
// which the apiserver deletes the namespace.
import { resourceFor, resources, type ResourceInfo } from '../apiserver/api/resources.ts';
import type { Namespace, Pod } from '../apiserver/api/types.ts';
import { isConflict, isNotFound, objectKey, type ApiObject } from '../apiserver/client/index.ts';
import { controllerBasics, type Controller, type ControllerContext } from './framework/controller.ts';
import {
  contentLeft, deletionStages, gracefulTerminationEstimate, isPods, namespaceDeletionConditions, namespaceFinalizer,
  requeueAfterSeconds, summarizePass, withoutFinalizer, type ContentLeft, type DeletionPass,
} from './namespace-plan.ts';
import { rfc3339 } from './workload-pods.ts';

const namespacesResource = resourceFor('', 'v1', 'namespaces')!;
const podsResource = resourceFor('', 'v1', 'pods')!;

/** Conflicting writes to one namespace are retried this often on a fresh copy before the key is requeued. */
const maxConflictRetries = 5;

export function newNamespaceController(ctx: ControllerContext): Controller {
  const name = 'namespace-controller';
  const { queue, logger } = controllerBasics(ctx, name);
  const namespaces = ctx.informers.informerFor<Namespace>(namespacesResource);
  const pods = ctx.informers.informerFor<Pod>(podsResource);
  const stages = deletionStages(resources);

  namespaces.addEventHandler({
    onAdd: (ns) => queue.add(objectKey(ns)),
    onUpdate: (_old, ns) => queue.add(objectKey(ns)),
  });
  // kube looks again only when its estimate runs out. Pods ending their grace period are what a namespace
  // usually waits for, and the shared pod informer tells of each one gone, so the last one finishes the namespace.
  pods.addEventHandler({
    onDelete: (pod) => {
      const ns = namespaces.get(pod.metadata?.namespace ?? '');
      if (ns?.metadata?.deletionTimestamp) queue.add(objectKey(ns));
    },
  });

  async function getNamespace(nsName: string): Promise<Namespace | undefined> {
    try {
      return await ctx.client.get<Namespace>(namespacesResource, undefined, nsName);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** A write to the namespace, tried again on a fresh copy when it conflicts; undefined once the namespace is gone. */
  async function writeNamespace(ns: Namespace, write: (latest: Namespace) => Promise<Namespace>): Promise<Namespace | undefined> {
    let latest = ns;
    for (let attempt = 1; ; attempt++) {
      try {
        return await write(latest);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (!isConflict(err) || attempt >= maxConflictRetries) throw err;
      }
      const fresh = await getNamespace(latest.metadata?.name ?? '');
      if (!fresh) return undefined;
      if (fresh.metadata?.uid !== latest.metadata?.uid) throw new Error('namespace uid has changed across retries');
      latest = fresh;
    }
  }

  const updateStatus = (ns: Namespace, status: NonNullable<Namespace['status']>): Promise<Namespace> =>
    ctx.client.updateStatus<Namespace>(namespacesResource, undefined, { ...ns, status });

  /** Deletes every object of one kind in the namespace, then lists what is left of it. */
  async function empty(ri: ResourceInfo, namespace: string, deletedAtMs: number): Promise<ContentLeft> {
    const estimate = isPods(ri)
      ? gracefulTerminationEstimate(pods.byIndex('namespace', namespace), deletedAtMs, ctx.clock())
      : 0;
    // Background, so the garbage collector adds no orphan finalizer: the dependents are deleted here anyway.
    if (ri.verbs.includes('deletecollection')) {
      await ctx.client.deleteCollection(ri, namespace, { propagationPolicy: 'Background' });
    } else {
      const list = await ctx.client.list<ApiObject>(ri, namespace);
      for (const item of list.items) {
        try {
          await ctx.client.delete(ri, namespace, item.metadata?.name ?? '', { propagationPolicy: 'Background' });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    const left = await ctx.client.list<ApiObject>(ri, namespace);
    return contentLeft(ri, namespace, left.items, estimate);
  }

  /** One pass over the namespace's content; its conditions are brought up to date with what the pass found. */
  async function deleteAllContent(ns: Namespace): Promise<{ pass: DeletionPass; ns: Namespace }> {
    const nsName = ns.metadata?.name ?? '';
    const deletedAtMs = Date.parse(ns.metadata?.deletionTimestamp ?? '') || ctx.clock();
    const results: ContentLeft[] = [];
    const requestErrors: string[] = [];
    const emptyKind = async (ri: ResourceInfo): Promise<void> => {
      try {
        results.push(await empty(ri, nsName, deletedAtMs));
      } catch (err) {
        requestErrors.push(`${ri.plural}.${ri.group}: ${(err as Error).message}`);
      }
    };
    for (const stage of stages) {
      await Promise.all(stage.map(emptyKind));
      // Pods still stopping may still use what the later stages would delete.
      if (results.some((r) => r.remaining > 0)) break;
    }
    const pass = summarizePass(results, requestErrors);

    const { conditions, changed } = namespaceDeletionConditions(ns.status?.conditions, pass, rfc3339(ctx.clock()));
    if (!changed) return { pass, ns };
    try {
      return { pass, ns: await updateStatus(ns, { ...ns.status, conditions }) };
    } catch (err) {
      // As kube: the conditions are a report, written again on the next pass; the deletion goes on.
      logger.warn({ namespace: nsName, err: (err as Error).message }, 'could not update namespace conditions');
      return { pass, ns };
    }
  }

  async function reconcile(key: string): Promise<void> {
    if (!namespaces.get(key)?.metadata?.deletionTimestamp) return;
    // Several writers touch a terminating namespace: decide on the apiserver's copy, not the cache's.
    let ns = await getNamespace(key);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (ns.status?.phase !== 'Terminating') {
      ns = await writeNamespace(ns, (latest) => updateStatus(latest, { ...latest.status, phase: 'Terminating' }));
      if (!ns) return;
    }
    // Finalized: whatever holds it now is some other controller's finalizer.
    if ((ns.spec?.finalizers ?? []).length === 0) return;

    const { pass, ns: current } = await deleteAllContent(ns);
    if (pass.errors.length > 0) throw new Error(`namespace ${key}: ${pass.errors.join('; ')}`);
    if (pass.estimateSeconds > 0) {
      logger.debug({ namespace: key, estimateSeconds: pass.estimateSeconds, remaining: pass.remaining }, 'content remains');
      queue.addAfter(key, requeueAfterSeconds(pass.estimateSeconds) * 1000);
      return;
    }
    await writeNamespace(current, (latest) => ctx.client.updateSubresource<Namespace>(namespacesResource, undefined, key, 'finalize', {
      ...latest, spec: { ...latest.spec, finalizers: withoutFinalizer(latest.spec?.finalizers, namespaceFinalizer) },
    }));
    logger.info({ namespace: key }, 'namespace emptied and finalized');
  }

  // kube runs 10 namespace syncs at once (--concurrent-namespace-syncs).
  return { name, queue, workers: 10, reconcile };
}
