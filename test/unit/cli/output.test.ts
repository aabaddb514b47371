// Go-compatible value formatting, -o parsing, object printing and kubectl-style argv handling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatError, CliError } from '../../../cli/errors.ts';
import { parseOutputFormat } from '../../../cli/output/format.ts';
import { goJson, goSprint } from '../../../cli/output/go-values.ts';
import { ObjectPrinter, objectName, toJson, toYaml } from '../../../cli/output/objects.ts';
import { normalizeArgv } from '../../../cli/program.ts';
import { naturalLess, Sorter } from '../../../cli/output/sort.ts';
import { ApiStatusError } from '../../../apiserver/client/status-error.ts';

describe('Go value formatting', () => {
  it('fmt.Sprint of decoded JSON', () => {
    assert.equal(goSprint({ b: [1, 'x'], a: { c: true } }), 'map[a:map[c:true] b:[1 x]]');
    assert.equal(goSprint(1234567.5), '1.2345675e+06');
    assert.equal(goSprint(0.00001), '1e-05');
    assert.equal(goSprint(null), '<nil>');
  });

  it('encoding/json: sorted keys, HTML-safe escapes, 4-space indent for -o json', () => {
    assert.equal(goJson({ b: 1, a: '<&>' }), '{"a":"\\u003c\\u0026\\u003e","b":1}');
    assert.equal(toJson({ items: [], metadata: {}, kind: 'List' }), '{\n    "items": [],\n    "kind": "List",\n    "metadata": {}\n}\n');
    assert.equal(goJson(1e21), '1e+21');
    assert.equal(goJson(0.5), '0.5');
  });

  it('kubectl\'s YAML: sorted keys, unindented lists, quoted strings that would read as other types', () => {
    assert.equal(toYaml({ metadata: { name: 'x', creationTimestamp: '2024-01-01T00:00:00Z' }, data: { a: '1', b: 'true', c: 'yes', d: '' }, list: ['a'] }),
      'data:\n  a: "1"\n  b: "true"\n  c: "yes"\n  d: ""\nlist:\n- a\nmetadata:\n  creationTimestamp: "2024-01-01T00:00:00Z"\n  name: x\n');
  });
});

describe('-o', () => {
  it('parses every format and rejects unknown ones with kubectl\'s message', () => {
    assert.deepEqual(parseOutputFormat(undefined), { type: 'table', wide: false });
    assert.deepEqual(parseOutputFormat('wide'), { type: 'table', wide: true });
    assert.equal(parseOutputFormat('jsonpath={.a}').type, 'jsonpath');
    assert.equal(parseOutputFormat('custom-columns=A:.a').type, 'custom-columns');
    assert.throws(() => parseOutputFormat('xml'), /unable to match a printer suitable for the output format "xml"/);
    assert.throws(() => parseOutputFormat('jsonpath={.a'), /error parsing jsonpath \{\.a, unclosed action/);
    assert.throws(() => parseOutputFormat('jsonpath='), /template format specified but no template given/);
  });

  it('prints one object alone, several as a List, names with the group', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } };
    const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };
    assert.equal(objectName(pod), 'pod/a');
    assert.equal(objectName(deploy), 'deployment.apps/web');
    let out = '';
    const printer = new ObjectPrinter({ type: 'yaml' }, (t) => { out += t; });
    printer.print([pod], true);
    printer.print([pod, deploy], false);
    assert.match(out, /^apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nitems:\n- apiVersion: v1\n/);
    assert.match(out, /kind: List\nmetadata:\n  resourceVersion: ""\n$/);
  });
});

describe('--sort-by', () => {
  it('natural order for strings, numeric for numbers, missing values first, stable', () => {
    assert.equal(naturalLess('pod-2', 'pod-10'), true);
    assert.equal(naturalLess('pod-10', 'pod-2'), false);
    assert.equal(naturalLess('a', 'b'), true);
    const items = [{ n: 'pod-10', v: 3 }, { n: 'pod-2', v: 10 }, { n: 'x' }, { n: 'pod-2b', v: 3 }];
    assert.deepEqual(new Sorter('.n').sort(items).map((i) => i.n), ['pod-2', 'pod-2b', 'pod-10', 'x']);
    assert.deepEqual(new Sorter('{.v}').sort(items).map((i) => i.n), ['x', 'pod-10', 'pod-2b', 'pod-2']);
  });
});

describe('errors and argv', () => {
  it('server errors in kubectl\'s words', () => {
    const notFound = new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 404, reason: 'NotFound', message: 'pods "x" not found' });
    assert.equal(formatError(notFound), 'Error from server (NotFound): pods "x" not found');
    const unauthorized = new ApiStatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    assert.equal(formatError(unauthorized), 'error: You must be logged in to the server (Unauthorized)');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    assert.equal(formatError(refused, 'https://127.0.0.1:1'), 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
    assert.equal(formatError(new Error('boom')), 'error: boom');
    assert.equal(formatError(new CliError('Error in configuration: x')), 'Error in configuration: x');
  });

  it('accepts pflag\'s -x=value form', () => {
    assert.deepEqual(normalizeArgv(['get', 'pods', '-n=kube-system', '-o=json', '-v=6', '--', '-n=x']), ['get', 'pods', '-n', 'kube-system', '-o', 'json', '-v', '6', '--', '-n=x']);
    const booleans = new Set(['--all-namespaces', '-A', '--show-labels']);
    assert.deepEqual(normalizeArgv(['get', 'pods', '--all-namespaces=true', '--show-labels=false', '-A=true'], booleans), ['get', 'pods', '--all-namespaces', '-A']);
  });
});
