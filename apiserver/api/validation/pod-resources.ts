// A container's resources (requests, limits, claims), after Kubernetes' ValidateContainerResourceRequirements:
// known resource names, well-formed non-negative quantities, requests within limits, and extended resources and
// huge pages (which cannot be overcommitted) requested exactly at their limit.
import { fieldError, type FieldError } from '../errors.ts';
import { canonicalQuantity } from '../defaults/resource-list.ts';
import { compareQuantity, parseQuantity, value } from '../quantity.ts';
import type { ResourceRequirements } from '../types.ts';
import { child, index, key } from './common.ts';
import { isDNS1123Label } from './names.ts';
import { isNativeResource, readQuantity, validateContainerResourceName, validateResourceQuantity, type Quantity } from './resources.ts';

const hugePagesPrefix = 'hugepages-';

/** Extended resources (vendor/device) and huge pages are handed out whole: no overcommit. */
function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !name.startsWith(hugePagesPrefix);
}

export function validateContainerResources(
  resources: ResourceRequirements | undefined, podClaimNames: ReadonlySet<string>, path: string,
): FieldError[] {
  if (!resources) return [];
  const errs: FieldError[] = [];
  const limPath = child(path, 'limits');
  const reqPath = child(path, 'requests');
  const limits = resources.limits ?? {};
  let cpuOrMemory = false;
  let hugePages = false;
  const limitQuantities = new Map<string, Quantity>();
  for (const [name, raw] of Object.entries(limits)) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantity(name, raw, p));
    const q = readQuantity(raw, p).quantity;
    if (q) limitQuantities.set(name, q);
    if (name.startsWith(hugePagesPrefix)) {
      hugePages = true;
      if (q) errs.push(...validateHugePageValue(name, raw, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const [name, raw] of Object.entries(resources.requests ?? {})) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantity(name, raw, p));
    const q = readQuantity(raw, p).quantity;
    const limit = limitQuantities.get(name);
    if (q && limit) {
      const shown = canonicalQuantity(raw) ?? String(raw);
      const limitShown = canonicalQuantity(limits[name]) ?? String(limits[name]);
      const cmp = compareQuantity(q, limit);
      // Kubernetes reports both at `requests`, not at the resource's key.
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(fieldError.invalid(reqPath, shown, `must be equal to ${name} limit of ${limitShown}`));
      } else if (cmp > 0) {
        errs.push(fieldError.invalid(reqPath, shown, `must be less than or equal to ${name} limit of ${limitShown}`));
      }
    } else if (!(name in limits) && !isOvercommitAllowed(name)) {
      errs.push(fieldError.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (name.startsWith(hugePagesPrefix)) {
      hugePages = true;
      if (q) errs.push(...validateHugePageValue(name, raw, q, p));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (hugePages && !cpuOrMemory) errs.push(fieldError.forbidden(path, 'HugePages require cpu or memory'));
  errs.push(...validateResourceClaims(resources.claims, podClaimNames, child(path, 'claims')));
  return errs;
}

/** `hugepages-2Mi: 5Mi` cannot be handed out: it must be a whole number of pages. */
function validateHugePageValue(name: string, raw: unknown, q: Quantity, path: string): FieldError[] {
  const shown = canonicalQuantity(raw) ?? String(raw);
  const wrong = [fieldError.invalid(path, shown, `${shown} is not positive integer multiple of ${name}`)];
  let pageSize: Quantity;
  try {
    pageSize = parseQuantity(name.slice(hugePagesPrefix.length));
  } catch {
    return wrong;
  }
  const pageBytes = value(pageSize);
  if (pageBytes <= 0 || compareQuantity(pageSize, parseQuantity(pageBytes)) !== 0) return wrong;
  return value(q) % pageBytes === 0 ? [] : wrong;
}

/** Each claim a container uses must be one the pod declares in spec.resourceClaims. */
function validateResourceClaims(
  claims: ResourceRequirements['claims'], podClaimNames: ReadonlySet<string>, path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (claims ?? []).forEach((claim, i) => {
    const p = index(path, i);
    const name = claim.name ?? '';
    if (!name) {
      errs.push(fieldError.required(p));
      return;
    }
    const request = (claim as { request?: string }).request ?? '';
    const entry = request ? `${name}/${request}` : name;
    if (request) errs.push(...isDNS1123Label(request).map((m) => fieldError.invalid(child(p, 'request'), request, m)));
    if (seen.has(entry) || (!request && [...seen].some((s) => s.startsWith(`${name}/`)))) {
      errs.push(fieldError.duplicate(p, entry));
    }
    seen.add(entry);
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      errs.push({
        type: 'FieldValueNotFound', field: p, value: name,
        detail: `must be one of the names in pod.spec.resourceClaims${known.length ? `: ${known.join(', ')}` : ' which is empty'}`,
      });
    }
  });
  return errs;
}
