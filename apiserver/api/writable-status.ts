// kubernetes-types marks some kinds' `status` readonly (clients should not write it). The apiserver is the one
// place that does: resetting status on create and filling status defaults.
interface StatusHolder<S> {
  readonly status?: S;
}

export function setStatus<S>(obj: StatusHolder<S>, status: S | undefined): void {
  const writable = obj as { status?: S };
  if (status === undefined) delete writable.status;
  else writable.status = status;
}

/** The object's status, created empty when missing, for in-place defaulting. */
export function ensureStatus<S extends object>(obj: StatusHolder<S>): S {
  const writable = obj as { status?: S };
  writable.status ??= {} as S;
  return writable.status;
}
