// StorageClass validation (storage.k8s.io/v1), after Kubernetes' ValidateStorageClass(Update). A class is a
// template for volumes its provisioner makes; once volumes exist from it, changing what it provisions (provisioner,
// parameters, reclaim policy, binding mode) would leave them describing something else, so those are fixed.
import type { TopologySelectorTerm } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { StorageClass } from '../types.ts';
import { child, immutable, index, invalidEach, semanticEqual } from './common.ts';
import { isQualifiedName } from './names.ts';

export const supportedReclaimPolicies = ['Delete', 'Retain'];
export const supportedVolumeBindingModes = ['Immediate', 'WaitForFirstConsumer'];
const maxParameterBytes = 256 * 1024;
const maxParameters = 512;

export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!sc.provisioner) errs.push(fieldError.required('provisioner', ''));
  // Provisioner names are compared case-insensitively, as plugin names are.
  else errs.push(...invalidEach('provisioner', sc.provisioner, isQualifiedName(sc.provisioner.toLowerCase())));
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy && !supportedReclaimPolicies.includes(sc.reclaimPolicy)) {
    errs.push(fieldError.notSupported('reclaimPolicy', sc.reclaimPolicy, supportedReclaimPolicies));
  }
  if (!sc.volumeBindingMode) errs.push(fieldError.required('volumeBindingMode', ''));
  else if (!supportedVolumeBindingModes.includes(sc.volumeBindingMode)) {
    errs.push(fieldError.notSupported('volumeBindingMode', sc.volumeBindingMode, supportedVolumeBindingModes));
  }
  errs.push(...validateAllowedTopologies(sc.allowedTopologies ?? []));
  return errs;
}

/** Parameters go to the provisioner as they are; only their count and total size are bounded. */
function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  if (entries.length > maxParameters) return [fieldError.tooLong('parameters', 'Provisioner Parameters exceeded max allowed', maxParameters)];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of entries) {
    if (k.length === 0) errs.push(fieldError.invalid('parameters', k, 'field can not be empty.'));
    total += Buffer.byteLength(k) + Buffer.byteLength(v ?? '');
  }
  if (total > maxParameterBytes) errs.push(fieldError.tooLong('parameters', '', maxParameterBytes));
  return errs;
}

/** Each term's keys are label names with at least one distinct value; no two terms say the same thing. */
function validateAllowedTopologies(terms: TopologySelectorTerm[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen: Record<string, string[]>[] = [];
  terms.forEach((term, i) => {
    const termPath = index('allowedTopologies', i);
    const exprPath = child(termPath, 'matchLabelExpressions');
    const byKey: Record<string, string[]> = {};
    (term.matchLabelExpressions ?? []).forEach((req, j) => {
      const reqPath = index(exprPath, j);
      const values = req.values ?? [];
      if (values.length === 0) errs.push(fieldError.required(child(reqPath, 'values'), ''));
      values.forEach((v, k) => {
        if (values.indexOf(v) < k) errs.push(fieldError.duplicate(index(child(reqPath, 'values'), k), v));
      });
      errs.push(...invalidEach(child(reqPath, 'key'), req.key, isQualifiedName(req.key ?? '')));
      if (Object.hasOwn(byKey, req.key)) errs.push(fieldError.duplicate(child(reqPath, 'key'), req.key));
      byKey[req.key] = [...new Set(values)].sort();
    });
    if (seen.some((other) => semanticEqual(other, byKey))) errs.push(fieldError.duplicate(exprPath, ''));
    seen.push(byKey);
  });
  return errs;
}

/** Only the checks that need the old object; the handler runs validateStorageClass on updates as well. */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs: FieldError[] = [];
  if (!semanticEqual(sc.parameters ?? {}, old.parameters ?? {})) {
    errs.push(fieldError.forbidden('parameters', 'updates to parameters are forbidden.'));
  }
  if (sc.provisioner !== old.provisioner) errs.push(fieldError.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.push(fieldError.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutable(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}
