import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addQuantity, compareQuantity, formatQuantity, isNegative, isQuantity, isZero, milliValue, negateQuantity, parseQuantity,
  QuantityError, quantityFromMilli, quantityFromValue, quantityNumericMessage, quantityRegexMessage, quantitySuffixMessage,
  roundUpQuantity, subQuantity, value, type Quantity, type QuantityFormat,
} from '../../../apiserver/api/quantity.ts';

const canonical = (s: string | number) => formatQuantity(parseQuantity(s));
const rejects = (input: string, message: string) =>
  assert.throws(() => parseQuantity(input), (e: unknown) => e instanceof QuantityError && e.message === message, JSON.stringify(input));

describe('parseQuantity: grammar', () => {
  it('accepts reliability.md\'s valid edge cases', () => {
    const cases: [string, string][] = [
      ['100m', '100m'], ['0.5', '500m'], ['1Gi', '1Gi'], ['1e3', '1e3'], ['+1', '1'], ['.5', '500m'], ['5.', '5'], ['0', '0'],
    ];
    for (const [input, want] of cases) assert.equal(canonical(input), want, input);
  });
  it('rejects what does not match the regular expression, with Kubernetes\' message', () => {
    for (const bad of ['1gi', '1GB', '1 Gi', '', '0x10', 'NaN', 'Infinity', ' 1', '1 ', '1.1.M', '1+1.0M', '1.2.3', 'aoeu', '0.1am']) {
      rejects(bad, quantityRegexMessage);
    }
  });
  it('rejects suffixes Kubernetes cannot read, with its suffix message', () => {
    for (const bad of ['1m5', '--1', '1e', '1i', '0.1mi', '.5i', '-3.01e-', '1Ki5', '1ee3', '1e99999999999999999999']) {
      rejects(bad, quantitySuffixMessage);
    }
  });
  it('requires a digit, as the documented grammar does (Kubernetes reads these as zero)', () => {
    for (const bad of ['.', '+', '-', 'e3', 'Gi', '+.', 'm']) rejects(bad, quantityRegexMessage);
  });
  it('refuses magnitudes of 10^1000 and more instead of building them', () => {
    rejects('1e1000', quantityNumericMessage);
    rejects(`1${'0'.repeat(1000)}`, quantityNumericMessage);
    assert.equal(canonical('9.99e999'), '9990e996');
    assert.equal(canonical(`0.${'0'.repeat(5000)}1e5000`), '100e-3');
    // Far below a nano-unit is cheap and rounds up to one.
    assert.equal(canonical('1e-9223372036854775808'), '1e-9');
  });
  it('case matters: 1M, 1Mi and 1m are three different amounts', () => {
    assert.equal(value(parseQuantity('1M')), 1_000_000);
    assert.equal(value(parseQuantity('1Mi')), 1_048_576);
    assert.equal(milliValue(parseQuantity('1m')), 1);
    rejects('1mi', quantitySuffixMessage);
  });
  it('reads JSON numbers through their JavaScript text', () => {
    assert.equal(canonical(2), '2');
    assert.equal(canonical(0.5), '500m');
    assert.equal(canonical(1e21), '1e21');
    assert.equal(canonical(1e-7), '100e-9');
    assert.equal(canonical(-0), '0');
    assert.throws(() => parseQuantity(Number.NaN), QuantityError);
    assert.throws(() => parseQuantity(Number.POSITIVE_INFINITY), QuantityError);
  });
  it('isQuantity', () => {
    assert.equal(isQuantity('1Gi'), true);
    assert.equal(isQuantity(3), true);
    assert.equal(isQuantity('1GB'), false);
    assert.equal(isQuantity(null), false);
    assert.equal(isQuantity({}), false);
  });
});

describe('parseQuantity: precision and limits', () => {
  // From apimachinery's own TestQuantityParse ("things that saturate/round", "written by trolls").
  const cases: [string, string, QuantityFormat][] = [
    ['0.1m', '100u', 'DecimalSI'],
    ['100u', '100u', 'DecimalSI'],
    ['0.0001', '100u', 'DecimalSI'],
    ['3.001n', '4n', 'DecimalSI'],
    ['1.1E-9', '2e-9', 'DecimalExponent'],
    ['0.0000000001', '1n', 'DecimalSI'],
    ['0.00000000050', '1n', 'DecimalSI'],
    ['0.9n', '1n', 'DecimalSI'],
    ['0.00000012345', '124n', 'DecimalSI'],
    ['0.00000012354', '124n', 'DecimalSI'],
    ['-0.1n', '-1n', 'DecimalSI'],
    ['9Ei', '9223372036854775807', 'BinarySI'],
    ['9223372036854775807Ki', '9223372036854775807', 'BinarySI'],
    ['12E', '12E', 'DecimalSI'],
    ['100.035Ki', '102435840m', 'BinarySI'],
    ['0.5Mi', '512Ki', 'BinarySI'],
    ['0.05Gi', '53687091200m', 'BinarySI'],
    ['1.0000000000000000001Ki', '1024000000001n', 'BinarySI'],
    ['1.00000000000000000010Ki', '1024000000001n', 'BinarySI'],
    ['1.0000000000000000000Ki', '1Ki', 'BinarySI'],
    ['.000000000001Ki', '2n', 'DecimalSI'],
    ['.001Ki', '1024m', 'BinarySI'],
    ['.0001k', '100m', 'DecimalSI'],
    ['1.G', '1G', 'DecimalSI'],
    ['0Ki', '0', 'BinarySI'],
    ['1.3E+6', '1300e3', 'DecimalExponent'],
    ['1e19', '10e18', 'DecimalExponent'],
  ];
  for (const [input, want, format] of cases) {
    it(`${input} -> ${want} (${format})`, () => {
      const q = parseQuantity(input);
      assert.equal(formatQuantity(q), want);
      assert.equal(q.format, format);
    });
  }
  it('binary amounts are capped at 2^63-1, decimal ones are not', () => {
    assert.equal(parseQuantity('10Ei').nano, (2n ** 63n - 1n) * 1_000_000_000n);
    assert.equal(parseQuantity('-10Ei').nano, -(2n ** 63n - 1n) * 1_000_000_000n);
    assert.equal(parseQuantity('10E').nano, 10n ** 28n);
  });
  it('a long fraction costs a scan, not a big multiplication', () => {
    const started = performance.now();
    assert.equal(canonical(`1.${'3'.repeat(3_000_000)}Ki`), '1365333333334n');
    assert.equal(canonical(`0.${'9'.repeat(3_000_000)}`), '1');
    assert.ok(performance.now() - started < 500, 'linear in the length of the text');
  });
  it('quantities are immutable', () => {
    const q = parseQuantity('1');
    assert.ok(Object.isFrozen(q));
  });
});

describe('formatQuantity: canonical form', () => {
  // apimachinery's TestQuantityString and TestQuantityParseEmit, plus the forms kubectl shows most.
  const cases: [string, string][] = [
    ['1.5', '1500m'], ['1.5Gi', '1536Mi'], ['1024Mi', '1Gi'], ['0.5Gi', '512Mi'], ['1000m', '1'], ['1000', '1k'],
    ['1500000', '1500k'], ['100Ki', '100Ki'], ['1023Ki', '1023Ki'], ['1025', '1025'], ['1000M', '1G'], ['0.001T', '1G'],
    ['1080m', '1080m'], ['1.08', '1080m'], ['1080000000n', '1080m'], ['-1.5', '-1500m'], ['12e6', '12e6'], ['.001e12', '1e9'],
    ['0.001e0', '1e-3'], ['1000e-12', '1e-9'], ['0.3Ki', '307200m'], ['5Ki', '5Ki'], ['1048576Ki', '1Gi'], ['1.5Ki', '1536'],
    ['1.0005Ki', '1024512m'], ['1000.5Ki', '1024512'], ['1025000', '1025k'], ['300Mi', '300Mi'], ['307200Ki', '300Mi'], ['1001Gi', '1001Gi'], ['1Ti', '1Ti'],
    ['1.001', '1001m'], ['01', '1'], ['+1', '1'], ['-0', '0'], ['00', '0'], ['1000E', '1000E'], ['1e21', '1e21'],
    ['-1Gi', '-1Gi'], ['-0.5Ki', '-512'],
  ];
  for (const [input, want] of cases) it(`${input} -> ${want}`, () => assert.equal(canonical(input), want));
  it('sums past the largest binary suffix keep it (Kubernetes would drop the suffix)', () => {
    const halfZetta = { nano: 2n ** 69n * 1_000_000_000n, format: 'BinarySI' as const };
    assert.equal(formatQuantity(addQuantity(halfZetta, halfZetta)), '1024Ei');
  });
});

describe('values and arithmetic', () => {
  it('milliValue and value round up, away from zero', () => {
    assert.equal(milliValue(parseQuantity('0.1m')), 1);
    assert.equal(milliValue(parseQuantity('250m')), 250);
    assert.equal(milliValue(parseQuantity('1.5')), 1500);
    assert.equal(milliValue(parseQuantity('1n')), 1);
    assert.equal(value(parseQuantity('1.5')), 2);
    assert.equal(value(parseQuantity('1n')), 1);
    assert.equal(value(parseQuantity('-1.5')), -2);
    assert.equal(milliValue(parseQuantity('-1.5m')), -2);
    assert.equal(value(parseQuantity('128Mi')), 134_217_728);
    assert.equal(value(parseQuantity('0')), 0);
  });
  it('roundUpQuantity rounds to a power of ten, away from zero (RoundUp)', () => {
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity('9.01'), -3)), '9010m');
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity('9.01'), -1)), '9100m');
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity('9.01'), 0)), '10');
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity('-9.01'), 0)), '-10');
    assert.equal(formatQuantity(roundUpQuantity(parseQuantity('100u'), -3)), '1m');
  });
  it('compares exactly across formats', () => {
    assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
    assert.equal(compareQuantity(parseQuantity('1G'), parseQuantity('1Gi')), -1);
    assert.equal(compareQuantity(parseQuantity('1e3'), parseQuantity('1k')), 0);
    assert.equal(compareQuantity(parseQuantity('1001m'), parseQuantity('1')), 1);
    assert.equal(compareQuantity(parseQuantity('-1'), parseQuantity('0')), -1);
  });
  it('adds and subtracts exactly; a zero takes the other\'s format', () => {
    assert.equal(formatQuantity(addQuantity(parseQuantity('100m'), parseQuantity('0.9'))), '1');
    assert.equal(formatQuantity(subQuantity(parseQuantity('1'), parseQuantity('250m'))), '750m');
    assert.equal(formatQuantity(addQuantity(parseQuantity('1Gi'), parseQuantity('512Mi'))), '1536Mi');
    assert.equal(addQuantity(parseQuantity('0'), parseQuantity('1Ki')).format, 'BinarySI');
    assert.equal(subQuantity(parseQuantity('0'), parseQuantity('1Ki')).format, 'BinarySI');
    assert.equal(addQuantity(parseQuantity('1'), parseQuantity('1Ki')).format, 'DecimalSI');
    assert.equal(formatQuantity(subQuantity(parseQuantity('0'), parseQuantity('1Ki'))), '-1Ki');
    // 0.1 + 0.2 is exactly 0.3 here.
    assert.equal(compareQuantity(addQuantity(parseQuantity('0.1'), parseQuantity('0.2')), parseQuantity('0.3')), 0);
  });
  it('sign, zero, negation and construction', () => {
    assert.equal(isNegative(parseQuantity('-1m')), true);
    assert.equal(isNegative(parseQuantity('0')), false);
    assert.equal(isZero(parseQuantity('0Ki')), true);
    assert.equal(formatQuantity(negateQuantity(parseQuantity('2Gi'))), '-2Gi');
    assert.equal(formatQuantity(quantityFromMilli(1500, 'DecimalSI')), '1500m');
    assert.equal(formatQuantity(quantityFromMilli(2000, 'DecimalSI')), '2');
    assert.equal(formatQuantity(quantityFromMilli(500, 'BinarySI')), '500m');
    assert.equal(formatQuantity(quantityFromValue(2048, 'BinarySI')), '2Ki');
    assert.equal(formatQuantity(quantityFromValue(2048)), '2048');
  });
});

// An exact reference: the decimal value of a generated quantity as a fraction, rounded up in magnitude to nano.
function referenceNano(sign: string, whole: string, fraction: string, suffix: string): bigint {
  const binary: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
  const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  let numerator = BigInt(`${whole}${fraction}` || '0') * 10n ** 9n;
  let denominator = 10n ** BigInt(fraction.length);
  if (suffix in binary) numerator *= binary[suffix];
  else {
    const exp = suffix in decimal ? decimal[suffix] : Number(suffix.slice(1));
    if (exp >= 0) numerator *= 10n ** BigInt(exp);
    else denominator *= 10n ** BigInt(-exp);
  }
  let nano = numerator / denominator + (numerator % denominator === 0n ? 0n : 1n);
  const cap = (2n ** 63n - 1n) * 10n ** 9n;
  if (suffix in binary && nano > cap) nano = cap;
  return sign === '-' ? -nano : nano;
}

const quantityText = fc.record({
  sign: fc.constantFrom('', '+', '-'),
  whole: fc.stringMatching(/^[0-9]{0,12}$/),
  // Up to 90 places: past nano precision even after the largest binary suffix (2^60 has 19 digits).
  fraction: fc.option(fc.oneof(
    fc.stringMatching(/^[0-9]{0,12}$/), fc.stringMatching(/^[0-9]{0,90}$/), fc.stringMatching(/^9{0,80}[0-9]?$/),
    // Exact at nano precision: all that is dropped is zeros, so only the division decides the rounding.
    fc.stringMatching(/^[0-9]{0,30}0{0,60}$/),
  ), { nil: undefined }),
  suffix: fc.constantFrom('', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'E-2', 'e+5', 'e-12', 'e0'),
}).filter((p) => /[0-9]/.test(`${p.whole}${p.fraction ?? ''}`));

// Binary quantities are whole units within ±(2^63-1), the range parsing keeps them in.
const anyQuantity: fc.Arbitrary<Quantity> = fc.oneof(
  fc.record({
    nano: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    format: fc.constantFrom<QuantityFormat>('DecimalSI', 'DecimalExponent'),
  }).map(({ nano, format }) => ({ nano, format })),
  fc.oneof(fc.bigInt({ min: -(2n ** 63n - 1n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -4096n, max: 4096n }).map((n) => n * 1024n ** 3n))
    .map((units) => ({ nano: units * 1_000_000_000n, format: 'BinarySI' as const })),
);

describe('quantities: properties', () => {
  it('parsing is exact: the value of the text, rounded up in magnitude to a nano-unit', () => {
    fc.assert(fc.property(quantityText, ({ sign, whole, fraction, suffix }) => {
      const text = `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${suffix}`;
      assert.equal(parseQuantity(text).nano, referenceNano(sign, whole, fraction ?? '', suffix), text);
    }), { numRuns: 3000 });
  });
  it('parseQuantity(formatQuantity(q)) equals q', () => {
    fc.assert(fc.property(anyQuantity, (q) => {
      const text = formatQuantity(q);
      const back = parseQuantity(text);
      assert.equal(back.nano, q.nano, text);
      // The format survives wherever the text can show it. Binary needs a whole multiple of 1024: 1025 binary is
      // written "1025" (as Kubernetes writes it) and reads back as DecimalSI, whose canonical text may differ
      // ("1025000" binary reads back as 1025k). A zero is written "0" in every format.
      const abs = q.nano < 0n ? -q.nano : q.nano;
      const showsBinary = abs !== 0n && abs % (1024n * 1_000_000_000n) === 0n;
      if (q.format !== 'BinarySI' || showsBinary) {
        assert.equal(formatQuantity(back), text, 'the canonical form is a fixed point');
        if (q.nano !== 0n) assert.deepEqual(back, q, text);
      }
    }), { numRuns: 3000 });
  });
  it('canonical text of parsed input round-trips to the same quantity', () => {
    fc.assert(fc.property(quantityText, ({ sign, whole, fraction, suffix }) => {
      const q = parseQuantity(`${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}${suffix}`);
      assert.equal(compareQuantity(parseQuantity(formatQuantity(q)), q), 0);
    }), { numRuns: 2000 });
  });
  it('addition and subtraction are exact inverses', () => {
    fc.assert(fc.property(anyQuantity, anyQuantity, (a, b) => {
      assert.equal(compareQuantity(subQuantity(addQuantity(a, b), b), a), 0);
      assert.equal(compareQuantity(addQuantity(a, b), addQuantity(b, a)), 0);
    }));
  });
});
