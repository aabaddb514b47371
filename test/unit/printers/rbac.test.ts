// kubectl get rolebindings / clusterrolebindings / roles / clusterroles tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { printerFor } from '../../../apiserver/server/printers/index.ts';
import { ago, columnNames, row } from './helpers.ts';

describe('RBAC printers', () => {
  it('rolebindings: NAME ROLE AGE, wide adds USERS GROUPS SERVICEACCOUNTS', () => {
    for (const plural of ['rolebindings', 'clusterrolebindings']) {
      const printer = printerFor('rbac.authorization.k8s.io', plural);
      assert.deepEqual(columnNames(printer), { standard: ['Name', 'Role', 'Age'], wide: ['Users', 'Groups', 'ServiceAccounts'] });
    }
    const printer = printerFor('rbac.authorization.k8s.io', 'rolebindings');
    assert.deepEqual(row(printer, {
      metadata: { name: 'readers', namespace: 'dev', creationTimestamp: ago({ m: 3 }) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
      subjects: [
        { kind: 'User', name: 'jane' }, { kind: 'User', name: 'bob' }, { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'dev' }, { kind: 'ServiceAccount', name: 'local' },
      ],
    }), { Name: 'readers', Role: 'Role/pod-reader', Age: '3m', Users: 'jane, bob', Groups: 'devs', ServiceAccounts: 'dev/builder, /local' });
  });

  it('roles and clusterroles: NAME CREATED AT', () => {
    for (const plural of ['roles', 'clusterroles']) {
      const printer = printerFor('rbac.authorization.k8s.io', plural);
      assert.deepEqual(columnNames(printer), { standard: ['Name', 'Created At'], wide: [] });
      assert.deepEqual(row(printer, { metadata: { name: 'view', creationTimestamp: '2024-05-01T11:00:00Z' } }),
        { Name: 'view', 'Created At': '2024-05-01T11:00:00Z' });
    }
  });
});
