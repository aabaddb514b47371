import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidCIDR,
  isValidIP, isValidLabelValue, isValidPathSegmentName, isValidPercent, isValidPortName, isValidPortNum, nameIsDNSLabel,
  nameIsDNSSubdomain,
} from '../../../apiserver/api/validation/names.ts';

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const charset = fc.constantFrom(...'abcz09-._A/%'.split(''));
const candidates = fc.array(charset, { maxLength: 70 }).map((cs) => cs.join(''));

describe('DNS names', () => {
  it('accept exactly what Kubernetes\' regexes and length limits accept', () => {
    fc.assert(fc.property(candidates, (s) => {
      assert.equal(isDNS1123Label(s).length === 0, label.test(s) && s.length <= 63);
      assert.equal(isDNS1123Subdomain(s).length === 0, subdomain.test(s) && s.length <= 253);
    }), { numRuns: 2000 });
  });
  it('long names', () => {
    assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isDNS1123Subdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`), []);
    assert.equal(isDNS1123Subdomain('a'.repeat(254)).length, 1);
  });
  it('words errors as apimachinery does', () => {
    assert.match(isDNS1123Subdomain('Bad_Name')[0], /^a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character \(e\.g\. 'example\.com', regex used for validation is/);
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.match(isDNS1035Label('1abc')[0], /start with an alphabetic character/);
    assert.deepEqual(isDNS1035Label('abc-1'), []);
  });
  it('generateName may end with a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
    assert.deepEqual(nameIsDNSLabel('x-', true), []);
  });
  it('path segment rules', () => {
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentName('ok'), []);
  });
});

describe('label keys and values', () => {
  it('qualified names', () => {
    assert.deepEqual(isQualifiedName('app'), []);
    assert.deepEqual(isQualifiedName('example.com/My_Name.1'), []);
    assert.deepEqual(isQualifiedName('kubernetes.io/hostname'), []);
    assert.match(isQualifiedName('a/b/c')[0], /^a qualified name must consist of/);
    assert.deepEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
    assert.ok(isQualifiedName(`${'x'.repeat(64)}`).includes('name part must be no more than 63 characters'));
    assert.ok(isQualifiedName('Bad.Prefix/name')[0].startsWith('prefix part a lowercase RFC 1123 subdomain'));
    assert.equal(isQualifiedName('-x').length, 1);
  });
  it('values may be empty; otherwise like names, up to 63', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
    assert.equal(isValidLabelValue('-x').length, 1);
    assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('other formats', () => {
  it('ports', () => {
    assert.deepEqual(isValidPortNum(80), []);
    assert.equal(isValidPortNum(0).length, 1);
    assert.equal(isValidPortNum(65536).length, 1);
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
    assert.ok(isValidPortName('a--b').includes('must not contain consecutive hyphens'));
    assert.ok(isValidPortName('-web').includes('must not begin or end with a hyphen'));
    assert.ok(isValidPortName('abcdefghijklmnop').includes('must be no more than 15 characters'));
    assert.equal(isValidPortName('Web').length, 1);
  });
  it('IPs and CIDRs', () => {
    assert.deepEqual(isValidIP('10.0.0.1'), []);
    assert.deepEqual(isValidIP('2001:db8::1'), []);
    assert.equal(isValidIP('10.0.0.256').length, 1);
    assert.deepEqual(isValidCIDR('10.244.0.0/16'), []);
    assert.deepEqual(isValidCIDR('fd00::/64'), []);
    assert.equal(isValidCIDR('10.0.0.0/33').length, 1);
    assert.equal(isValidCIDR('10.0.0.0').length, 1);
  });
  it('env var names, config keys, percents', () => {
    assert.deepEqual(isEnvVarName('MY_VAR.x-1'), []);
    assert.equal(isEnvVarName('1VAR').length, 1);
    assert.deepEqual(isConfigMapKey('app.properties'), []);
    assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
    assert.equal(isConfigMapKey('a/b').length, 1);
    assert.deepEqual(isValidPercent('25%'), []);
    assert.equal(isValidPercent('25').length, 1);
  });
});
