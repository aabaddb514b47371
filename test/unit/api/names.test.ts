import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCIDRSloppy, parseIPSloppy } from '../../../apiserver/api/validation/ip-address.ts';
import {
  isCIdentifier, isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isInRange,
  isQualifiedName, isValidCIDR, isValidIP, isValidIPv4Address, isValidIPv6Address, isValidLabelValue,
  isValidPathSegmentName, isValidPercent, isValidPortName, isValidPortNum, nameIsDNS1035Label, nameIsDNSLabel,
  nameIsDNSSubdomain, nameIsPathSegment, regexError,
} from '../../../apiserver/api/validation/names.ts';

// The messages exactly as apimachinery 1.32 words them.
const labelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const dns1035Msg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const nameRegexMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

// Kubernetes' regexes, written out again so the property tests compare against the specification, not the code.
const labelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Re = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const nameRe = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const bytes = (s: string) => Buffer.byteLength(s);

// Strings from the characters that matter at the edges of every rule, plus a non-ASCII one.
const edgeChars = fc.constantFrom(...'abz09-._A/%é'.split(''));
const candidates = fc.array(edgeChars, { maxLength: 80 }).map((cs) => cs.join(''));
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
// Dotted names around the 253-character limit, valid label by label.
const longSubdomains = fc.array(dnsLabel, { minLength: 1, maxLength: 8 }).map((ls) => ls.join('.'));

describe('DNS names: property', () => {
  it('accept exactly what Kubernetes\' regexes and 63/253 limits accept', () => {
    fc.assert(fc.property(fc.oneof(candidates, longSubdomains, dnsLabel), (s) => {
      assert.equal(isDNS1123Label(s).length === 0, labelRe.test(s) && bytes(s) <= 63, `label ${s}`);
      assert.equal(isDNS1123Subdomain(s).length === 0, subdomainRe.test(s) && bytes(s) <= 253, `subdomain ${s}`);
      assert.equal(isDNS1035Label(s).length === 0, dns1035Re.test(s) && bytes(s) <= 63, `1035 ${s}`);
    }), { numRuns: 3000 });
  });
  it('qualified names and label values accept exactly what the rules accept', () => {
    const reference = (s: string) => {
      const parts = s.split('/');
      if (parts.length > 2) return false;
      const name = parts.at(-1) ?? '';
      const prefixOk = parts.length === 1 || (parts[0] !== '' && subdomainRe.test(parts[0]) && bytes(parts[0]) <= 253);
      return prefixOk && nameRe.test(name) && bytes(name) <= 63;
    };
    fc.assert(fc.property(fc.oneof(candidates, longSubdomains.map((p) => `${p}/name`)), (s) => {
      assert.equal(isQualifiedName(s).length === 0, reference(s), s);
      assert.equal(isValidLabelValue(s).length === 0, (s === '' || nameRe.test(s)) && bytes(s) <= 63, s);
    }), { numRuns: 3000 });
  });
});

describe('DNS names: messages', () => {
  it('RFC 1123 labels', () => {
    assert.deepEqual(isDNS1123Label('my-name'), []);
    assert.deepEqual(isDNS1123Label('a'.repeat(63)), []);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isDNS1123Label('Bad'), [labelMsg]);
    assert.deepEqual(isDNS1123Label(''), [labelMsg]);
    assert.deepEqual(isDNS1123Label('-a'), [labelMsg]);
    // A valid subdomain that is no label can only have failed on its dots.
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label(`${'a'.repeat(62)}-`), [labelMsg]);
    assert.deepEqual(isDNS1123Label('A'.repeat(64)), ['must be no more than 63 characters', labelMsg]);
  });
  it('lengths are bytes, as Go counts them', () => {
    assert.deepEqual(isDNS1123Label('é'.repeat(32)), ['must be no more than 63 characters', labelMsg]);
    assert.ok(isQualifiedName('é'.repeat(32)).includes('name part must be no more than 63 characters'));
  });
  it('RFC 1123 subdomains', () => {
    assert.deepEqual(isDNS1123Subdomain('example.com'), []);
    assert.deepEqual(isDNS1123Subdomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`), []);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
    assert.deepEqual(isDNS1123Subdomain('a..b'), [subdomainMsg]);
    assert.deepEqual(isDNS1123Subdomain('a_b'), [subdomainMsg]);
  });
  it('RFC 1035 labels (Service names)', () => {
    assert.deepEqual(isDNS1035Label('abc-123'), []);
    assert.deepEqual(isDNS1035Label('1abc'), [dns1035Msg]);
    assert.deepEqual(isDNS1035Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });
  it('regexError keeps apimachinery\'s odd spacing', () => {
    assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
    assert.equal(regexError('m', 'f', 'x', 'y'), "m (e.g. 'x',  or 'y', regex used for validation is 'f')");
  });
});

describe('generateName and kind name validators', () => {
  it('a prefix may end in a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('web-', false), [subdomainMsg]);
    assert.deepEqual(nameIsDNSLabel('x-', true), []);
    assert.deepEqual(nameIsDNS1035Label('svc-', true), []);
    assert.deepEqual(nameIsDNS1035Label('1svc-', true), [dns1035Msg]);
  });
  it('masks the trailing dash the way apimachinery does: the character before it goes too', () => {
    // maskTrailingDash("ab..-") checks "ab.a": valid, although "ab..-" itself could never become a name.
    assert.deepEqual(nameIsDNSSubdomain('ab..-', true), []);
    // A prefix one character too long still passes: the masked name is one shorter.
    assert.deepEqual(nameIsDNSLabel(`${'a'.repeat(63)}-`, true), []);
    assert.deepEqual(nameIsDNSLabel(`${'a'.repeat(64)}-`, true), ['must be no more than 63 characters']);
    assert.deepEqual(nameIsDNSSubdomain('-', true), [subdomainMsg]);
  });
  it('path segment names', () => {
    assert.deepEqual(isValidPathSegmentName('.'), ["may not be '.'"]);
    assert.deepEqual(isValidPathSegmentName('..'), ["may not be '..'"]);
    assert.deepEqual(isValidPathSegmentName('a/b%c'), ["may not contain '/'", "may not contain '%'"]);
    assert.deepEqual(isValidPathSegmentName('...'), []);
    assert.deepEqual(nameIsPathSegment('..', true), []);
    assert.deepEqual(nameIsPathSegment('a%', true), ["may not contain '%'"]);
  });
});

describe('qualified names (label keys, annotation keys, finalizers)', () => {
  it('accepts prefixed and plain names', () => {
    for (const ok of ['app', 'example.com/My_Name.1', 'kubernetes.io/hostname', 'a', 'A9']) assert.deepEqual(isQualifiedName(ok), [], ok);
  });
  it('words each failure', () => {
    assert.deepEqual(isQualifiedName('a/b/c'), [`a qualified name ${nameRegexMsg} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]);
    assert.deepEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('example.com/'), ['name part must be non-empty', `name part ${nameRegexMsg}`]);
    assert.deepEqual(isQualifiedName(''), ['name part must be non-empty', `name part ${nameRegexMsg}`]);
    assert.deepEqual(isQualifiedName('x'.repeat(64)), ['name part must be no more than 63 characters']);
    assert.deepEqual(isQualifiedName('Bad.Prefix/name'), [`prefix part ${subdomainMsg}`]);
    assert.deepEqual(isQualifiedName('-x'), [`name part ${nameRegexMsg}`]);
    assert.deepEqual(isQualifiedName('a b'), [`name part ${nameRegexMsg}`]);
  });
  it('label values may be empty, otherwise like names up to 63', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
    assert.deepEqual(isValidLabelValue('-x'), [labelValueMsg]);
    assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isValidLabelValue('a/b'), [labelValueMsg]);
  });
});

describe('ports', () => {
  it('numbers 1..65535', () => {
    assert.deepEqual(isValidPortNum(1), []);
    assert.deepEqual(isValidPortNum(65535), []);
    for (const bad of [0, -1, 65536, 80.5, Number.NaN]) assert.deepEqual(isValidPortNum(bad), ['must be between 1 and 65535, inclusive'], String(bad));
    assert.deepEqual(isInRange(5, 0, 4), ['must be between 0 and 4, inclusive']);
  });
  it('IANA service names report every rule broken', () => {
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('h2c-1'), []);
    assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName(''), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('Web'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
    assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('-web'), ['must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']);
    assert.deepEqual(isValidPortName('--'), [
      'must contain at least one letter (a-z)', 'must not contain consecutive hyphens', 'must not begin or end with a hyphen',
    ]);
  });
});

describe('IP addresses and CIDRs (Kubernetes\' sloppy parser)', () => {
  const ipMsg = ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  const cidrMsg = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  it('accepts what Kubernetes 1.32 accepts in legacy IP fields', () => {
    for (const ok of ['10.0.0.1', '0.0.0.0', '255.255.255.255', '010.001.0.1', '::', '::1', '2001:db8::1', 'fe80::1:2:3:4',
      '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', '1::8', 'ABCD::ef']) {
      assert.deepEqual(isValidIP(ok), [], ok);
    }
  });
  it('rejects the rest', () => {
    for (const bad of ['', '10.0.0.256', '10.0.0', '10.0.0.1.2', '1.2.3.-4', ' 1.2.3.4', 'fe80::1%eth0', '1:2:3:4:5:6:7:8:9',
      '1::2::3', ':::', '1:2:3:4:5:6:7::8', '12345::', 'g::1', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'localhost', '1.2.3.4/32']) {
      assert.deepEqual(isValidIP(bad), ipMsg, bad);
    }
  });
  it('parses to the right bytes', () => {
    assert.deepEqual([...parseIPSloppy('010.0.0.255') ?? []], [10, 0, 0, 255]);
    assert.deepEqual([...parseIPSloppy('::ffff:1.2.3.4') ?? []], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    assert.deepEqual([...parseIPSloppy('1::8') ?? []], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8]);
  });
  it('IPv4 and IPv6 only', () => {
    assert.deepEqual(isValidIPv4Address('1.2.3.4'), []);
    assert.deepEqual(isValidIPv4Address('::1'), ['must be a valid IPv4 address']);
    assert.deepEqual(isValidIPv6Address('::1'), []);
    assert.deepEqual(isValidIPv6Address('1.2.3.4'), ['must be a valid IPv6 address']);
  });
  it('CIDRs allow host bits and prefix lengths up to the family\'s size', () => {
    for (const ok of ['10.244.0.0/16', '10.244.1.7/16', 'fd00::/64', '0.0.0.0/0', '::/128', '10.0.0.0/032']) assert.deepEqual(isValidCIDR(ok), [], ok);
    for (const bad of ['10.0.0.0/33', '10.0.0.0', '10.0.0.0/', '10.0.0.0/-1', 'fd00::/129', '10.0.0.0/8/8', '/8', '10.0.0.0/ 8']) {
      assert.deepEqual(isValidCIDR(bad), cidrMsg, bad);
    }
    assert.deepEqual(parseCIDRSloppy('10.1.2.3/8')?.prefixLength, 8);
  });
});

describe('other string formats', () => {
  const envMsg = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
  const keyMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
  it('environment variable names', () => {
    assert.deepEqual(isEnvVarName('MY_VAR.x-1'), []);
    assert.deepEqual(isEnvVarName('1VAR'), [envMsg]);
    assert.deepEqual(isEnvVarName('..x'), ["must not start with '..'"]);
    assert.deepEqual(isEnvVarName('.'), ["must not be '.'"]);
    assert.deepEqual(isEnvVarName(''), [envMsg]);
  });
  it('ConfigMap and Secret keys', () => {
    assert.deepEqual(isConfigMapKey('app.properties'), []);
    assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
    assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
    assert.deepEqual(isConfigMapKey('a/b'), [keyMsg]);
    assert.deepEqual(isConfigMapKey('k'.repeat(254)), ['must be no more than 253 characters']);
  });
  it('percentages and C identifiers', () => {
    assert.deepEqual(isValidPercent('25%'), []);
    assert.deepEqual(isValidPercent('25'), ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]);
    assert.equal(isValidPercent('-5%').length, 1);
    assert.deepEqual(isCIdentifier('_x1'), []);
    assert.equal(isCIdentifier('1x').length, 1);
  });
});
