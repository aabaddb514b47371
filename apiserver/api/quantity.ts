// resource.Quantity: exact fixed-point amounts ("100m", "1.5Gi", "1e3"), never floats. Kubernetes keeps nine
// decimal places and rounds anything finer up, away from zero ("0.1n" is 1n, "-0.1n" is -1n), so the value is
// held exactly as a whole number of nano-units in a bigint. Parsing follows apimachinery's ParseQuantity, the
// written form its canonical String(); where Skiff knowingly differs it says so below.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The amount × 10^9. */
  readonly nano: bigint;
  /** The suffix family it is written back in: the input's, as Kubernetes remembers it. */
  readonly format: QuantityFormat;
}

export const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const quantityNumericMessage = 'unable to parse numeric part of quantity';
export const quantitySuffixMessage = "unable to parse quantity's suffix";

/** Thrown for text that is no quantity; the message is the one ParseQuantity returns. */
export class QuantityError extends Error {
  constructor(message = quantityRegexMessage) {
    super(message);
    this.name = 'QuantityError';
  }
}

const nanoPerUnit = 1_000_000_000n;
/** Binary quantities are capped at 2^63-1 (ParseQuantity's maxAllowed); decimal ones are not. */
const maxBinaryNano = (2n ** 63n - 1n) * nanoPerUnit;
/**
 * Skiff's own bound: Kubernetes accepts "1e1000000000" and then overflows or stalls on it. An exact value needs
 * its digits, so values of 10^1000 and more (over 1000 integer digits) are refused as a numeric error.
 */
const maxIntegerDigits = 1000;

const binaryPowers: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const binarySuffixByPower = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const decimalExponents: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalSuffixByExponent = new Map(Object.entries(decimalExponents).map(([s, e]) => [e, s]));
const int64Pattern = /^[+-]?[0-9]+$/;
const int64Max = 2n ** 63n - 1n;

function quantity(nano: bigint, format: QuantityFormat): Quantity {
  return Object.freeze({ nano, format });
}

/**
 * Parses a quantity. Numbers are read from their JavaScript text (so 1e21 reads as "1e+21"). Differences from
 * Kubernetes, all about text it reads by accident rather than by its documented grammar: a number must have at
 * least one digit (Kubernetes reads ".", "+", "e3" and "Gi" as zero), and values of 10^1000 and more are refused.
 */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberText(input) : input;
  const { negative, whole, fraction, suffix } = scan(text);
  const { base, exponent, format } = interpretSuffix(suffix);
  // Kubernetes reads a number without digits as zero; its documented grammar (and Skiff) requires one.
  if (whole.length === 0 && fraction.length === 0) throw new QuantityError();

  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return quantity(0n, format);
  // value = digits × 10^scale (× 2^exponent for binary suffixes)
  const scale = -BigInt(fraction.length) + (base === 10 ? exponent : 0n);
  const integerDigits = BigInt(digits.length) + scale;

  let nano: bigint;
  let resultFormat = format;
  if (base === 2) {
    // Twenty integer digits exceed 2^63-1 before the suffix multiplies them: the cap applies.
    nano = integerDigits > 19n ? maxBinaryNano : toNano(digits, scale + 9n, exponent);
    if (nano > maxBinaryNano) nano = maxBinaryNano;
    // Below one, a binary suffix could only be shown rounded: Kubernetes switches such values to DecimalSI.
    if (nano < nanoPerUnit) resultFormat = 'DecimalSI';
  } else {
    if (integerDigits > BigInt(maxIntegerDigits)) throw new QuantityError(quantityNumericMessage);
    nano = toNano(digits, scale + 9n, 0n);
  }
  return quantity(negative ? -nano : nano, resultFormat);
}

/**
 * digits × 2^binaryPower × 10^shift, rounded up: the amount in nano-units, the finest precision Kubernetes
 * keeps. Digits below that precision only decide the rounding, so they are dropped as text before any bigint
 * is built: a 3 MB fraction costs a scan, not a 3 MB multiplication.
 */
function toNano(digits: string, shift: bigint, binaryPower: bigint): bigint {
  if (shift >= 0n) return (BigInt(digits) << binaryPower) * 10n ** shift;
  const dropped = -shift;
  if (binaryPower > dropped) {
    // digits × 2^(p-d) / 5^d: few digits, since a binary suffix leaves at most ~70 decimal places to drop.
    const n = BigInt(digits) << (binaryPower - dropped);
    const divisor = 5n ** dropped;
    return n / divisor + (n % divisor === 0n ? 0n : 1n);
  }
  // digits × 2^p / 10^d = (digits / 10^(d-p)) / 5^p: cut d-p digits off the text, remembering whether any was
  // non-zero, then divide by 5^p; any remainder anywhere rounds up.
  const cut = dropped - binaryPower;
  const keep = BigInt(digits.length) - cut;
  const kept = keep > 0n ? BigInt(digits.slice(0, Number(keep))) : 0n;
  const droppedNonZero = keep > 0n ? /[1-9]/.test(digits.slice(Number(keep))) : true;
  const divisor = 5n ** binaryPower;
  return kept / divisor + (kept % divisor !== 0n || droppedNonZero ? 1n : 0n);
}

interface Scanned { negative: boolean; whole: string; fraction: string; suffix: string }

// The shape ParseQuantity scans: sign, digits, '.', digits, suffix letters, then a signed exponent's digits.
const shape = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)$/;

function scan(text: string): Scanned {
  const m = shape.exec(text);
  if (!m) throw new QuantityError();
  const [, sign, whole, fraction = '', suffix] = m;
  return { negative: sign === '-', whole, fraction, suffix };
}

function interpretSuffix(suffix: string): { base: 2 | 10; exponent: bigint; format: QuantityFormat } {
  if (Object.hasOwn(decimalExponents, suffix)) return { base: 10, exponent: BigInt(decimalExponents[suffix]), format: 'DecimalSI' };
  if (Object.hasOwn(binaryPowers, suffix)) return { base: 2, exponent: BigInt(10 * binaryPowers[suffix]), format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    // Go reads the exponent with ParseInt(..., 64): a sign is allowed, anything past int64 is a suffix error.
    if (int64Pattern.test(digits)) {
      const exp = BigInt(digits);
      if (exp <= int64Max && exp >= -int64Max - 1n) {
        return { base: 10, exponent: exp, format: 'DecimalExponent' };
      }
    }
  }
  throw new QuantityError(quantitySuffixMessage);
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

/**
 * The canonical form (Quantity.String()): no fractional digits and the largest suffix that keeps the value
 * exact, in the quantity's format family. BinarySI values below 1024 or with a fraction are written as DecimalSI.
 * Kubernetes echoes some inputs it considers canonical verbatim ("+1", "01", "1.001": kubernetes#138165); Skiff
 * always writes the canonical form. Past the largest suffix Kubernetes drops the suffix altogether (1000E
 * becomes "1"); Skiff keeps the largest suffix and a longer number.
 */
export function formatQuantity(q: Quantity): string {
  if (q.nano === 0n) return '0';
  const sign = q.nano < 0n ? '-' : '';
  const abs = q.nano < 0n ? -q.nano : q.nano;
  if (q.format === 'BinarySI' && abs >= 1024n * nanoPerUnit && abs % nanoPerUnit === 0n) {
    let units = abs / nanoPerUnit;
    let power = 0;
    while (power < binarySuffixByPower.length - 1 && units % 1024n === 0n) {
      units /= 1024n;
      power++;
    }
    return `${sign}${units}${binarySuffixByPower[power]}`;
  }
  const { mantissa, exponent } = decimalParts(abs);
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  if (exponent > 18) return `${sign}${mantissa * 10n ** BigInt(exponent - 18)}E`;
  return `${sign}${mantissa}${decimalSuffixByExponent.get(exponent)}`;
}

/** abs nano-units as mantissa × 10^exponent, the exponent a multiple of three and as large as exactness allows. */
function decimalParts(abs: bigint): { mantissa: bigint; exponent: number } {
  let mantissa = abs;
  let exponent = -9;
  while (mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exponent += 3;
  }
  return { mantissa, exponent };
}

/** a / b rounded up in magnitude, away from zero, as Kubernetes rounds (-1.5 rounds to -2). */
function divideAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  if (a % b === 0n) return q;
  return a > 0n ? q + 1n : q - 1n;
}

/** MilliValue: the value in thousandths, rounded up away from zero. What CPU limits are computed from. */
export function milliValue(q: Quantity): number {
  return Number(milliValueBig(q));
}

/** milliValue exactly, for comparing quantities too large for a number's 53 bits (terabytes of memory in milli). */
export function milliValueBig(q: Quantity): bigint {
  return divideAwayFromZero(q.nano, 1_000_000n);
}

/** Value: the value in whole units, rounded up away from zero. What memory limits are computed from. */
export function value(q: Quantity): number {
  return Number(divideAwayFromZero(q.nano, nanoPerUnit));
}

/** RoundUp(scale): the value rounded away from zero to a multiple of 10^exponent (-3 for milli-units). */
export function roundUpQuantity(q: Quantity, exponent: number): Quantity {
  if (!Number.isInteger(exponent) || exponent <= -9) return q;
  const step = 10n ** BigInt(exponent + 9);
  return quantity(divideAwayFromZero(q.nano, step) * step, q.format);
}

export function compareQuantity(a: Quantity, b: Quantity): -1 | 0 | 1 {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** a + b, in a's format; a zero takes b's format, as Quantity.Add does. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return quantity(a.nano + b.nano, a.nano === 0n ? b.format : a.format);
}

/** a - b, in a's format; a zero takes b's format, as Quantity.Sub does. */
export function subQuantity(a: Quantity, b: Quantity): Quantity {
  return quantity(a.nano - b.nano, a.nano === 0n ? b.format : a.format);
}

export function negateQuantity(q: Quantity): Quantity {
  return quantity(-q.nano, q.format);
}

export function isNegative(q: Quantity): boolean {
  return q.nano < 0n;
}

export function isZero(q: Quantity): boolean {
  return q.nano === 0n;
}

/** NewMilliQuantity: `milli` thousandths (rounded to a whole number of them) in the given format. */
export function quantityFromMilli(milli: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return quantity(BigInt(Math.round(milli)) * 1_000_000n, format);
}

/** NewQuantity: `units` whole units (rounded to a whole number) in the given format. */
export function quantityFromValue(units: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return quantity(BigInt(Math.round(units)) * nanoPerUnit, format);
}
