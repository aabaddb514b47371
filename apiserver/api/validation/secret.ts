// Secret validation (core/v1), after Kubernetes' ValidateSecret(Update). Values in `data` are base64; a type
// names a well-known layout whose keys must be present.
import { fieldError, type FieldError } from '../errors.ts';
import type { Secret } from '../types.ts';
import { immutable, invalidEach, isBase64, key } from './common.ts';
import { immutableContentErrors, maxDataBytes } from './configmap.ts';
import { isConfigMapKey } from './names.ts';

const redacted = '<secret contents redacted>';

export function validateSecret(secret: Secret): FieldError[] {
  const errs: FieldError[] = [];
  const data = secret.data ?? {};
  let total = 0;
  for (const [k, value] of Object.entries(data)) {
    const path = key('data', k);
    errs.push(...invalidEach(path, k, isConfigMapKey(k)));
    if (!isBase64(value)) {
      errs.push(fieldError.invalid(path, redacted, 'must be base64-encoded'));
      continue;
    }
    total += Buffer.from(value, 'base64').length;
  }
  if (total > maxDataBytes) errs.push(fieldError.tooLong('data', undefined, maxDataBytes));
  errs.push(...validateTypeLayout(secret));
  return errs;
}

function decoded(secret: Secret, k: string): string | undefined {
  const value = secret.data?.[k];
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
}

function isJSONObject(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

function validateTypeLayout(secret: Secret): FieldError[] {
  const has = (k: string): boolean => secret.data?.[k] !== undefined;
  switch (secret.type) {
    case 'kubernetes.io/service-account-token': {
      const annotation = 'kubernetes.io/service-account.name';
      return secret.metadata?.annotations?.[annotation] ? [] : [fieldError.required(key('metadata.annotations', annotation))];
    }
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const dataKey = secret.type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const text = decoded(secret, dataKey);
      if (text === undefined) return [fieldError.required(key('data', dataKey))];
      return isJSONObject(text) ? [] : [fieldError.invalid(key('data', dataKey), redacted, 'must be a valid JSON object')];
    }
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [fieldError.required('data[username]'), fieldError.required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return decoded(secret, 'ssh-privatekey') ? [] : [fieldError.required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return [
        ...(has('tls.crt') ? [] : [fieldError.required('data[tls.crt]')]),
        ...(has('tls.key') ? [] : [fieldError.required('data[tls.key]')]),
      ];
    default:
      return [];
  }
}

/** Only the checks that need the old object; the handler runs validateSecret on updates as well. */
export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = immutable(secret.type, old.type, 'type');
  if (old.immutable === true) errs.push(...immutableContentErrors(secret.immutable, [['data', secret.data, old.data]]));
  return errs;
}
