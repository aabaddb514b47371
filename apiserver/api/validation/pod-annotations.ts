// Annotations that mean something to Kubernetes on a pod (mirror pods, deletion cost, and the deprecated
// tolerations, seccomp and AppArmor annotations), after ValidatePodSpecificAnnotations and
// ValidatePodSpecificAnnotationUpdates.
import { fieldError, type FieldError } from '../errors.ts';
import type { PodSpec, Toleration } from '../types.ts';
import { child, key } from './common.ts';
import { validateLocalDescendingPath } from './pod-paths.ts';
import { validateTolerations } from './pod-scheduling.ts';

export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
export const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';
const tolerationsAnnotation = 'scheduler.alpha.kubernetes.io/tolerations';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorContainerPrefix = 'container.apparmor.security.beta.kubernetes.io/';

export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec, path: string): FieldError[] {
  const a = annotations ?? {};
  const errs: FieldError[] = [];
  // A mirror pod reflects a static pod of one kubelet, so it must say which node.
  if (mirrorPodAnnotation in a && !spec.nodeName) {
    errs.push(fieldError.invalid(key(path, mirrorPodAnnotation), a[mirrorPodAnnotation], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (a[tolerationsAnnotation]) errs.push(...validateTolerationsAnnotation(a[tolerationsAnnotation], path));
  if (deletionCostAnnotation in a && !isInt32Text(a[deletionCostAnnotation])) {
    errs.push(fieldError.invalid(key(path, deletionCostAnnotation), a[deletionCostAnnotation], 'must be a 32bit integer'));
  }
  for (const [k, v] of Object.entries(a)) {
    // Kubernetes names the seccomp annotations as path segments, not map keys.
    if (k === seccompPodAnnotation || k.startsWith(seccompContainerPrefix)) errs.push(...validateSeccompAnnotation(v, child(path, k)));
    if (k.startsWith(appArmorContainerPrefix)) errs.push(...validateAppArmorAnnotation(k, v, spec, key(path, k)));
  }
  return errs;
}

/** Mirror pod and AppArmor annotations are fixed at creation. */
export function validatePodSpecificAnnotationUpdates(
  annotations: Record<string, string> | undefined, old: Record<string, string> | undefined, path: string,
): FieldError[] {
  const now = annotations ?? {};
  const before = old ?? {};
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(before)) {
    if (k in now && now[k] === v) continue;
    if (k.startsWith(appArmorContainerPrefix)) errs.push(fieldError.forbidden(key(path, k), 'may not remove or update AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(fieldError.forbidden(key(path, k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(now)) {
    if (k in before) continue;
    if (k.startsWith(appArmorContainerPrefix)) errs.push(fieldError.forbidden(key(path, k), 'may not add AppArmor annotations'));
    if (k === mirrorPodAnnotation) errs.push(fieldError.forbidden(key(path, k), 'may not add mirror pod annotation'));
  }
  return errs;
}

/** As strconv.Atoi round-trips it: no sign prefix, no leading zeros, within 32 bits. */
function isInt32Text(text: string): boolean {
  if (!/^-?\d+$/.test(text)) return false;
  const n = Number(text);
  return String(n) === text && n >= -(2 ** 31) && n <= 2 ** 31 - 1;
}

function validateTolerationsAnnotation(text: string, path: string): FieldError[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return [fieldError.invalid(path, tolerationsAnnotation, e instanceof Error ? e.message : String(e))];
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) {
    return [fieldError.invalid(path, tolerationsAnnotation, 'json: cannot unmarshal into Go value of type []core.Toleration')];
  }
  return validateTolerations(parsed as Toleration[], child(path, tolerationsAnnotation));
}

function validateSeccompAnnotation(profile: string, path: string): FieldError[] {
  if (profile === 'runtime/default' || profile === 'docker/default' || profile === 'unconfined') return [];
  if (profile.startsWith('localhost/')) return validateLocalDescendingPath(profile.slice('localhost/'.length), path);
  return [fieldError.invalid(path, profile, 'must be a valid seccomp profile')];
}

function validateAppArmorAnnotation(k: string, profile: string, spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const container = k.slice(appArmorContainerPrefix.length);
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === container)) errs.push(fieldError.invalid(path, container, 'container not found'));
  if (profile !== '' && profile !== 'runtime/default' && profile !== 'unconfined' && !profile.startsWith('localhost/')) {
    errs.push(fieldError.invalid(path, profile, `invalid AppArmor profile name: ${JSON.stringify(profile)}`));
  }
  return errs;
}
