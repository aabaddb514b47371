// The clusterrole-aggregation controller's decision: an aggregated role's rules from the roles its selectors pick.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterRole } from '../../../apiserver/api/types.ts';
import { aggregatedRules, rulesUpToDate } from '../../../controllers/clusterrole-aggregation-plan.ts';

const role = (name: string, labels: Record<string, string>, resources: string[]): ClusterRole =>
  ({ metadata: { name, labels }, rules: resources.map((r) => ({ apiGroups: [''], resources: [r], verbs: ['get'] })) });

describe('aggregatedRules', () => {
  const monitoring: ClusterRole = {
    metadata: { name: 'monitoring' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
  };
  const pods = role('monitoring-pods', { 'rbac.example.com/aggregate-to-monitoring': 'true' }, ['pods']);
  const endpoints = role('monitoring-endpoints', { 'rbac.example.com/aggregate-to-monitoring': 'true' }, ['endpoints', 'pods']);
  const unrelated = role('other', {}, ['secrets']);

  it('collects the rules of the matching roles by name, each distinct rule once', () => {
    assert.deepEqual(aggregatedRules(monitoring, [pods, unrelated, endpoints, monitoring]), [
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ]);
  });

  it('leaves roles without an aggregationRule alone, and never feeds a role its own rules', () => {
    assert.equal(aggregatedRules(pods, [pods]), undefined);
    const self = { ...structuredClone(monitoring), metadata: { name: 'monitoring', labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }] };
    assert.deepEqual(aggregatedRules(self, [self]), []);
  });

  it('selects nothing with an empty selector list, and knows when the stored rules are current', () => {
    const none: ClusterRole = { metadata: { name: 'n' }, aggregationRule: { clusterRoleSelectors: [] } };
    assert.deepEqual(aggregatedRules(none, [pods]), []);
    assert.equal(rulesUpToDate({ metadata: { name: 'n' } }, []), true);
    assert.equal(rulesUpToDate({ ...monitoring, rules: pods.rules }, pods.rules!), true);
    assert.equal(rulesUpToDate(monitoring, pods.rules!), false);
  });
});
