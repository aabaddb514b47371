// A kind's behaviour in the generic registry, as kube-apiserver's RESTCreateStrategy/RESTUpdateStrategy:
// defaulting, preparing, validating. The generic handler calls these in a fixed order:
//   create: decode -> default -> prepareForCreate -> (metadata validation) + validate -> store
//   update: decode -> default -> prepareForUpdate(new, old) -> (metadata validation) + validate + validateUpdate -> store
//   status: decode -> prepareForStatusUpdate(new, old) -> validateStatusUpdate -> store
// Hooks mutate the object they are given; validators return every field error they find (never throw for bad input).
import type { FieldError } from '../api/errors.ts';
import type { KubeObject } from '../api/types.ts';

export interface Strategy {
  /** Kubernetes' SetDefaults_*: fill unset fields with their defaults. Idempotent. */
  default?(obj: KubeObject): void;
  /** Runs once on create, after uid/creationTimestamp are set: e.g. reset status, generate a Job's selector. */
  prepareForCreate?(obj: KubeObject): void;
  /** Runs on every update of the main resource: e.g. keep the old status (status has its own subresource). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Field errors in the object itself (spec and kind-specific metadata rules). */
  validate?(obj: KubeObject): FieldError[];
  /** Field errors that depend on the old object: immutable fields. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** On the status subresource: keep everything but status from the old object. */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** True when this kind has a spec/status split (status changes through the status subresource only). */
  hasStatusSubresource?: boolean;
  /**
   * For a kind without a status subresource that still counts metadata.generation (EndpointSlice): whether this
   * update is a new generation. Kinds with a status subresource bump it when anything but metadata and status changes.
   */
  generationChanged?(obj: KubeObject, old: KubeObject): boolean;
}
