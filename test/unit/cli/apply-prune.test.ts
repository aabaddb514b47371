// apply --prune's pure parts (which kinds, which objects) and Go's json.Indent, which view-last-applied -o json uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiObject } from '../../../apiserver/client/object.ts';
import { objectsToPrune, parsePruneAllowlist, pruneResources } from '../../../cli/commands/apply-prune.ts';
import { Discovery, type DiscoveredResource } from '../../../cli/discovery.ts';
import { CliError } from '../../../cli/errors.ts';
import { lastAppliedAnnotation } from '../../../cli/last-applied.ts';
import { goIndentJson } from '../../../cli/output/json-indent.ts';

function r(group: string, version: string, kind: string, plural: string, opts: Partial<DiscoveredResource> = {}): DiscoveredResource {
  return {
    group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [],
    verbs: ['get', 'list'], preferred: true, ...opts,
  };
}

// A server without Ingress or PersistentVolume, and with a second Deployment version.
const discovery = new Discovery([
  r('', 'v1', 'Namespace', 'namespaces', { namespaced: false }),
  r('', 'v1', 'ConfigMap', 'configmaps'),
  r('', 'v1', 'Secret', 'secrets'),
  r('', 'v1', 'Service', 'services'),
  r('', 'v1', 'Node', 'nodes', { namespaced: false }),
  r('apps', 'v1', 'Deployment', 'deployments'),
  r('apps', 'v1beta1', 'Deployment', 'deployments', { preferred: false }),
  r('batch', 'v1', 'Job', 'jobs'),
], ['v1', 'apps/v1', 'apps/v1beta1', 'batch/v1']);

const plurals = (rs: DiscoveredResource[]): string[] => rs.map((x) => `${x.group}/${x.version}/${x.plural}`);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof CliError);
    return e.message;
  }
  assert.fail('no error');
}

describe('apply --prune kinds', () => {
  it('the default allowlist in kubectl\'s order, namespaced then cluster-scoped, without kinds the server lacks', () => {
    const { namespaced, clusterScoped } = pruneResources(discovery, undefined);
    assert.deepEqual(plurals(namespaced), ['/v1/configmaps', '/v1/secrets', '/v1/services', 'batch/v1/jobs', 'apps/v1/deployments']);
    assert.deepEqual(plurals(clusterScoped), ['/v1/namespaces']);
  });

  it('--prune-allowlist: core for the core group, the scope from discovery, the kind as spelled or in lower case', () => {
    const kinds = parsePruneAllowlist(discovery, ['core/v1/ConfigMap', 'apps/v1beta1/Deployment', 'core/v1/namespace', '/v1/Secret']);
    assert.deepEqual(kinds, [
      { group: '', version: 'v1', kind: 'ConfigMap', namespaced: true },
      { group: 'apps', version: 'v1beta1', kind: 'Deployment', namespaced: true },
      { group: '', version: 'v1', kind: 'namespace', namespaced: false },
      { group: '', version: 'v1', kind: 'Secret', namespaced: true },
    ]);
    const { namespaced, clusterScoped } = pruneResources(discovery, kinds);
    assert.deepEqual(plurals(namespaced), ['/v1/configmaps', 'apps/v1beta1/deployments', '/v1/secrets']);
    assert.deepEqual(plurals(clusterScoped), ['/v1/namespaces']);
  });

  it('--prune-allowlist errors in kubectl\'s words', () => {
    assert.equal(message(() => parsePruneAllowlist(discovery, ['v1/ConfigMap'])), 'error: invalid GroupVersionKind format: v1/ConfigMap, please follow <group/version/kind>');
    assert.equal(message(() => parsePruneAllowlist(discovery, ['core/v1/ConfigMap,core/v1/Secret'])),
      'error: invalid GroupVersionKind format: core/v1/ConfigMap,core/v1/Secret, please follow <group/version/kind>');
    assert.equal(message(() => parsePruneAllowlist(discovery, ['core/v1/Foo'])), 'error: no matches for kind "Foo" in version "v1"');
    assert.equal(message(() => parsePruneAllowlist(discovery, ['apps/v2/Deployment'])), 'error: no matches for kind "Deployment" in version "apps/v2"');
    assert.equal(message(() => parsePruneAllowlist(discovery, ['core/v1/configmaps'])), 'error: no matches for kind "configmaps" in version "v1"');
    assert.equal(message(() => parsePruneAllowlist(discovery, ['core/v1/CONFIGMAP'])), 'error: no matches for kind "CONFIGMAP" in version "v1"');
  });
});

describe('apply --prune objects', () => {
  const obj = (name: string, uid: string, annotated: boolean): ApiObject => ({
    metadata: { name, uid, annotations: annotated ? { [lastAppliedAnnotation]: '{}\n' } : { other: 'x' } },
  });

  it('annotated objects not applied this time; never those created otherwise', () => {
    const items = [obj('kept', 'u1', true), obj('gone', 'u2', true), obj('created', 'u3', false), obj('gone-too', 'u4', true)];
    assert.deepEqual(objectsToPrune(items, new Set(['u1'])).map((o) => o.metadata?.name), ['gone', 'gone-too']);
    // A client dry run's new objects have no uid: nothing live matches it.
    assert.deepEqual(objectsToPrune(items, new Set([''])).map((o) => o.metadata?.name), ['kept', 'gone', 'gone-too']);
  });
});

describe('Go json.Indent', () => {
  it('re-indents without decoding: escapes and number spellings stay, empty containers stay compact', () => {
    const src = '{"a":{},"b":[],"c":[1,2.50,{"d":"\\u003cx\\u003e \\"q\\" ,:{"}],"e":null}\n';
    assert.equal(goIndentJson(src, '  '), `{
  "a": {},
  "b": [],
  "c": [
    1,
    2.50,
    {
      "d": "\\u003cx\\u003e \\"q\\" ,:{"
    }
  ],
  "e": null
}
`);
  });

  it('drops leading blanks and keeps trailing ones, as Go does', () => {
    assert.equal(goIndentJson(' \n{ "a" : 1 }  \n', '  '), '{\n  "a": 1\n}  \n');
  });
});
