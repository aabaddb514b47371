// Rolling-update knobs (maxSurge, maxUnavailable) are IntOrString: an absolute count or a percentage string.
// These helpers read and check them the way apps validation does.
import { fieldError, type FieldError } from '../errors.ts';
import { nonNegative } from './common.ts';
import { isValidPercent } from './names.ts';

export type IntOrPercent = number | string;

export function validateIntOrPercent(value: IntOrPercent | undefined, path: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(value, path);
  return isValidPercent(value).map((msg) => fieldError.invalid(path, value, msg));
}

/** The percentage of a valid percent string, or undefined when the value is not one. */
export function percentValue(value: IntOrPercent | undefined): number | undefined {
  if (typeof value !== 'string' || isValidPercent(value).length > 0) return undefined;
  return Number.parseInt(value.slice(0, -1), 10);
}

/** The number an IntOrString stands for when compared with zero: a count, a percentage, or 0 when unreadable. */
export function intOrPercentValue(value: IntOrPercent | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = percentValue(value);
  if (percent !== undefined) return percent;
  const asInt = Number.parseInt(value, 10);
  return Number.isNaN(asInt) ? 0 : asInt;
}

export function notMoreThan100Percent(value: IntOrPercent | undefined, path: string): FieldError[] {
  const percent = percentValue(value);
  if (percent === undefined || percent <= 100) return [];
  return [fieldError.invalid(path, value, 'must not be greater than 100%')];
}
