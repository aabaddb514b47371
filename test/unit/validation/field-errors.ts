// Assertions over field-error lists shared by the validation tests.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { FieldError, FieldErrorType } from '../../../apiserver/api/errors.ts';

export function assertNoErrors(errs: FieldError[], what = 'object'): void {
  assert.deepEqual(errs, [], `expected a valid ${what}, got ${JSON.stringify(errs, null, 1)}`);
}

export function assertHasError(errs: FieldError[], field: string, type: FieldErrorType, detail?: string | RegExp): void {
  const match = errs.find((e) => e.field === field && e.type === type
    && (detail === undefined || (typeof detail === 'string' ? e.detail === detail : detail.test(e.detail ?? ''))));
  assert.ok(match, `expected ${type} at ${field}${detail ? ` (${String(detail)})` : ''}, got ${JSON.stringify(errs, null, 1)}`);
}

/** One row of a validation table: break a valid object one way, expect one error. */
export interface BrokenCase<T> {
  name: string;
  mutate: (obj: T) => void;
  field: string;
  type: FieldErrorType;
  detail?: string | RegExp;
  /** Accept the error at `field` or anywhere below it (for paths another module chooses, such as label keys). */
  under?: boolean;
}

/** One test for the valid object, one per broken case. */
export function validationTable<T>(valid: () => T, validate: (obj: T) => FieldError[], cases: BrokenCase<T>[]): void {
  it('accepts the valid object', () => assertNoErrors(validate(valid())));
  for (const c of cases) {
    it(c.name, () => {
      const obj = valid();
      c.mutate(obj);
      const errs = validate(obj);
      if (c.under) assertHasErrorUnder(errs, c.field, c.type);
      else assertHasError(errs, c.field, c.type, c.detail);
    });
  }
}

/** Any error of `type` at `prefix` or below it (`spec.selector` matches `spec.selector.matchLabels[x]`). */
export function assertHasErrorUnder(errs: FieldError[], prefix: string, type: FieldErrorType): void {
  const match = errs.find((e) => (e.field === prefix || e.field.startsWith(`${prefix}.`) || e.field.startsWith(`${prefix}[`))
    && e.type === type);
  assert.ok(match, `expected ${type} at or under ${prefix}, got ${JSON.stringify(errs, null, 1)}`);
}
