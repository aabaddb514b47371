// The generic registry: one implementation of create/get/list/update/patch/delete for every kind, with the
// kind's Strategy supplying defaulting and validation (kube-apiserver's generic registry Store).
import { fromStorage, toStorage } from '../api/conversion/converters.ts';
import { errors, invalid, ApiError, type FieldError } from '../api/errors.ts';
import { resolveSchema, schemaForKind } from '../api/openapi/definitions.ts';
import { applyJsonPatch } from '../api/patch/json-patch.ts';
import { applyMergePatch } from '../api/patch/merge-patch.ts';
import { applyStrategicMergePatch } from '../api/patch/strategic-merge-patch.ts';
import { groupVersion, type ResourceInfo } from '../api/resources.ts';
import type { KubeList, KubeObject, StoredObject } from '../api/types.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../api/validation/metadata.ts';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from '../api/validation/names.ts';
import { CompactedError, ConflictError, KeyExistsError, NotFoundError, StorageError } from '../storage/errors.ts';
import type { Store } from '../storage/store.ts';
import { planDelete, shouldFinishDeletion, type DeleteRequest } from './deletion.ts';
import { collectionPrefix, objectKey } from './keys.ts';
import { carryUpdateMeta, fillCreateMeta, nowRFC3339, sameStoredContent } from './object-meta.ts';
import { decodeObject, kindOf, type FieldValidation } from './object-decoder.ts';
import type { Strategy } from './strategy.ts';
import { strategyFor } from './strategies/index.ts';
import type { WriteHooks, WriteHooksByKind } from './write-hooks.ts';

export type PatchType = 'json' | 'merge' | 'strategic';

/** What an update writes: the object, its status, or (namespaces) its spec.finalizers. */
export type UpdateSubresource = '' | 'status' | 'finalize';

export interface WriteOptions {
  dryRun?: boolean;
  /** Runs before a write is stored (namespace lifecycle, fencing); throws an ApiError to refuse it. */
  admit?: (attrs: AdmissionAttributes) => Promise<void> | void;
}

export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  ri: ResourceInfo;
  namespace: string;
  name: string;
  subresource: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  /** The write is a dry run (kube's a.IsDryRun()): checked like a real one, but a plugin must change nothing. */
  dryRun?: boolean;
}

export interface ListOptions {
  filter?: (obj: StoredObject) => boolean;
  limit?: number;
  continueToken?: string;
}

/** The kinds whose update bumps metadata.generation (those with a spec/status split, and EndpointSlices). */
function tracksGeneration(strategy: Strategy): boolean {
  return strategy.hasStatusSubresource === true || strategy.generationChanged !== undefined;
}

const maxConflictRetries = 8;

export class Registry {
  readonly store: Store;
  private readonly clock: () => number;
  private readonly hooks: WriteHooksByKind;

  /** `hooks`: per-kind work around writes that needs state (Service allocation), see write-hooks.ts. */
  constructor(store: Store, clock: () => number = Date.now, hooks: WriteHooksByKind = {}) {
    this.store = store;
    this.clock = clock;
    this.hooks = hooks;
  }

  private hooksFor(ri: ResourceInfo): WriteHooks | undefined {
    return this.hooks[`${ri.group}/${ri.kind}`];
  }

  async get(ri: ResourceInfo, namespace: string, name: string): Promise<StoredObject> {
    const obj = await this.find(ri, namespace, name);
    if (!obj) throw errors.notFound(ri.group, ri.plural, name);
    return obj;
  }

  /** The object, or undefined when there is none (get without the NotFound). */
  async find(ri: ResourceInfo, namespace: string, name: string): Promise<StoredObject | undefined> {
    return this.store.get(objectKey(ri, namespace, name));
  }

  async list(ri: ResourceInfo, namespace: string, opts: ListOptions = {}): Promise<KubeList<StoredObject>> {
    const start = opts.continueToken ? decodeContinue(opts.continueToken) : undefined;
    if (start && start.rv < this.store.compactedRevision()) {
      throw errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    const page = await this.store.list(collectionPrefix(ri, namespace), {
      limit: opts.limit && opts.limit > 0 ? opts.limit : undefined,
      startAfterKey: start?.key,
      filter: opts.filter,
    });
    const rv = start?.rv ?? page.rv;
    const metadata: KubeList['metadata'] = { resourceVersion: String(rv) };
    if (page.nextKey !== undefined) {
      metadata.continue = encodeContinue({ rv, key: page.nextKey });
      if (page.remaining !== undefined) metadata.remainingItemCount = page.remaining;
    }
    return { apiVersion: groupVersion(ri), kind: `${ri.kind}List`, metadata, items: page.items };
  }

  async create(ri: ResourceInfo, namespace: string, input: KubeObject, opts: WriteOptions = {}): Promise<StoredObject> {
    const strategy = strategyFor(ri);
    const obj = input;
    const meta = obj.metadata ?? {};
    obj.metadata = meta;
    if (ri.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = meta.namespace || namespace;
    } else {
      // A namespace on a cluster-scoped object is dropped, as kube-apiserver does (a ClusterRole manifest that
      // names one still applies).
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw errors.badRequest('resourceVersion should not be set on objects to be created');
    fillCreateMeta(obj, { now: nowRFC3339(this.clock), tracksGeneration: tracksGeneration(strategy) });
    strategy.default?.(obj);
    strategy.prepareForCreate?.(obj);
    const fieldErrors = [
      ...validateObjectMeta(obj.metadata, { namespaced: ri.namespaced, nameValidator: nameValidatorFor(ri) }),
      ...(strategy.validate?.(obj) ?? []),
    ];
    const name = obj.metadata.name ?? '';
    if (fieldErrors.length > 0) throw invalid(ri.kind, ri.group, name, fieldErrors);
    const txn = this.hooksFor(ri)?.beginCreate?.(obj, opts.dryRun === true);
    try {
      await opts.admit?.({ operation: 'CREATE', ri, namespace: meta.namespace ?? '', name, subresource: '', object: obj, dryRun: opts.dryRun === true });
      const stored = toStored(obj);
      if (opts.dryRun) return { ...stored, metadata: { ...stored.metadata, resourceVersion: '' } };
      let created: StoredObject;
      try {
        created = await this.store.create(objectKey(ri, meta.namespace ?? '', name), stored);
      } catch (e) {
        throw storageError(e, ri, name);
      }
      txn?.commit();
      return created;
    } finally {
      // Anything that stopped the create (admission, a name taken, storage) gives back what it allocated.
      txn?.revert();
    }
  }

  /** PUT: replace the object (or its status), with compare-and-swap when the body carries a resourceVersion. */
  async update(
    ri: ResourceInfo, namespace: string, name: string, input: KubeObject, subresource: UpdateSubresource, opts: WriteOptions = {},
  ): Promise<StoredObject> {
    const meta = input.metadata ?? {};
    input.metadata = meta;
    if (meta.name !== undefined && meta.name !== name) {
      throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (ri.namespaced && meta.namespace && meta.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.name = name;
    if (ri.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    const expectedRv = parseResourceVersion(meta.resourceVersion);
    return this.guaranteedUpdate(ri, namespace, name, subresource, expectedRv, opts, () => structuredClone(input));
  }

  /**
   * PATCH: apply the patch to the current object and store the result; conflicts are retried transparently.
   * `opts.served`: the version the patch is written against when it is not the storage version `ri` (the patch
   * applies to the object as that version shows it, as in kube).
   */
  async patch(
    ri: ResourceInfo, namespace: string, name: string, patch: unknown, type: PatchType, subresource: UpdateSubresource,
    opts: WriteOptions & { fieldValidation: FieldValidation; warnings?: string[]; served?: ResourceInfo },
  ): Promise<StoredObject> {
    const served = opts.served ?? ri;
    const schema = schemaForKind(served.group, served.version, served.kind);
    return this.guaranteedUpdate(ri, namespace, name, subresource, undefined, opts, (current) => {
      const base = fromStorage(served, structuredClone(current) as KubeObject);
      const patched = applyPatch(base, patch, type, schema);
      const decoded = decodeObject(kindOf(served), patched, { fieldValidation: opts.fieldValidation });
      opts.warnings?.push(...decoded.warnings);
      const meta = decoded.object.metadata ?? {};
      if (meta.name !== undefined && meta.name !== name) {
        throw errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
      }
      return toStorage(served, decoded.object);
    }, true);
  }

  /** An update computed from the current object: subresources (scale) that write through the parent. */
  async updateWith(
    ri: ResourceInfo, namespace: string, name: string, expectedRv: number | undefined, opts: WriteOptions,
    compute: (current: StoredObject) => KubeObject,
  ): Promise<StoredObject> {
    return this.guaranteedUpdate(ri, namespace, name, '', expectedRv, opts, compute);
  }

  /**
   * The read-modify-write loop of every update: read the current object, compute the new one, validate,
   * store with CAS on the revision read. A CAS failure re-reads and recomputes unless the client asked for a
   * specific resourceVersion (then it is the client's 409).
   */
  private async guaranteedUpdate(
    ri: ResourceInfo, namespace: string, name: string, subresource: UpdateSubresource, expectedRv: number | undefined,
    opts: WriteOptions, compute: (current: StoredObject) => KubeObject, patching = false,
  ): Promise<StoredObject> {
    const strategy = strategyFor(ri);
    const key = objectKey(ri, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(key);
      if (!current) throw errors.notFound(ri.group, ri.plural, name);
      const currentRv = Number(current.metadata.resourceVersion);
      if (expectedRv !== undefined && expectedRv !== currentRv) throw errors.conflict(ri.group, ri.plural, name);
      const obj = compute(current);
      // A patch carrying metadata.resourceVersion is a precondition, like a PUT's.
      const patchRv = patching ? parseResourceVersion(obj.metadata?.resourceVersion) : undefined;
      if (patchRv !== undefined && patchRv !== currentRv) throw errors.conflict(ri.group, ri.plural, name);
      if (obj.metadata?.uid && obj.metadata.uid !== current.metadata.uid) {
        throw errors.conflict(ri.group, ri.plural, name,
          `Precondition failed: UID in precondition: ${current.metadata.uid}, UID in object meta: ${obj.metadata.uid}`);
      }
      const fieldErrors = this.prepareUpdate(ri, strategy, obj, current, subresource);
      if (fieldErrors.length > 0) throw invalid(ri.kind, ri.group, name, fieldErrors);
      const hooks = this.hooksFor(ri);
      // Status writes keep the spec as stored, so only writes to the object itself allocate.
      const txn = subresource === '' ? hooks?.beginUpdate?.(obj, current, opts.dryRun === true) : undefined;
      try {
        await opts.admit?.({ operation: 'UPDATE', ri, namespace, name, subresource, object: obj, oldObject: current, dryRun: opts.dryRun === true });
        // Nothing changed: Kubernetes skips the write and answers with the stored object (no new revision).
        if (sameStoredContent(obj, current)) return current;
        const stored = toStored(obj);
        stored.metadata.resourceVersion = current.metadata.resourceVersion;
        if (opts.dryRun) return stored;
        try {
          if (shouldFinishDeletion(ri.plural, stored)) {
            const deleted = await this.store.delete(key, currentRv);
            // Gone for good: what the update allocated is given back below, what the object held here.
            hooks?.afterDelete?.(deleted);
            return deleted;
          }
          const updated = await this.store.update(key, stored, currentRv);
          txn?.commit();
          return updated;
        } catch (e) {
          if (e instanceof ConflictError && expectedRv === undefined && patchRv === undefined && attempt < maxConflictRetries) continue;
          if (e instanceof NotFoundError) throw errors.notFound(ri.group, ri.plural, name);
          throw storageError(e, ri, name);
        }
      } finally {
        // A failed or retried write gives back what it allocated; after commit this does nothing.
        txn?.revert();
      }
    }
  }

  private prepareUpdate(
    ri: ResourceInfo, strategy: Strategy, obj: KubeObject, old: StoredObject, subresource: UpdateSubresource,
  ): FieldError[] {
    obj.apiVersion = groupVersion(ri);
    obj.kind = ri.kind;
    if (subresource === 'finalize') {
      // Only spec.finalizers changes: the namespace controller's last step.
      const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
      const next = structuredClone(old) as KubeObject;
      next.spec = { ...(next.spec as Record<string, unknown> | undefined), finalizers: finalizers ?? [] };
      Object.assign(obj, next);
      return strategy.validate?.(obj) ?? [];
    }
    if (subresource === 'status') {
      // A status write changes status only: metadata is the stored object's, as ResetObjectMetaForStatus does.
      strategy.prepareForStatusUpdate?.(obj, old);
      obj.metadata = structuredClone(old.metadata);
      return [
        ...validateObjectMetaUpdate(obj.metadata, old.metadata),
        ...(strategy.validateStatusUpdate?.(obj, old) ?? []),
      ];
    }
    strategy.default?.(obj);
    strategy.prepareForUpdate?.(obj, old);
    carryUpdateMeta(obj, old, tracksGeneration(strategy), strategy.generationChanged);
    return [
      ...validateObjectMeta(obj.metadata, { namespaced: ri.namespaced, nameValidator: nameValidatorFor(ri) }),
      ...validateObjectMetaUpdate(obj.metadata ?? {}, old.metadata),
      ...(strategy.validate?.(obj) ?? []),
      ...(strategy.validateUpdate?.(obj, old) ?? []),
    ];
  }

  /**
   * DELETE. Returns the object as it now is: marked for deletion (graceful pods, finalizers, foreground)
   * or gone (`deleted: true`, carrying its last state).
   */
  async delete(
    ri: ResourceInfo, namespace: string, name: string,
    req: DeleteRequest & { preconditions?: { uid?: string; resourceVersion?: string } }, opts: WriteOptions = {},
  ): Promise<{ object: StoredObject; deleted: boolean }> {
    const key = objectKey(ri, namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.get(key);
      if (!current) throw errors.notFound(ri.group, ri.plural, name);
      const pre = req.preconditions;
      if (pre?.uid && pre.uid !== current.metadata.uid) {
        throw errors.conflict(ri.group, ri.plural, name,
          `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
        throw errors.conflict(ri.group, ri.plural, name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
      }
      await opts.admit?.({ operation: 'DELETE', ri, namespace, name, subresource: '', oldObject: current, dryRun: opts.dryRun === true });
      const plan = planDelete(ri.plural, current, req, this.clock());
      const rv = Number(current.metadata.resourceVersion);
      try {
        if (plan.action === 'delete') {
          if (opts.dryRun) return { object: current, deleted: true };
          const deleted = await this.store.delete(key, rv);
          this.hooksFor(ri)?.afterDelete?.(deleted);
          return { object: deleted, deleted: true };
        }
        if (plan.object === current || opts.dryRun) return { object: plan.object as StoredObject, deleted: false };
        return { object: await this.store.update(key, toStored(plan.object), rv), deleted: false };
      } catch (e) {
        if (e instanceof ConflictError && attempt < maxConflictRetries) continue;
        if (e instanceof NotFoundError) throw errors.notFound(ri.group, ri.plural, name);
        throw storageError(e, ri, name);
      }
    }
  }

  async deleteCollection(
    ri: ResourceInfo, namespace: string, filter: ((o: StoredObject) => boolean) | undefined, req: DeleteRequest,
    opts: WriteOptions = {},
  ): Promise<KubeList<StoredObject>> {
    const list = await this.list(ri, namespace, { filter });
    const items: StoredObject[] = [];
    for (const item of list.items) {
      try {
        const { object } = await this.delete(ri, item.metadata.namespace ?? '', item.metadata.name, req, opts);
        items.push(object);
      } catch (e) {
        // Something else deleted it meanwhile: that is the outcome we wanted.
        if (e instanceof ApiError && e.code === 404) continue;
        throw e;
      }
    }
    return { ...list, items };
  }
}

export function nameValidatorFor(ri: ResourceInfo): NameValidator {
  if (ri.plural === 'namespaces') return nameIsDNSLabel;
  if (ri.plural === 'services') return nameIsDNS1035Label;
  // ValidateRBACName: any path segment, so roles can be called `system:kube-scheduler`.
  if (ri.group === 'rbac.authorization.k8s.io') return nameIsPathSegment;
  return nameIsDNSSubdomain;
}

function applyPatch(base: KubeObject, patch: unknown, type: PatchType, schema: ReturnType<typeof schemaForKind>): unknown {
  switch (type) {
    case 'json': return applyJsonPatch(base, patch);
    case 'merge': return applyMergePatch(base, patch);
    case 'strategic': return applyStrategicMergePatch(base, patch, schema, resolveSchema);
  }
}

function toStored(obj: KubeObject): StoredObject {
  return obj as StoredObject;
}

function parseResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '') return undefined;
  const n = Number(rv);
  if (!Number.isSafeInteger(n) || n < 0) throw errors.badRequest(`invalid resourceVersion: ${JSON.stringify(rv)}`);
  return n;
}

function storageError(e: unknown, ri: ResourceInfo, name: string): Error {
  if (e instanceof ApiError) return e;
  if (e instanceof KeyExistsError) return errors.alreadyExists(ri.group, ri.plural, name);
  if (e instanceof ConflictError) return errors.conflict(ri.group, ri.plural, name);
  if (e instanceof NotFoundError) return errors.notFound(ri.group, ri.plural, name);
  if (e instanceof CompactedError) return errors.expired(e.message);
  if (e instanceof StorageError) return errors.internal(`storage: ${e.message}`);
  return e instanceof Error ? e : new Error(String(e));
}

interface ContinueToken { rv: number; key: string }

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, rv: t.rv, start: t.key })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v === 1 && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return { rv: parsed.rv, key: parsed.start };
    }
  } catch {
    // fall through to the error below
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}
