// Typed strategy hooks for one kind, adapted to the registry's untyped Strategy. The registry only ever hands a
// strategy objects of its own kind (already decoded against the kind's schema), so the cast lives here, once.
import type { FieldError } from '../../api/errors.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Strategy } from '../strategy.ts';

export interface KindHooks<T> {
  default?(obj: T): void;
  prepareForCreate?(obj: T): void;
  prepareForUpdate?(obj: T, old: T): void;
  validate?(obj: T): FieldError[];
  validateUpdate?(obj: T, old: T): FieldError[];
  prepareForStatusUpdate?(obj: T, old: T): void;
  validateStatusUpdate?(obj: T, old: T): FieldError[];
  hasStatusSubresource?: boolean;
  generationChanged?(obj: T, old: T): boolean;
}

export function kindStrategy<T>(hooks: KindHooks<T>): Strategy {
  const as = (obj: KubeObject): T => obj as unknown as T;
  const strategy: Strategy = { hasStatusSubresource: hooks.hasStatusSubresource === true };
  const { default: setDefaults, prepareForCreate, prepareForUpdate, validate, validateUpdate } = hooks;
  const { prepareForStatusUpdate, validateStatusUpdate } = hooks;
  if (setDefaults) strategy.default = (obj) => setDefaults(as(obj));
  if (prepareForCreate) strategy.prepareForCreate = (obj) => prepareForCreate(as(obj));
  if (prepareForUpdate) strategy.prepareForUpdate = (obj, old) => prepareForUpdate(as(obj), as(old));
  if (validate) strategy.validate = (obj) => validate(as(obj));
  if (validateUpdate) strategy.validateUpdate = (obj, old) => validateUpdate(as(obj), as(old));
  if (prepareForStatusUpdate) strategy.prepareForStatusUpdate = (obj, old) => prepareForStatusUpdate(as(obj), as(old));
  if (validateStatusUpdate) strategy.validateStatusUpdate = (obj, old) => validateStatusUpdate(as(obj), as(old));
  const { generationChanged } = hooks;
  if (generationChanged) strategy.generationChanged = (obj, old) => generationChanged(as(obj), as(old));
  return strategy;
}

interface WithStatus {
  status?: unknown;
}

/**
 * The spec/status split of kinds with a status subresource, as Kubernetes' PrepareForUpdate and
 * PrepareForUpdateStatus: a write to the object keeps the stored status, a write to status keeps everything
 * else (metadata is restored by the registry). `setDefaults` re-applies the kind's defaults to the new status,
 * as decoding does for every request in kube-apiserver.
 */
export function statusSplit<T extends WithStatus>(options: {
  /** The status a new object starts with, whatever the client sent; omit to keep the client's. */
  resetStatus?: (obj: T) => void;
  setDefaults?: (obj: T) => void;
}): Pick<KindHooks<T>, 'hasStatusSubresource' | 'prepareForCreate' | 'prepareForUpdate' | 'prepareForStatusUpdate'> {
  return {
    hasStatusSubresource: true,
    ...(options.resetStatus ? { prepareForCreate: options.resetStatus } : {}),
    prepareForUpdate: keepOldStatus,
    prepareForStatusUpdate: (obj, old) => {
      keepAllButStatus(obj, old);
      options.setDefaults?.(obj);
    },
  };
}

export function keepOldStatus<T extends WithStatus>(obj: T, old: T): void {
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

/** Every top-level field but status (and metadata, which the registry owns) comes from the stored object. */
export function keepAllButStatus<T extends WithStatus>(obj: T, old: T): void {
  const target = obj as Record<string, unknown>;
  const source = old as Record<string, unknown>;
  for (const field of Object.keys(target)) {
    if (field !== 'status' && field !== 'metadata' && !(field in source)) delete target[field];
  }
  for (const [field, value] of Object.entries(source)) {
    if (field !== 'status' && field !== 'metadata') target[field] = structuredClone(value);
  }
}
