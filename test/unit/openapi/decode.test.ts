import './ensure-definitions.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../../apiserver/api/errors.ts';
import {
  applyFieldValidation, checkAgainstSchema, fieldValidationMode, parseBody,
} from '../../../apiserver/api/decode.ts';
import { schemaForKind } from '../../../apiserver/api/openapi/definitions.ts';
import type { Schema } from '../../../apiserver/api/openapi/schema.ts';

const deployment = schemaForKind('apps', 'v1', 'Deployment') as Schema;
const pod = schemaForKind('', 'v1', 'Pod') as Schema;

/** Runs fn, which must throw an ApiError, and returns it. */
function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const check = (value: unknown, schema = deployment) => checkAgainstSchema(value, schema);

describe('parseBody (JSON)', () => {
  it('parses like JSON.parse and reports duplicate keys with their paths', () => {
    const { value, duplicates } = parseBody(
      '{"metadata":{"name":"a","labels":{"x":"1","x":"2"},"name":"b"},"spec":{"containers":[{"name":"c","name":"d"}]}}', 'json');
    assert.deepEqual(value, { metadata: { name: 'b', labels: { x: '2' } }, spec: { containers: [{ name: 'd' }] } });
    assert.deepEqual(duplicates, ['metadata.labels.x', 'metadata.name', 'spec.containers[0].name']);
  });

  it('words malformed JSON as kube-apiserver does, as a 400', () => {
    const cases: [string, string][] = [
      ['{bad', "invalid character 'b' looking for beginning of object key string"],
      ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
      ['{"a" 1}', "invalid character '1' after object key"],
      ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
      ['[1 2]', "invalid character '2' after array element"],
      ['{"a":1}x', "invalid character 'x' after top-level value"],
      ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
      ['{"a":-}', "invalid character '}' in numeric literal"],
      ['{"a":"\\q"}', "invalid character 'q' in string escape code"],
      ['{"a":', 'unexpected end of JSON input'],
      ['', 'unexpected end of JSON input'],
    ];
    for (const [raw, message] of cases) {
      const error = apiError(() => parseBody(raw, 'json'));
      assert.equal(error.code, 400);
      assert.equal(error.reason, 'BadRequest');
      assert.equal(error.message, `couldn't get version/kind; json parse error: ${message}`, raw);
    }
  });

  it('gives the whole kube-apiserver sentence when it knows the kind', () => {
    const error = apiError(() => parseBody('{"kind":"Pod",', 'json', 'Pod'));
    assert.equal(error.message, 'the object provided is unrecognized (must be of type Pod): couldn\'t get version/kind; '
      + 'json parse error: unexpected end of JSON input ({"kind":"Pod",)');
  });

  it('rejects keys that would poison a prototype, anywhere in the body', () => {
    for (const raw of ['{"__proto__":{"admin":true}}', '{"metadata":{"labels":{"__proto__":"x"}}}',
      '{"spec":{"constructor":{"prototype":{"polluted":1}}}}']) {
      const error = apiError(() => parseBody(raw, 'json'));
      assert.equal(error.code, 400, raw);
      assert.match(error.message, /forbidden key "(.*\.)?(__proto__|constructor\.prototype)"/);
    }
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.deepEqual(parseBody('{"constructor":"fine"}', 'json').value, { constructor: 'fine' });
  });

  it('agrees with JSON.parse on every JSON value, without duplicates', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value);
      fc.pre(!text.includes('"__proto__"'));
      const parsed = parseBody(text, 'json');
      assert.deepEqual(parsed.value, JSON.parse(text));
      assert.deepEqual(parsed.duplicates, []);
    }), { numRuns: 300 });
  });

  it('fails exactly where JSON.parse fails', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', '.', 'e', 't', 'n', ' ', 'a', '\\') }), (text) => {
      fc.pre(!text.includes('__proto__'));
      let native = true;
      try { JSON.parse(text); } catch { native = false; }
      let ours = true;
      try { parseBody(text, 'json'); } catch (e) { assert.ok(e instanceof ApiError); ours = false; }
      assert.equal(ours, native, text);
    }), { numRuns: 500 });
  });
});

describe('parseBody (YAML)', () => {
  it('reads YAML 1.1 as Kubernetes does and reports duplicate keys', () => {
    const { value, duplicates } = parseBody(
      'metadata:\n  name: a\n  name: b\nspec:\n  paused: yes\n  minReadySeconds: 0x10\n  note: 2024-01-02\n', 'yaml');
    assert.deepEqual(value, { metadata: { name: 'b' }, spec: { paused: true, minReadySeconds: 16, note: '2024-01-02' } });
    assert.deepEqual(duplicates, ['metadata.name']);
  });

  it('reads only the first document, and an empty body as null', () => {
    assert.deepEqual(parseBody('a: 1\n---\nb: 2\n', 'yaml').value, { a: 1 });
    assert.equal(parseBody('', 'yaml').value, null);
  });

  it('turns syntax errors, alias bombs and prototype keys into 400s', () => {
    const syntax = apiError(() => parseBody('a: [1,\nb: }', 'yaml'));
    assert.equal(syntax.code, 400);
    assert.match(syntax.message, /^error converting YAML to JSON: yaml: line 2: /);
    const bomb = 'a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n'
      + 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    assert.equal(apiError(() => parseBody(bomb, 'yaml')).code, 400);
    assert.equal(apiError(() => parseBody('metadata:\n  __proto__: {a: 1}\n', 'yaml')).code, 400);
    assert.match(apiError(() => parseBody('a: .inf\n', 'yaml')).message, /unsupported value: \+Inf/);
  });
});

describe('checkAgainstSchema', () => {
  it('reports a string replicas in the Go decoder\'s words', () => {
    const result = check({ spec: { replicas: '3' } });
    assert.deepEqual(result.typeErrors,
      ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32']);
  });

  it('rejects fractions and out-of-range numbers for integers', () => {
    assert.deepEqual(check({ spec: { replicas: 1.5 } }).typeErrors,
      ['json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32']);
    assert.deepEqual(check({ spec: { replicas: 2 ** 31 } }).typeErrors,
      ['json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32']);
    assert.deepEqual(check({ spec: { template: { spec: { terminationGracePeriodSeconds: 2 ** 40 } } } }).typeErrors, []);
  });

  it('names the Go types of structs, lists and maps', () => {
    assert.deepEqual(check({ spec: 'x' }).typeErrors,
      ['json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec']);
    assert.deepEqual(check({ spec: { template: { spec: { containers: {} } } } }).typeErrors,
      ['json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container']);
    assert.deepEqual(check({ metadata: { labels: { app: 1 } } }).typeErrors,
      ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string']);
    assert.deepEqual(check({ metadata: { labels: ['a'] } }).typeErrors,
      ['json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string']);
    assert.deepEqual(check({ spec: { paused: 'true' } }).typeErrors,
      ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool']);
    assert.deepEqual(check([]).typeErrors, ['json: cannot unmarshal array into Go value of type v1.Deployment']);
    assert.deepEqual(check({ spec: { template: { spec: { containers: [{ name: 'c', args: [1] }] } } } }).typeErrors,
      ['json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args of type string']);
  });

  it('collects unknown fields with their full path and prunes them', () => {
    const result = check({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { foo: 1, template: { spec: { containers: [{ name: 'c', image: 'i', imagePullPolice: 'Always' }] } } },
    });
    assert.deepEqual(result.typeErrors, []);
    assert.deepEqual(result.unknownFields, ['spec.foo', 'spec.template.spec.containers[0].imagePullPolice']);
    assert.deepEqual(result.pruned, {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    });
  });

  it('treats null as unset, and as the zero value inside lists and maps', () => {
    const result = check({
      metadata: { name: 'a', creationTimestamp: null, labels: { a: null } },
      spec: { replicas: null, template: { spec: { containers: [null], nodeSelector: null } } },
    });
    assert.deepEqual(result.typeErrors, []);
    assert.deepEqual(result.pruned, { metadata: { name: 'a', labels: { a: '' } }, spec: { template: { spec: { containers: [{}] } } } });
  });

  it('accepts an int or a string for IntOrString and nothing else', () => {
    const ok = check({ spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } });
    assert.deepEqual(ok.typeErrors, []);
    assert.deepEqual(ok.pruned, { spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } });
    assert.deepEqual(check({ spec: { strategy: { rollingUpdate: { maxSurge: 1.5 } } } }).typeErrors,
      ['json: cannot unmarshal number 1.5 into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32']);
    assert.deepEqual(check({ spec: { strategy: { rollingUpdate: { maxSurge: true } } } }).typeErrors,
      ['json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32']);
  });

  it('accepts a string or a number for a Quantity and checks its syntax', () => {
    const container = (resources: unknown) => ({ spec: { containers: [{ name: 'c', resources }] } });
    const ok = checkAgainstSchema(container({ limits: { cpu: 0.5, memory: '64Mi' }, requests: { cpu: '100m' } }), pod);
    assert.deepEqual(ok.typeErrors, []);
    assert.deepEqual(ok.pruned, container({ limits: { cpu: '0.5', memory: '64Mi' }, requests: { cpu: '100m' } }));
    const regex = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    for (const bad of ['1 core', '', true, { a: 1 }, '1gi']) {
      assert.deepEqual(checkAgainstSchema(container({ limits: { cpu: bad } }), pod).typeErrors, [regex], JSON.stringify(bad));
    }
    assert.deepEqual(checkAgainstSchema(container({ limits: { cpu: '1m5' } }), pod).typeErrors, ["unable to parse quantity's suffix"]);
  });

  it('parses timestamps as Time and MicroTime do, and writes them back in UTC', () => {
    const meta = (creationTimestamp: unknown) => check({ metadata: { creationTimestamp } });
    assert.deepEqual(meta('2024-05-01T12:00:00+02:00').pruned, { metadata: { creationTimestamp: '2024-05-01T10:00:00Z' } });
    assert.deepEqual(meta('yesterday').typeErrors,
      ['parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"']);
    assert.deepEqual(meta(5).typeErrors,
      ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string']);
    const lease = schemaForKind('coordination.k8s.io', 'v1', 'Lease') as Schema;
    assert.deepEqual(checkAgainstSchema({ spec: { renewTime: '2024-05-01T10:00:00.123456Z' } }, lease).typeErrors, []);
    assert.deepEqual(checkAgainstSchema({ spec: { renewTime: '2024-05-01T10:00:00Z' } }, lease).typeErrors,
      ['parsing time "2024-05-01T10:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"']);
  });

  it('puts a parser failure first, as it ends Go\'s decoding', () => {
    const result = check({ spec: { replicas: 'x' }, metadata: { creationTimestamp: 'x' } });
    assert.equal(result.typeErrors.length, 2);
    assert.match(result.typeErrors[0], /^parsing time "x"/);
  });

  it('checks Secret data is base64', () => {
    const secret = schemaForKind('', 'v1', 'Secret') as Schema;
    assert.deepEqual(checkAgainstSchema({ data: { a: 'aGVsbG8=' } }, secret).typeErrors, []);
    assert.deepEqual(checkAgainstSchema({ data: { a: 'not base64' } }, secret).typeErrors, ['illegal base64 data at input byte 3']);
    assert.deepEqual(checkAgainstSchema({ data: { a: 'YQ' } }, secret).typeErrors, ['illegal base64 data at input byte 0']);
  });

  it('copies preserve-unknown-fields subtrees as they are', () => {
    const revision = schemaForKind('apps', 'v1', 'ControllerRevision') as Schema;
    const data = { spec: { anything: [1, 'two', { three: null }] } };
    const result = checkAgainstSchema({ revision: 1, data }, revision);
    assert.deepEqual(result, { typeErrors: [], unknownFields: [], pruned: { revision: 1, data } });
    const fields = { 'f:metadata': { 'f:labels': { '.': {} } } };
    const managed = check({ metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: fields }] } });
    assert.deepEqual(managed.pruned, { metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: fields }] } });
  });

  it('finds unknown fields inside map values of struct type', () => {
    const job = schemaForKind('batch', 'v1', 'Job') as Schema;
    const result = checkAgainstSchema({ spec: { template: { spec: { volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi', nope: 1 } }] } } } }, job);
    assert.deepEqual(result.unknownFields, ['spec.template.spec.volumes[0].emptyDir.nope']);
  });
});

describe('applyFieldValidation', () => {
  const unknown = ['spec.foo', 'spec.template.spec.containers[0].imagePullPolice'];
  it('Strict lists every unknown and duplicate field in one 400', () => {
    const error = apiError(() => applyFieldValidation('Strict', unknown, ['metadata.name']));
    assert.equal(error.code, 400);
    assert.equal(error.reason, 'BadRequest');
    assert.equal(error.message, 'strict decoding error: unknown field "spec.foo", unknown field '
      + '"spec.template.spec.containers[0].imagePullPolice", duplicate field "metadata.name"');
    const whole = apiError(() => applyFieldValidation('Strict', ['spec.foo'], [], { kind: 'Deployment', version: 'v1' }));
    assert.equal(whole.message,
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"');
  });

  it('Strict passes a clean body', () => {
    assert.deepEqual(applyFieldValidation('Strict', [], []), []);
  });

  it('Warn returns one warning text per field', () => {
    assert.deepEqual(applyFieldValidation('Warn', unknown, ['metadata.name']), [
      'unknown field "spec.foo"', 'unknown field "spec.template.spec.containers[0].imagePullPolice"',
      'duplicate field "metadata.name"',
    ]);
  });

  it('Ignore says nothing', () => {
    assert.deepEqual(applyFieldValidation('Ignore', unknown, ['metadata.name']), []);
  });

  it('does not report duplicates inside an unknown field, and keeps at most 100', () => {
    assert.deepEqual(applyFieldValidation('Warn', ['spec.foo'], ['spec.foo', 'spec.foo.bar', 'spec.foobar']),
      ['unknown field "spec.foo"', 'duplicate field "spec.foobar"']);
    const many = Array.from({ length: 150 }, (_, i) => `spec.f${i}`);
    assert.equal(applyFieldValidation('Warn', many, []).length, 100);
  });

  it('works end to end from a body', () => {
    const { value, duplicates } = parseBody('{"metadata":{"name":"a","name":"b"},"spec":{"replicas":1,"foo":true}}', 'json');
    const result = check(value);
    assert.deepEqual(applyFieldValidation('Warn', result.unknownFields, duplicates),
      ['unknown field "spec.foo"', 'duplicate field "metadata.name"']);
  });
});

describe('fieldValidationMode', () => {
  it('defaults to Warn and accepts the three modes', () => {
    assert.equal(fieldValidationMode(undefined, 'CreateOptions'), 'Warn');
    assert.equal(fieldValidationMode('', 'CreateOptions'), 'Warn');
    for (const mode of ['Strict', 'Warn', 'Ignore'] as const) assert.equal(fieldValidationMode(mode, 'PatchOptions'), mode);
  });

  it('rejects any other value as kube-apiserver does', () => {
    const error = apiError(() => fieldValidationMode('strict', 'CreateOptions'));
    assert.equal(error.code, 422);
    assert.equal(error.reason, 'Invalid');
    assert.equal(error.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": '
      + 'supported values: "", "Ignore", "Strict", "Warn"');
  });
});
