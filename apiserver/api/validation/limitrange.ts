// LimitRange validation (core/v1), after Kubernetes' ValidateLimitRange: per type, the bounds and defaults of
// each resource must be consistent (min <= defaultRequest <= default <= max).
import type { LimitRangeItem } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { compareQuantity, formatQuantity, milliValue, parseQuantity } from '../quantity.ts';
import type { LimitRange } from '../types.ts';
import { child, index, invalidEach, key } from './common.ts';
import { isQualifiedName } from './names.ts';
import { readQuantity, validateContainerResourceName, validateResourceName, type Quantity } from './resources.ts';

const standardLimitTypes = ['Container', 'PersistentVolumeClaim', 'Pod'];
const bounds = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
type Bound = typeof bounds[number];

export function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const path = index('spec.limits', i);
    errs.push(...validateLimitType(item.type, child(path, 'type')));
    if (seenTypes.has(item.type)) errs.push(fieldError.duplicate(child(path, 'type'), item.type));
    seenTypes.add(item.type);
    errs.push(...validateItem(item, path));
  });
  return errs;
}

function validateLimitType(type: string | undefined, path: string): FieldError[] {
  const value = type ?? '';
  const errs = invalidEach(path, value, isQualifiedName(value));
  if (errs.length === 0 && !value.includes('/') && !standardLimitTypes.includes(value)) {
    errs.push(fieldError.invalid(path, value, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

function validateItem(item: LimitRangeItem, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const isPodOrContainer = item.type === 'Pod' || item.type === 'Container';
  // Each bound's quantities, parsed once; names are checked as they are read.
  const values: Record<Bound, Map<string, { raw: unknown; q: Quantity }>> = {
    max: new Map(), min: new Map(), default: new Map(), defaultRequest: new Map(), maxLimitRequestRatio: new Map(),
  };
  for (const bound of bounds) {
    const list = item[bound] ?? {};
    if (item.type === 'Pod' && (bound === 'default' || bound === 'defaultRequest')) {
      if (Object.keys(list).length > 0) {
        errs.push(fieldError.forbidden(child(path, bound), "may not be specified when `type` is 'Pod'"));
      }
      continue;
    }
    for (const [name, raw] of Object.entries(list)) {
      const p = key(child(path, bound), name);
      errs.push(...(isPodOrContainer ? validateContainerResourceName(name, p) : validateResourceName(name, p)));
      const { quantity, errors } = readQuantity(raw, p);
      errs.push(...errors);
      if (quantity) values[bound].set(name, { raw, q: quantity });
    }
  }
  if (item.type === 'PersistentVolumeClaim' && !item.min?.storage && !item.max?.storage) {
    errs.push(fieldError.required(child(path, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }
  const names = new Set(bounds.flatMap((b) => [...values[b].keys()]));
  for (const name of names) errs.push(...validateConsistency(name, values, path));
  return errs;
}

function validateConsistency(
  name: string, values: Record<Bound, Map<string, { raw: unknown; q: Quantity }>>, path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const min = values.min.get(name)?.q;
  const max = values.max.get(name)?.q;
  const def = values.default.get(name)?.q;
  const defReq = values.defaultRequest.get(name)?.q;
  const ratio = values.maxLimitRequestRatio.get(name)?.q;
  const at = (bound: Bound): string => key(child(path, bound), name);
  const s = formatQuantity;
  if (min && max && compareQuantity(min, max) > 0) {
    errs.push(fieldError.invalid(at('min'), s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
  }
  if (defReq && min && compareQuantity(min, defReq) > 0) {
    errs.push(fieldError.invalid(at('defaultRequest'), s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
  }
  if (defReq && max && compareQuantity(defReq, max) > 0) {
    errs.push(fieldError.invalid(at('defaultRequest'), s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
  }
  if (defReq && def && compareQuantity(defReq, def) > 0) {
    errs.push(fieldError.invalid(at('defaultRequest'), s(defReq), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
  }
  if (def && min && compareQuantity(min, def) > 0) {
    errs.push(fieldError.invalid(at('default'), s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
  }
  if (def && max && compareQuantity(def, max) > 0) {
    errs.push(fieldError.invalid(at('default'), s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
  }
  if (ratio && compareQuantity(ratio, parseQuantity(1)) < 0) {
    errs.push(fieldError.invalid(at('maxLimitRequestRatio'), s(ratio), `ratio ${s(ratio)} is less than 1`));
  }
  if (ratio && min && max && milliValue(min) > 0) {
    // A limit/request ratio above max/min could never be reached by any allowed pair.
    const limit = milliValue(max) / milliValue(min);
    if (milliValue(ratio) / 1000 > limit) {
      errs.push(fieldError.invalid(at('maxLimitRequestRatio'), s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
    }
  }
  return errs;
}

/** A LimitRange has no fields that are immutable beyond its metadata. */
export function validateLimitRangeUpdate(_lr: LimitRange, _old: LimitRange): FieldError[] {
  return [];
}
