// The subresources that write through their parent object: scale (replicas), binding (a pod's node) and
// eviction (a policy-checked pod delete).
import { errors } from '../api/errors.ts';
import { selectorFromLabelSelector, selectorToString } from '../api/labels.ts';
import { resolveSchema, schemaForKind } from '../api/openapi/definitions.ts';
import { applyJsonPatch } from '../api/patch/json-patch.ts';
import { applyMergePatch } from '../api/patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../api/patch/strategic-merge-patch.ts';
import type { ResourceInfo } from '../api/resources.ts';
import type { Binding, Eviction, KubeObject, LabelSelector, Pod, PodCondition, Scale, StoredObject } from '../api/types.ts';
import { ConflictError } from '../storage/errors.ts';
import type { DeleteRequest } from './deletion.ts';
import { objectKey } from './keys.ts';
import { nowRFC3339 } from './object-meta.ts';
import type { PatchType, Registry, WriteOptions } from './registry.ts';

interface Replicated {
  spec?: { replicas?: number; selector?: LabelSelector | Record<string, string> };
  status?: { replicas?: number };
}

/** The Scale view of a Deployment, ReplicaSet, StatefulSet or ReplicationController. */
export function scaleOf(ri: ResourceInfo, obj: StoredObject): Scale {
  const r = obj as StoredObject & Replicated;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: r.spec?.replicas ?? 0 },
    status: { replicas: r.status?.replicas ?? 0, selector: selectorString(ri, r.spec?.selector) },
  };
}

function selectorString(ri: ResourceInfo, selector: LabelSelector | Record<string, string> | undefined): string {
  if (!selector) return '';
  // A ReplicationController's selector is a plain label map; the others' are LabelSelectors.
  if (ri.plural === 'replicationcontrollers') {
    return Object.keys(selector).sort().map((k) => `${k}=${(selector as Record<string, string>)[k]}`).join(',');
  }
  const parsed = selectorFromLabelSelector(selector as LabelSelector);
  return parsed === 'nothing' ? '' : selectorToString(parsed);
}

export async function updateScale(
  registry: Registry, ri: ResourceInfo, namespace: string, name: string, scale: Scale, opts: WriteOptions,
): Promise<Scale> {
  const replicas = scale.spec?.replicas;
  if (replicas === undefined || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.badRequest(`Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`);
  }
  const rv = scale.metadata?.resourceVersion ? Number(scale.metadata.resourceVersion) : undefined;
  const updated = await registry.updateWith(ri, namespace, name, rv, opts, (current) => {
    const next = structuredClone(current) as KubeObject & Replicated;
    next.spec = { ...next.spec, replicas };
    return next;
  });
  return scaleOf(ri, updated);
}

export async function patchScale(
  registry: Registry, ri: ResourceInfo, namespace: string, name: string, patch: unknown, type: PatchType,
  opts: WriteOptions,
): Promise<Scale> {
  const current = scaleOf(ri, await registry.get(ri, namespace, name));
  const schema = schemaForKind('autoscaling', 'v1', 'Scale');
  const patched = (type === 'json' ? applyJsonPatch(current, patch)
    : type === 'merge' ? applyMergePatch(current, patch)
      : applyStrategicMergePatch(current, patch, schema, resolveSchema)) as Scale;
  return updateScale(registry, ri, namespace, name, patched, opts);
}

/** pods/binding: assigns a pod to a node once; a second bind is a 409, as in Kubernetes. */
export async function bindPod(registry: Registry, ri: ResourceInfo, namespace: string, name: string, binding: Binding, opts: WriteOptions): Promise<void> {
  const nodeName = binding.target?.name;
  if (!nodeName) throw errors.badRequest('binding target name is required');
  if (binding.metadata?.name && binding.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`);
  }
  const key = objectKey(ri, namespace, name);
  for (;;) {
    const current = await registry.get(ri, namespace, name) as StoredObject & Pod;
    if (current.metadata.deletionTimestamp) {
      throw errors.conflict('', 'pods/binding', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    }
    if (current.spec?.nodeName) {
      throw errors.conflict('', 'pods/binding', name, `pod ${name} is already assigned to node "${current.spec.nodeName}"`);
    }
    if (binding.metadata?.uid && binding.metadata.uid !== current.metadata.uid) {
      throw errors.conflict('', 'pods/binding', name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    const next = structuredClone(current) as StoredObject & Pod;
    next.spec = { ...next.spec!, nodeName };
    const conditions: PodCondition[] = (next.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: nowRFC3339() });
    (next as { status?: Pod['status'] }).status = { ...next.status, conditions };
    await opts.admit?.({ operation: 'UPDATE', ri, namespace, name, subresource: 'binding', object: next, oldObject: current });
    if (opts.dryRun) return;
    try {
      await registry.store.update(key, next, Number(current.metadata.resourceVersion));
      return;
    } catch (e) {
      if (e instanceof ConflictError) continue;
      throw e;
    }
  }
}

/** pods/eviction: a delete that disruption budgets may refuse (none are served yet, so every eviction is allowed). */
export async function evictPod(registry: Registry, ri: ResourceInfo, namespace: string, name: string, eviction: Eviction, opts: WriteOptions): Promise<void> {
  if (eviction.metadata?.name && eviction.metadata.name !== name) {
    throw errors.badRequest(`name in URL does not match name in Eviction object`);
  }
  const options = eviction.deleteOptions ?? {};
  const req: DeleteRequest & { preconditions?: { uid?: string; resourceVersion?: string } } = {
    gracePeriodSeconds: options.gracePeriodSeconds,
    propagationPolicy: options.propagationPolicy as DeleteRequest['propagationPolicy'],
    preconditions: options.preconditions,
  };
  // kubectl drain --dry-run=server says it in the Eviction's deleteOptions rather than in the query.
  const dryRun = opts.dryRun || (options.dryRun ?? []).includes('All');
  await registry.delete(ri, namespace, name, req, { ...opts, dryRun });
}
