// ConfigMap validation (core/v1), after Kubernetes' ValidateConfigMap(Update).
import { fieldError, type FieldError } from '../errors.ts';
import type { ConfigMap } from '../types.ts';
import { invalidEach, isBase64, key, semanticEqual } from './common.ts';
import { isConfigMapKey } from './names.ts';

/** Objects are stored whole and sent to every watcher: Kubernetes caps ConfigMaps and Secrets at 1 MiB. */
export const maxDataBytes = 1024 * 1024;

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, value] of Object.entries(cm.data ?? {})) {
    const path = key('data', k);
    errs.push(...invalidEach(path, k, isConfigMapKey(k)));
    // One key would become two files (or env vars) with the same name.
    if (cm.binaryData && k in cm.binaryData) errs.push(fieldError.invalid(path, k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(value), 'utf8');
  }
  for (const [k, value] of Object.entries(cm.binaryData ?? {})) {
    const path = key('binaryData', k);
    errs.push(...invalidEach(path, k, isConfigMapKey(k)));
    if (!isBase64(value)) {
      errs.push(fieldError.invalid(path, '<binary data>', 'must be base64-encoded'));
      continue;
    }
    total += Buffer.from(value, 'base64').length;
  }
  if (total > maxDataBytes) errs.push(fieldError.tooLong('data', undefined, maxDataBytes));
  return errs;
}

/** Only the checks that need the old object; the handler runs validateConfigMap on updates as well. */
export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  if (old.immutable !== true) return [];
  return immutableContentErrors(cm.immutable, [['data', cm.data, old.data], ['binaryData', cm.binaryData, old.binaryData]]);
}

/**
 * Once `immutable: true` is stored the flag and the contents are frozen (kubelets stop watching such objects,
 * so a change would never reach running pods).
 */
export function immutableContentErrors(immutableFlag: boolean | undefined, fields: [string, unknown, unknown][]): FieldError[] {
  const errs: FieldError[] = [];
  const detail = 'field is immutable when `immutable` is set';
  if (immutableFlag !== true) errs.push(fieldError.forbidden('immutable', detail));
  for (const [path, value, oldValue] of fields) {
    if (!semanticEqual(value, oldValue)) errs.push(fieldError.forbidden(path, detail));
  }
  return errs;
}
