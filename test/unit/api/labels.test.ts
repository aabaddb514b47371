import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError, formatFieldError } from '../../../apiserver/api/errors.ts';
import {
  everything, matchesSelector, parseSelector, selectorFromLabelSelector, selectorFromMap, selectorToString,
  validateLabels, validateLabelSelector, type Operator, type Requirement, type Selector,
} from '../../../apiserver/api/labels.ts';

const matches = (sel: string, labels: Record<string, string>) => matchesSelector(parseSelector(sel), labels);
const req = (key: string, operator: Operator, values: string[] = []): Requirement => ({ key, operator, values });
const badRequest = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && e.message === message, message);

const keyMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const valueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseSelector: grammar', () => {
  const cases: [string, Requirement[]][] = [
    ['', []],
    ['   ', []],
    ['app=web', [req('app', 'Equals', ['web'])]],
    ['app==web', [req('app', 'DoubleEquals', ['web'])]],
    ['app!=web', [req('app', 'NotEquals', ['web'])]],
    ['app=', [req('app', 'Equals', [''])]],
    ['app', [req('app', 'Exists')]],
    ['!app', [req('app', 'DoesNotExist')]],
    ['tier in (b, a, b)', [req('tier', 'In', ['a', 'b'])]],
    ['tier notin (x)', [req('tier', 'NotIn', ['x'])]],
    ['tier in ()', [req('tier', 'In', [''])]],
    ['tier in (a,)', [req('tier', 'In', ['', 'a'])]],
    ['tier in (,,a)', [req('tier', 'In', ['', 'a'])]],
    ['gen>5', [req('gen', 'Gt', ['5'])]],
    ['gen<05', [req('gen', 'Lt', ['05'])]],
    // Where a value or a key may stand, `in` and `notin` are plain words.
    ['in in (in,notin)', [req('in', 'In', ['in', 'notin'])]],
    ['a=in', [req('a', 'Equals', ['in'])]],
    // Requirements come out sorted by key; whitespace separates tokens anywhere.
    [' z = 1 ,\ta\n!= 2,\r!m ', [req('a', 'NotEquals', ['2']), req('m', 'DoesNotExist'), req('z', 'Equals', ['1'])]],
    ['example.com/app=web', [req('example.com/app', 'Equals', ['web'])]],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.deepEqual(parseSelector(input).requirements, want));
});

describe('parseSelector: errors are 400s worded as labels.Parse words them', () => {
  const cases: [string, string][] = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['app:web', `unable to parse requirement: <nil>: Invalid value: "app:web": ${keyMsg}`],
    ['-ltier=x', `unable to parse requirement: <nil>: Invalid value: "-ltier": ${keyMsg}`],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (,,', "unable to parse requirement: found '', expected: ',', or identifier"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['! =a', "unable to parse requirement: found '=', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['a>x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a>99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a>-5', `unable to parse requirement: values[0][a]: Invalid value: "-5": ${valueMsg}`],
    ['a=-x', `unable to parse requirement: values[0][a]: Invalid value: "-x": ${valueMsg}`],
    ['a in (-x,-y)', `unable to parse requirement: [values[0][a]: Invalid value: "-x": ${valueMsg}, values[1][a]: Invalid value: "-y": ${valueMsg}]`],
    [`x=${'y'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'y'.repeat(64)}": must be no more than 63 characters`],
    // These come from the loop around requirements, which adds no prefix.
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['=x', "found '=', expected: !, identifier, or 'end of string'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a b=c', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    // Go's lexer reads a NUL as the end of a word; what follows is a new word.
    ['a=b\0c', "found 'c', expected: ',' or 'end of string'"],
  ];
  for (const [input, message] of cases) it(JSON.stringify(input), () => badRequest(() => parseSelector(input), message));
  it('quotes keys as Go\'s %q does', () => {
    badRequest(() => parseSelector('a\u0001b'), `unable to parse requirement: <nil>: Invalid value: "a\\x01b": ${keyMsg}`);
  });
});

describe('matching', () => {
  it('equality and inequality', () => {
    assert.ok(matches('app=web', { app: 'web' }));
    assert.ok(matches('app==web', { app: 'web' }));
    assert.ok(!matches('app=web', { app: 'db' }));
    assert.ok(!matches('app=web', {}));
    assert.ok(matches('app!=web', {}), '!= matches a missing label');
    assert.ok(!matches('app!=web', { app: 'web' }));
    assert.ok(matches('app=', { app: '' }));
    assert.ok(!matches('app=', {}));
  });
  it('sets and existence', () => {
    assert.ok(matches('tier in (front, back)', { tier: 'back' }));
    assert.ok(!matches('tier in (front)', {}));
    assert.ok(matches('tier notin (front)', {}), 'notin matches a missing label');
    assert.ok(!matches('tier notin (front)', { tier: 'front' }));
    assert.ok(matches('tier', { tier: '' }));
    assert.ok(matches('!tier', {}));
    assert.ok(!matches('!tier', { tier: 'x' }));
    assert.ok(matches('a=1,b in (2,3),!c', { a: '1', b: '3' }));
    assert.ok(!matches('a=1,b in (2,3),!c', { a: '1', b: '3', c: '' }));
    assert.ok(!matches('toString', {}), 'inherited object properties are no labels');
  });
  it('numeric comparisons read both sides as int64', () => {
    assert.ok(matches('gen>5', { gen: '7' }));
    assert.ok(!matches('gen>5', { gen: '5' }));
    assert.ok(matches('gen<5', { gen: '-7' }));
    assert.ok(matches('gen>5', { gen: '+6' }), 'ParseInt takes a sign');
    assert.ok(matches('gen<05', { gen: '4' }));
    assert.ok(!matches('gen>5', { gen: 'x' }));
    assert.ok(!matches('gen>5', {}));
    assert.ok(matches('gen>9223372036854775806', { gen: '9223372036854775807' }));
    assert.ok(!matches('gen>5', { gen: '9223372036854775808' }), 'beyond int64 never matches');
  });
  it('the empty selector selects everything, nothing selects nothing', () => {
    assert.ok(matches('', { any: 'thing' }));
    assert.ok(matchesSelector(everything, undefined));
    assert.ok(!matchesSelector('nothing', {}));
  });
});

describe('selectorToString', () => {
  it('prints Kubernetes\' canonical form', () => {
    assert.equal(selectorToString(parseSelector('b in (y,x),a==1,!c,d,e notin (q),f!=,g>3,h<4')), 'a==1,b in (x,y),!c,d,e notin (q),f!=,g>3,h<4');
    assert.equal(selectorToString(parseSelector('a in ()')), 'a in ()');
    assert.equal(selectorToString('nothing'), '');
    assert.equal(selectorToString(everything), '');
  });
});

describe('LabelSelector objects (LabelSelectorAsSelector)', () => {
  it('nil selects nothing, empty selects everything', () => {
    assert.equal(selectorFromLabelSelector(undefined), 'nothing');
    assert.equal(selectorFromLabelSelector(null), 'nothing');
    assert.deepEqual(selectorFromLabelSelector({}), { requirements: [] });
    assert.deepEqual(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] }), { requirements: [] });
    assert.equal(matchesSelector(selectorFromLabelSelector({}), { a: 'b' }), true);
  });
  it('matchLabels and matchExpressions combine, sorted by key', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod', 'dev'] }, { key: 'canary', operator: 'DoesNotExist' }],
    });
    assert.equal(selectorToString(sel), 'app=web,!canary,env notin (dev,prod),tier=front');
    assert.ok(matchesSelector(sel, { app: 'web', tier: 'front', env: 'test' }));
    assert.ok(!matchesSelector(sel, { app: 'web', tier: 'front', env: 'prod' }));
    assert.ok(!matchesSelector(sel, { app: 'web', tier: 'front', canary: 'yes' }));
  });
  it('invalid selectors are 400s with NewRequirement\'s messages', () => {
    badRequest(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    badRequest(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    badRequest(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }),
      'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist');
    badRequest(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }),
      '"Gt" is not a valid label selector operator');
    badRequest(() => selectorFromLabelSelector({ matchLabels: { 'a b': '-x' } }),
      `[key: Invalid value: "a b": ${keyMsg}, values[0][a b]: Invalid value: "-x": ${valueMsg}]`);
  });
  it('selectorFromMap takes a plain map as is', () => {
    assert.equal(selectorToString(selectorFromMap({ b: '2', a: '1' })), 'a=1,b=2');
    assert.deepEqual(selectorFromMap(undefined), { requirements: [] });
  });
});

describe('validateLabels and validateLabelSelector', () => {
  it('label maps report every bad key and value at the map\'s path', () => {
    const errs = validateLabels({ ok: 'fine', 'x/y/z': 'v', k: '-bad', 'example.com/': '' }, 'metadata.labels');
    assert.deepEqual(errs.map(formatFieldError), [
      `metadata.labels: Invalid value: "x/y/z": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      `metadata.labels: Invalid value: "-bad": ${valueMsg}`,
      'metadata.labels: Invalid value: "example.com/": name part must be non-empty',
      `metadata.labels: Invalid value: "example.com/": ${keyMsg}`,
    ]);
    assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
    assert.deepEqual(validateLabels(['a'], 'metadata.labels').map((e) => e.type), ['FieldValueInvalid']);
    assert.deepEqual(validateLabels({ a: 5 }, 'metadata.labels').map((e) => e.detail), ['must be a string']);
  });
  it('selectors: operators, values as the operator needs, keys and values valid', () => {
    const errs = validateLabelSelector({
      matchLabels: { 'bad key': 'v' },
      matchExpressions: [
        { key: 'a', operator: 'In' },
        { key: 'b', operator: 'Exists', values: ['x'] },
        { key: 'c', operator: 'Bogus' },
        { key: '', operator: 'NotIn', values: ['ok', '-no'] },
      ],
    }, 'spec.selector');
    assert.deepEqual(errs.map(formatFieldError), [
      `spec.selector.matchLabels: Invalid value: "bad key": ${keyMsg}`,
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Bogus": not a valid selector operator',
      'spec.selector.matchExpressions[3].key: Invalid value: "": name part must be non-empty',
      `spec.selector.matchExpressions[3].key: Invalid value: "": ${keyMsg}`,
      `spec.selector.matchExpressions[3].values[1]: Invalid value: "-no": ${valueMsg}`,
    ]);
    assert.deepEqual(validateLabelSelector(undefined, 'spec.selector'), []);
    assert.deepEqual(validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'spec.selector'), []);
  });
});

// ---- properties ----

const labelName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,10}[A-Za-z0-9])?$/);
const labelKey = fc.oneof(labelName, fc.tuple(fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z0-9]{1,5}){0,2}$/), labelName).map(([p, n]) => `${p}/${n}`));
const labelValue = fc.oneof(fc.constant(''), labelName);
const integerValue = fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String);

const requirement: fc.Arbitrary<Requirement> = fc.oneof(
  fc.tuple(labelKey, fc.constantFrom<Operator>('Equals', 'DoubleEquals', 'NotEquals'), labelValue).map(([k, op, v]) => req(k, op, [v])),
  fc.tuple(labelKey, fc.constantFrom<Operator>('In', 'NotIn'), fc.uniqueArray(labelValue, { minLength: 1, maxLength: 4 }))
    .map(([k, op, vs]) => req(k, op, [...vs].sort())),
  fc.tuple(labelKey, fc.constantFrom<Operator>('Exists', 'DoesNotExist')).map(([k, op]) => req(k, op)),
  fc.tuple(labelKey, fc.constantFrom<Operator>('Gt', 'Lt'), integerValue).map(([k, op, v]) => req(k, op, [v])),
);
const selector: fc.Arbitrary<Selector> = fc.array(requirement, { maxLength: 6 })
  .map((rs) => ({ requirements: [...rs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) }));
const labelMap = fc.dictionary(labelKey, fc.oneof(labelValue, integerValue), { maxKeys: 6 });

describe('selectors: properties', () => {
  it('parse(toString(sel)) round-trips', () => {
    fc.assert(fc.property(selector, (sel) => {
      const text = selectorToString(sel);
      const parsed = parseSelector(text);
      assert.deepEqual(parsed.requirements.map((r) => ({ ...r, values: [...r.values] })), sel.requirements, text);
      assert.equal(selectorToString(parsed), text);
    }), { numRuns: 1000 });
  });
  it('a parsed selector selects exactly what the selector it was printed from selects', () => {
    fc.assert(fc.property(selector, labelMap, (sel, labels) => {
      assert.equal(matchesSelector(parseSelector(selectorToString(sel)), labels), matchesSelector(sel, labels));
    }), { numRuns: 1000 });
  });
  it('random label maps always match their own equality selector', () => {
    fc.assert(fc.property(fc.dictionary(labelKey, labelValue, { maxKeys: 8 }), (labels) => {
      const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
      assert.ok(matchesSelector(parseSelector(text), labels), text);
      assert.ok(matchesSelector(selectorFromMap(labels), labels));
      assert.ok(matchesSelector(selectorFromLabelSelector({ matchLabels: labels }), labels));
      assert.deepEqual(validateLabels(labels, 'metadata.labels'), []);
    }), { numRuns: 1000 });
  });
  it('changing any one value breaks the match', () => {
    fc.assert(fc.property(fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 8 }), fc.nat(), (labels, pick) => {
      const keys = Object.keys(labels);
      const key = keys[pick % keys.length];
      const changed = { ...labels, [key]: `${labels[key]}x` };
      assert.ok(!matchesSelector(selectorFromMap(labels), changed));
    }), { numRuns: 500 });
  });
  it('never throws anything but a 400 on arbitrary input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => {
      try {
        parseSelector(s);
      } catch (e) {
        assert.ok(e instanceof ApiError && e.code === 400, String(e));
      }
    }), { numRuns: 2000 });
  });
});
