// Status counters of replica controllers (Deployment, ReplicaSet, StatefulSet, ReplicationController): none may
// be negative, none may exceed status.replicas, and available pods are a subset of ready ones.
import { fieldError, type FieldError } from '../errors.ts';
import { child, nonNegative } from './common.ts';

/** Counters that are not part of status.replicas and so are not capped by it. */
const uncapped = new Set(['replicas', 'unavailableReplicas', 'observedGeneration', 'collisionCount']);

export function validateReplicaCounts<T extends object>(status: T, path: string, counters: (keyof T & string)[]): FieldError[] {
  const read = (name: string): number | undefined => {
    const v = (status as Record<string, unknown>)[name];
    return typeof v === 'number' ? v : undefined;
  };
  const errs: FieldError[] = [];
  for (const name of counters) errs.push(...nonNegative(read(name), child(path, name)));
  const replicas = read('replicas') ?? 0;
  for (const name of counters) {
    const value = read(name);
    if (uncapped.has(name) || value === undefined) continue;
    if (value > replicas) errs.push(fieldError.invalid(child(path, name), value, 'cannot be greater than status.replicas'));
  }
  const available = read('availableReplicas');
  const ready = read('readyReplicas') ?? 0;
  if (counters.includes('availableReplicas' as keyof T & string) && available !== undefined && available > ready) {
    errs.push(fieldError.invalid(child(path, 'availableReplicas'), available, 'cannot be greater than readyReplicas'));
  }
  return errs;
}

/** collisionCount only ever grows: controllers use it to pick fresh hash names. */
export function collisionCountErrors(count: number | undefined, oldCount: number | undefined): FieldError[] {
  const errs = nonNegative(count, 'status.collisionCount');
  if (oldCount !== undefined && (count === undefined || count < oldCount)) {
    errs.push(fieldError.invalid('status.collisionCount', count ?? 0, 'cannot be decremented'));
  }
  return errs;
}
