// Resource names and quantities as they appear in resource lists (PVC requests, PV capacity, quota, limit
// ranges, node capacity), after Kubernetes' validateResourceName family and ValidateResourceQuantityValue.
import { fieldError, type FieldError } from '../errors.ts';
import { compareQuantity, isNegative, milliValue, parseQuantity, type Quantity } from '../quantity.ts';
import { invalidEach, isNegativeMessage } from './common.ts';
import { isQualifiedName } from './names.ts';

export type { Quantity };

/** Parses a quantity in an object; a malformed one becomes an Invalid error at `path`. */
export function readQuantity(value: unknown, path: string): { quantity?: Quantity; errors: FieldError[] } {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { errors: [fieldError.invalid(path, value ?? null, 'must be a quantity')] };
  }
  try {
    return { quantity: parseQuantity(value), errors: [] };
  } catch (e) {
    return { errors: [fieldError.invalid(path, value, e instanceof Error ? e.message : String(e))] };
  }
}

export function isPositiveQuantity(quantity: Quantity): boolean {
  return compareQuantity(quantity, parseQuantity(0)) > 0;
}

/** A quantity that must be above zero (volume sizes): Invalid "must be greater than zero" otherwise. */
export function validatePositiveQuantity(value: unknown, path: string): FieldError[] {
  const { quantity, errors } = readQuantity(value, path);
  if (!quantity) return errors;
  return isPositiveQuantity(quantity) ? [] : [fieldError.invalid(path, value, 'must be greater than zero')];
}

const computeResources = ['cpu', 'memory', 'ephemeral-storage'];
const standardResources = new Set([
  ...computeResources, 'storage', 'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets',
  'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'requests.storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const standardQuotaResources = new Set([...standardResources].filter((name) => name !== 'storage'));
/** Counted objects can only be whole numbers. */
const integerResources = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-');
}

/** Names in the kubernetes.io domain, or without a domain, belong to Kubernetes itself. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** A resource name in a generic list: a standard one, or fully qualified (`example.com/gpu`). */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !standardResources.has(name) && !isHugePages(name)) {
    return [fieldError.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** A resource a container can request: cpu, memory, ephemeral-storage, huge pages or an extended resource. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (errs.length > 0) return errs;
  if (!name.includes('/')) {
    if (!computeResources.includes(name) && !name.startsWith('hugepages-')) {
      return [fieldError.invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNativeResource(name) && name.startsWith('requests.')) {
    return [fieldError.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return [];
}

/** A resource a quota can limit: a standard quota resource, or a qualified one (`count/deployments.apps`). */
export function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !standardQuotaResources.has(name) && !name.startsWith('requests.hugepages-')) {
    return [fieldError.invalid(path, name, 'must be a standard resource for quota')];
  }
  return [];
}

export function isIntegerResource(name: string): boolean {
  return integerResources.has(name) || name.startsWith('count/') || !isNativeResource(name);
}

/** A quantity for a named resource: well formed, not negative, whole for counted resources. */
export function validateResourceQuantity(name: string, value: unknown, path: string): FieldError[] {
  const { quantity, errors } = readQuantity(value, path);
  if (!quantity) return errors;
  if (isNegative(quantity)) return [fieldError.invalid(path, value, isNegativeMessage)];
  if (isIntegerResource(name) && milliValue(quantity) % 1000 !== 0) {
    return [fieldError.invalid(path, value, 'must be an integer')];
  }
  return [];
}
