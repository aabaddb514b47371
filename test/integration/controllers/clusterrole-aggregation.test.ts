// clusterrole-aggregation-controller against a real apiserver: an aggregated ClusterRole follows the roles its
// selectors pick as they appear, change, lose their label and go away; the built-in admin/edit/view fill up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { controllerFactories } from '../../../controllers/all.ts';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { waitFor } from '../../helpers/component.ts';
import { runControllers, type RunningControllers } from './harness.ts';

let api: TestApiserver;
let ctrl: RunningControllers;

before(async () => {
  api = await startApiserver();
  ctrl = await runControllers(api, [controllerFactories['clusterrole-aggregation-controller']]);
});
after(async () => {
  await ctrl.stop();
  await api.stop();
  api.cleanup();
});

const base = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
const label = 'rbac.example.com/aggregate-to-monitoring';
const rulesOf = (name: string, check: (rules: any[]) => boolean) => waitFor(`${name}'s rules`, async () => {
  const res = await api.request('GET', `${base}/${name}`);
  const rules = res.body?.rules ?? [];
  return res.status === 200 && check(rules) ? rules : undefined;
});
const resources = (rules: any[]) => rules.flatMap((r) => r.resources ?? []).sort();

describe('clusterrole-aggregation-controller', () => {
  it('fills admin, edit and view from the bootstrap aggregate-to roles', async () => {
    const view = await rulesOf('view', (r) => r.length > 0);
    assert.ok(resources(view).includes('pods/log'));
    assert.ok(!resources(view).includes('secrets'));
    const admin = await rulesOf('admin', (r) => resources(r).includes('rolebindings'));
    assert.ok(resources(admin).includes('secrets'));
  });

  it('follows the labelled roles as they come, change and go', async () => {
    await api.request('POST', base, { body: { metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] } } });
    await api.request('POST', base, { body: { metadata: { name: 'monitoring-pods', labels: { [label]: 'true' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } });
    await api.request('POST', base, { body: { metadata: { name: 'monitoring-svc', labels: { [label]: 'true' } }, rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }] } });
    await rulesOf('monitoring', (r) => resources(r).join() === 'pods,services');

    const changed = await api.request('PATCH', `${base}/monitoring-svc`, {
      body: { rules: [{ apiGroups: [''], resources: ['endpoints'], verbs: ['list'] }] }, contentType: 'application/merge-patch+json',
    });
    assert.equal(changed.status, 200, changed.text);
    await rulesOf('monitoring', (r) => resources(r).join() === 'endpoints,pods');

    await api.request('PATCH', `${base}/monitoring-pods`, { body: { metadata: { labels: { [label]: null } } }, contentType: 'application/merge-patch+json' });
    await rulesOf('monitoring', (r) => resources(r).join() === 'endpoints');
    await api.request('DELETE', `${base}/monitoring-svc`);
    await rulesOf('monitoring', (r) => r.length === 0);
  });

  it('puts the aggregate back when someone edits its rules', async () => {
    await api.request('POST', base, { body: { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: 'yes' } }] } } });
    await api.request('POST', base, { body: { metadata: { name: 'agg-part', labels: { agg: 'yes' } }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] } });
    await rulesOf('agg', (r) => resources(r).join() === 'deployments');
    await api.request('PATCH', `${base}/agg`, { body: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] }, contentType: 'application/merge-patch+json' });
    await rulesOf('agg', (r) => resources(r).join() === 'deployments');
  });
});
