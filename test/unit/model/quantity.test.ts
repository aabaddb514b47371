import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  addQuantity, compareQuantity, formatQuantity, isQuantity, milliValue, parseQuantity, quantityRegexMessage, subQuantity, value,
} from '../../../apiserver/api/quantity.ts';

const canonical = (s: string | number) => formatQuantity(parseQuantity(s));

describe('parseQuantity', () => {
  it('accepts the grammar\'s edge cases', () => {
    for (const ok of ['100m', '0.5', '1Gi', '1e3', '+1', '.5', '5.', '0', '1E', '2Ki', '-1', '1.5Gi', '1e-3', '250n', '100u', '1.']) {
      assert.ok(isQuantity(ok), ok);
    }
  });
  it('rejects what Kubernetes rejects, with its message', () => {
    for (const bad of ['1gi', '1GB', '1 Gi', '', '0x10', 'NaN', 'Infinity', '1m5', '--1', 'e3', '.', '1.2.3', 'Gi', '1e']) {
      assert.throws(() => parseQuantity(bad), (e: Error) => e.message === quantityRegexMessage, JSON.stringify(bad));
    }
  });
  it('is case sensitive: 1M, 1Mi and 1m differ', () => {
    assert.equal(value(parseQuantity('1M')), 1_000_000);
    assert.equal(value(parseQuantity('1Mi')), 1_048_576);
    assert.equal(milliValue(parseQuantity('1m')), 1);
  });
  it('accepts numbers', () => {
    assert.equal(canonical(2), '2');
    assert.equal(canonical(0.5), '500m');
  });
});

describe('formatQuantity (canonical form)', () => {
  const cases: [string, string][] = [
    ['1.5', '1500m'], ['1.5Gi', '1536Mi'], ['1024Mi', '1Gi'], ['0.5Gi', '512Mi'], ['1000m', '1'], ['1e3', '1e3'],
    ['1000', '1k'], ['1500000', '1500k'], ['0', '0'], ['0.0001', '100u'], ['100Ki', '100Ki'], ['1023Ki', '1023Ki'],
    ['100', '100'], ['-1.5', '-1500m'], ['12e6', '12e6'], ['0.3Ki', '307200m'],
  ];
  for (const [input, want] of cases) it(`${input} -> ${want}`, () => assert.equal(canonical(input), want));
});

describe('values', () => {
  it('milliValue and value round up', () => {
    assert.equal(milliValue(parseQuantity('0.1m')), 1);
    assert.equal(milliValue(parseQuantity('250m')), 250);
    assert.equal(milliValue(parseQuantity('1.5')), 1500);
    assert.equal(value(parseQuantity('1.5')), 2);
    assert.equal(value(parseQuantity('128Mi')), 134_217_728);
  });
  it('compares and adds exactly', () => {
    assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1024Mi')), 0);
    assert.equal(compareQuantity(parseQuantity('1G'), parseQuantity('1Gi')), -1);
    assert.equal(formatQuantity(addQuantity(parseQuantity('100m'), parseQuantity('0.9'))), '1');
    assert.equal(formatQuantity(subQuantity(parseQuantity('1'), parseQuantity('250m'))), '750m');
  });
  it('parse(format(q)) == q', () => {
    const quantities = fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom('', 'm', 'k', 'M', 'Ki', 'Mi', 'Gi', 'e3', 'n', 'u'))
      .map(([n, s]) => `${n}${s}`);
    fc.assert(fc.property(quantities, (s) => {
      const q = parseQuantity(s);
      const round = parseQuantity(formatQuantity(q));
      assert.equal(compareQuantity(q, round), 0, `${s} -> ${formatQuantity(q)}`);
      assert.equal(formatQuantity(round), formatQuantity(q));
    }), { numRuns: 2000 });
  });
});
