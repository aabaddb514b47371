// Resource resolution: what kubectl accepts after a verb, against a server's discovery data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Discovery, kindPrefix, qualifiedPlural, type DiscoveredResource } from '../../../cli/discovery.ts';
import { CliError } from '../../../cli/errors.ts';
import { parseResourceArgs, resolveResourceArgs, resolveType } from '../../../cli/resolve.ts';
import { closest, editDistance } from '../../../cli/suggest.ts';

function r(group: string, version: string, kind: string, plural: string, opts: Partial<DiscoveredResource> = {}): DiscoveredResource {
  return {
    group, version, kind, plural, singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [],
    verbs: ['get', 'list'], preferred: true, ...opts,
  };
}

const discovery = new Discovery([
  r('', 'v1', 'Pod', 'pods', { shortNames: ['po'], categories: ['all'] }),
  r('', 'v1', 'Node', 'nodes', { shortNames: ['no'], namespaced: false }),
  r('', 'v1', 'Service', 'services', { shortNames: ['svc'], categories: ['all'] }),
  r('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  r('apps', 'v1', 'Deployment', 'deployments', { shortNames: ['deploy'], categories: ['all'] }),
  r('apps', 'v1beta1', 'Deployment', 'deployments', { preferred: false }),
  r('events.k8s.io', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  r('batch', 'v1', 'Job', 'jobs', { categories: ['all'] }),
], ['v1', 'apps/v1', 'apps/v1beta1', 'events.k8s.io/v1', 'batch/v1']);

const names = (rs: DiscoveredResource[]): string[] => rs.map((x) => `${x.group}/${x.version}/${x.plural}`);

describe('resource resolution', () => {
  it('plural, singular, short name and kind, in any case', () => {
    for (const t of ['pods', 'pod', 'po', 'Pod', 'PODS']) assert.deepEqual(names(resolveType(discovery, t)), ['/v1/pods'], t);
    assert.deepEqual(names(resolveType(discovery, 'deploy')), ['apps/v1/deployments']);
  });

  it('group-qualified and version-qualified forms', () => {
    assert.deepEqual(names(resolveType(discovery, 'deployments.apps')), ['apps/v1/deployments']);
    assert.deepEqual(names(resolveType(discovery, 'deployment.apps')), ['apps/v1/deployments']);
    assert.deepEqual(names(resolveType(discovery, 'deployments.v1beta1.apps')), ['apps/v1beta1/deployments']);
    assert.deepEqual(names(resolveType(discovery, 'events.events.k8s.io')), ['events.k8s.io/v1/events']);
    assert.deepEqual(names(resolveType(discovery, 'pods.')), ['/v1/pods']);
  });

  it('the core group wins an ambiguous name, as in kubectl', () => {
    assert.deepEqual(names(resolveType(discovery, 'events')), ['/v1/events']);
  });

  it('`all` is the category', () => {
    assert.deepEqual(names(resolveType(discovery, 'all')), ['/v1/pods', '/v1/services', 'apps/v1/deployments', 'batch/v1/jobs']);
  });

  it('unknown types: kubectl\'s message and the closest name', () => {
    const err = (t: string): string => {
      try {
        resolveType(discovery, t);
      } catch (e) {
        assert.ok(e instanceof CliError);
        return e.message;
      }
      throw new Error('resolved');
    };
    assert.equal(err('podz'), 'error: the server doesn\'t have a resource type "podz"; did you mean "pods"?');
    assert.equal(err('deploymnt'), 'error: the server doesn\'t have a resource type "deploymnt"; did you mean "deployments"?');
    assert.equal(err('sv'), 'error: the server doesn\'t have a resource type "sv"; did you mean "services"?');
    assert.equal(err('qqqqqqqq'), 'error: the server doesn\'t have a resource type "qqqqqqqq"');
  });

  it('argument forms: TYPE NAME..., TYPE,TYPE, TYPE/NAME...', () => {
    assert.deepEqual(parseResourceArgs(['pods', 'a', 'b']), { form: 'types', types: ['pods'], names: ['a', 'b'] });
    assert.deepEqual(parseResourceArgs(['pods,svc']), { form: 'types', types: ['pods', 'svc'], names: [] });
    assert.deepEqual(parseResourceArgs(['po/a', 'svc/b']), { form: 'pairs', pairs: [{ type: 'po', name: 'a' }, { type: 'svc', name: 'b' }] });
    assert.throws(() => parseResourceArgs(['pods', 'po/a']), /there is no need to specify a resource type as a separate argument/);
    assert.throws(() => parseResourceArgs(['pods/']), /arguments in resource\/name form must have a single resource and name/);
    const targets = resolveResourceArgs(discovery, parseResourceArgs(['pods,deploy,po', 'web']));
    assert.deepEqual(targets.map((t) => [t.resource.plural, t.names]), [['pods', ['web']], ['deployments', ['web']]]);
  });

  it('names as kubectl prints them', () => {
    const [deploy] = resolveType(discovery, 'deploy');
    const [pods] = resolveType(discovery, 'po');
    assert.equal(kindPrefix(deploy), 'deployment.apps');
    assert.equal(kindPrefix(pods), 'pod');
    assert.equal(qualifiedPlural(deploy), 'deployments.apps');
  });

  it('edit distance and the closeness rule', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(closest('confgimaps', ['configmaps', 'pods']), 'configmaps');
    assert.equal(closest('zzz', ['pods']), undefined);
    assert.equal(closest('deplo', ['services', 'deployments']), 'deployments');
  });
});
