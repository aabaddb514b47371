// resource.Quantity: exact fixed-point amounts ("100m", "1.5Gi", "1e3"), never floats. The value is held in
// nano-units as a bigint, so every quantity Kubernetes accepts is exact; finer precision is rounded up (away
// from zero), as Kubernetes rounds.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The amount × 10^9. */
  readonly nano: bigint;
  /** How the quantity is written back: its input's family of suffix. */
  readonly format: QuantityFormat;
}

export const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export class QuantityError extends Error {
  constructor(message = quantityRegexMessage) {
    super(message);
    this.name = 'QuantityError';
  }
}

const nanoPerUnit = 1_000_000_000n;
const maxNano = (2n ** 63n - 1n) * nanoPerUnit;

const binarySuffixes: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));

const shape = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;

export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberText(input) : input;
  const m = shape.exec(text);
  if (!m || text.length === 0) throw new QuantityError();
  const [, sign, whole, frac = '', suffix] = m;
  if (whole.length === 0 && frac.length === 0) throw new QuantityError();
  // The number part may hold at most one '.', which the pattern above already ensures.
  const digits = BigInt(`${whole}${frac}` || '0');
  let numerator = digits * nanoPerUnit;
  let denominator = 10n ** BigInt(frac.length);
  let format: QuantityFormat;
  if (suffix in binarySuffixes) {
    numerator *= 1024n ** BigInt(binarySuffixes[suffix]);
    format = 'BinarySI';
  } else if (suffix in decimalSuffixes) {
    const exp = decimalSuffixes[suffix];
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
    format = 'DecimalSI';
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    const exp = Number(suffix.slice(1));
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100) throw new QuantityError();
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
    format = 'DecimalExponent';
  } else {
    throw new QuantityError();
  }
  // Round up what lies below a nano-unit, as Kubernetes rounds finer precision up.
  let nano = numerator / denominator;
  if (numerator % denominator !== 0n) nano += 1n;
  if (nano > maxNano) nano = maxNano;
  return { nano: sign === '-' ? -nano : nano, format };
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new QuantityError();
  // JavaScript writes large and tiny numbers as 1e+21 / 1e-7, which the grammar accepts as exponents.
  return String(n);
}

export function isQuantity(input: unknown): boolean {
  if (typeof input !== 'string' && typeof input !== 'number') return false;
  try {
    parseQuantity(input);
    return true;
  } catch {
    return false;
  }
}

/** The canonical form: no fractional digits, the largest suffix that keeps the value exact. */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const sign = q.nano < 0n ? '-' : '';
  const abs = q.nano < 0n ? -q.nano : q.nano;
  if (q.format === 'BinarySI' && abs >= 1024n * nanoPerUnit && abs % nanoPerUnit === 0n) {
    let units = abs / nanoPerUnit;
    let power = 0;
    while (power < 6 && units % 1024n === 0n) {
      units /= 1024n;
      power++;
    }
    const suffix = Object.keys(binarySuffixes).find((s) => binarySuffixes[s] === power) ?? '';
    return `${sign}${units}${suffix}`;
  }
  // Decimal: the largest multiple-of-three exponent that divides the value exactly.
  let exponent = -9;
  let mantissa = abs;
  while (exponent < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${sign}${mantissa}${decimalSuffixByExponent.get(exponent) ?? ''}`;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** The value in thousandths, rounded up (MilliValue): what CPU limits are computed from. */
export function milliValue(q: Quantity): number {
  return Number(ceilDiv(q.nano, 1_000_000n));
}

/** The value in whole units, rounded up (Value): what memory limits are computed from. */
export function value(q: Quantity): number {
  return Number(ceilDiv(q.nano, nanoPerUnit));
}

export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.format };
}

export function subQuantity(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano - b.nano, format: a.format };
}

export function isNegative(q: Quantity): boolean {
  return q.nano < 0n;
}

export function isZero(q: Quantity): boolean {
  return q.nano === 0n;
}

export function quantityFromMilli(milli: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nano: BigInt(Math.round(milli)) * 1_000_000n, format };
}

export function quantityFromValue(units: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nano: BigInt(Math.round(units)) * nanoPerUnit, format };
}
