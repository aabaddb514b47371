// Paths inside a volume or on the node, after Kubernetes' validatePathNoBacksteps, validateLocalDescendingPath
// and ValidateLocalNonReservedPath. A `..` element could climb out of the directory the path is meant to stay in.
import { fieldError, type FieldError } from '../errors.ts';

/** No `..` element, whatever else the path looks like (one error even for `../../..`). */
export function validatePathNoBacksteps(target: string, path: string): FieldError[] {
  return target.split('/').includes('..') ? [fieldError.invalid(path, target, "must not contain '..'")] : [];
}

/** Relative and free of `..`: a path below some directory. */
export function validateLocalDescendingPath(target: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(fieldError.invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** Also refuses names starting with `..` (`..data` is where the kubelet swaps projected files atomically). */
export function validateLocalNonReservedPath(target: string, path: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  // `../x` is already reported as a backstep; report the prefix only for names like `..data`.
  if (target.startsWith('..') && !target.startsWith('../')) {
    errs.push(fieldError.invalid(path, target, "must not start with '..'"));
  }
  return errs;
}
