// A container's environment (env, envFrom) and the downward API selectors it shares with downwardAPI volumes,
// after Kubernetes' ValidateEnv, ValidateEnvFrom, validateObjectFieldSelector and
// validateContainerResourceFieldSelector.
import { fieldError, type FieldError } from '../errors.ts';
import type { EnvFromSource, ObjectFieldSelector, ResourceFieldSelector } from '../pod-types.ts';
import type { EnvVar } from '../types.ts';
import { canonicalQuantity } from '../defaults/resource-list.ts';
import { child, index, invalidEach } from './common.ts';
import { readQuantity } from './resources.ts';
import { isConfigMapKey, isEnvVarName, isQualifiedName, nameIsDNSSubdomain } from './names.ts';

/** Pod fields an environment variable may read. */
export const envFieldPaths: ReadonlySet<string> = new Set([
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

/** Pod fields a downwardAPI volume file may hold. */
export const volumeFieldPaths: ReadonlySet<string> = new Set([
  'metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.annotations', 'metadata.uid',
]);

const containerResourceFields: ReadonlySet<string> = new Set([
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
]);
const hugePagesFieldPrefixes = ['requests.hugepages-', 'limits.hugepages-'];

/** Every v1 pod field the downward API knows; anything else fails "conversion" in Kubernetes' words. */
const convertibleFieldPaths: ReadonlySet<string> = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid',
  'spec.nodeName', 'spec.restartPolicy', 'spec.serviceAccountName', 'spec.schedulerName', 'status.phase',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
]);

export function validateEnv(vars: EnvVar[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const idx = index(path, i);
    if (!ev.name) errs.push(fieldError.required(child(idx, 'name')));
    else errs.push(...invalidEach(child(idx, 'name'), ev.name, isEnvVarName(ev.name)));
    errs.push(...validateEnvVarValueFrom(ev, child(idx, 'valueFrom')));
  });
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: string): FieldError[] {
  const from = ev.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, envFieldPaths, child(path, 'fieldRef')));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateResourceFieldSelector(from.resourceFieldRef, child(path, 'resourceFieldRef'), false));
  }
  for (const kind of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = from[kind];
    if (!ref) continue;
    sources++;
    // Kubernetes checks both references' names with the Secret name rule (a DNS subdomain).
    errs.push(...invalidEach(child(child(path, kind), 'name'), ref.name ?? '', nameIsDNSSubdomain(ref.name ?? '', false)));
    if (!ref.key) errs.push(fieldError.required(child(child(path, kind), 'key')));
    else errs.push(...invalidEach(child(child(path, kind), 'key'), ref.key, isConfigMapKey(ref.key)));
  }
  if (sources === 0) {
    errs.push(fieldError.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (ev.value) {
    errs.push(fieldError.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(fieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

export function validateEnvFrom(sources: EnvFromSource[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((source, i) => {
    const idx = index(path, i);
    if (source.prefix) errs.push(...invalidEach(child(idx, 'prefix'), source.prefix, isEnvVarName(source.prefix)));
    let count = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = source[kind];
      if (!ref) continue;
      count++;
      const namePath = child(child(idx, kind), 'name');
      if (!ref.name) errs.push(fieldError.required(namePath));
      // The name may be a prefix here (Kubernetes passes prefix=true), so a trailing dash is tolerated.
      else errs.push(...invalidEach(namePath, ref.name, nameIsDNSSubdomain(ref.name, true)));
    }
    // Kubernetes reports these two at the list, not at the entry.
    if (count === 0) errs.push(fieldError.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(fieldError.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

/** `metadata.labels['app']` -> ['metadata.labels', 'app']; unsubscripted paths give undefined. */
export function splitSubscriptedPath(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const open = fieldPath.indexOf("['");
  if (open <= 0) return undefined;
  return [fieldPath.slice(0, open), fieldPath.slice(open + 2, -2)];
}

export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: ReadonlySet<string>, path: string): FieldError[] {
  if (!fs.apiVersion) return [fieldError.required(child(path, 'apiVersion'))];
  if (!fs.fieldPath) return [fieldError.required(child(path, 'fieldPath'))];
  const fieldPathPath = child(path, 'fieldPath');
  const conversion = convertFieldPath(fs.apiVersion, fs.fieldPath);
  if ('error' in conversion) {
    return [fieldError.invalid(fieldPathPath, fs.fieldPath, `error converting fieldPath: ${conversion.error}`)];
  }
  const subscripted = splitSubscriptedPath(conversion.path);
  if (subscripted) {
    const [base, key] = subscripted;
    // Annotation keys are matched case-insensitively, label keys exactly.
    const checked = base === 'metadata.annotations' ? key.toLowerCase() : key;
    return invalidEach(path, checked, isQualifiedName(checked));
  }
  if (!allowed.has(conversion.path)) return [fieldError.notSupported(fieldPathPath, conversion.path, [...allowed].sort())];
  return [];
}

function convertFieldPath(apiVersion: string, fieldPath: string): { path: string } | { error: string } {
  if (apiVersion !== 'v1') return { error: `unsupported pod version: ${apiVersion}` };
  const subscripted = splitSubscriptedPath(fieldPath);
  if (subscripted) {
    if (subscripted[0] === 'metadata.annotations' || subscripted[0] === 'metadata.labels') return { path: fieldPath };
    return { error: `field label does not support subscript: ${fieldPath}` };
  }
  // Old v1 clients still send the pre-1.0 name of spec.nodeName.
  if (fieldPath === 'spec.host') return { path: 'spec.nodeName' };
  if (convertibleFieldPaths.has(fieldPath)) return { path: fieldPath };
  return { error: `field label not supported: ${fieldPath}` };
}

const cpuDivisors = new Set(['1m', '1']);
const byteDivisors = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const byteDivisorList = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

/** `inVolume`: a downwardAPI volume file must also name the container whose resources it reads. */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: string, inVolume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (inVolume && !fs.containerName) {
    errs.push(fieldError.required(child(path, 'containerName')));
  } else if (!fs.resource) {
    errs.push(fieldError.required(child(path, 'resource')));
  } else if (!containerResourceFields.has(fs.resource) && !hugePagesFieldPrefixes.some((p) => fs.resource.startsWith(p))) {
    errs.push(fieldError.notSupported(child(path, 'resource'), fs.resource, [...containerResourceFields].sort()));
  }
  errs.push(...validateDivisor(fs.resource ?? '', fs.divisor, child(path, 'divisor')));
  return errs;
}

function validateDivisor(resource: string, divisor: unknown, path: string): FieldError[] {
  if (divisor === undefined || divisor === null) return [];
  const { errors } = readQuantity(divisor, path);
  if (errors.length > 0) return errors;
  const canonical = canonicalQuantity(divisor);
  // A zero divisor means "unset", which the kubelet reads as 1.
  if (canonical === undefined || canonical === '0') return [];
  const bad = (what: string, allowed: string): FieldError =>
    fieldError.invalid(path, resource, `only divisor's values ${allowed} are supported with the ${what} resource`);
  if (resource === 'limits.cpu' || resource === 'requests.cpu') {
    return cpuDivisors.has(canonical) ? [] : [bad('cpu', '1m and 1')];
  }
  if (resource === 'limits.memory' || resource === 'requests.memory') {
    return byteDivisors.has(canonical) ? [] : [bad('memory', byteDivisorList)];
  }
  if (resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') {
    return byteDivisors.has(canonical) ? [] : [bad('local ephemeral storage', byteDivisorList)];
  }
  if (hugePagesFieldPrefixes.some((p) => resource.startsWith(p))) {
    return byteDivisors.has(canonical) ? [] : [bad('hugepages', byteDivisorList)];
  }
  return [];
}
