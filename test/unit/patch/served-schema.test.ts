// Strategic merge patch against the definitions the apiserver serves (not the test fixture), so a change
// in how they carry the patch extensions shows up here.
import '../openapi/ensure-definitions.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSchema, schemaForKind } from '../../../apiserver/api/openapi/definitions.ts';
import { applyStrategicMergePatch } from '../../../apiserver/api/patch/strategic-merge-patch.ts';
import { createThreeWayMergePatch } from '../../../apiserver/api/patch/three-way.ts';

describe('strategic merge patch with the served definitions', () => {
  const deployment = schemaForKind('apps', 'v1', 'Deployment');

  it('finds the Deployment definition', () => assert.ok(deployment));

  it('merges containers by name, env by name, ports by containerPort, and honours strategy retainKeys', () => {
    const live = {
      spec: {
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
        template: { spec: {
          containers: [{ name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }, { containerPort: 443 }] }, { name: 'side', image: 's:1' }],
          volumes: [{ name: 'v', configMap: { name: 'cm' } }],
          tolerations: [{ key: 'x', operator: 'Exists' }],
        } },
      },
    };
    const patch = {
      spec: {
        strategy: { $retainKeys: ['type'], type: 'Recreate' },
        template: { spec: {
          '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }],
          containers: [{ name: 'app', image: 'a:2', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 443, $patch: 'delete' }] }],
          volumes: [{ name: 'v', emptyDir: {}, $retainKeys: ['emptyDir', 'name'] }],
          tolerations: [{ key: 'y', operator: 'Exists' }],
        } },
      },
    };
    assert.deepEqual(applyStrategicMergePatch(live, patch, deployment, resolveSchema), {
      spec: {
        strategy: { type: 'Recreate' },
        template: { spec: {
          containers: [{ name: 'app', image: 'a:2', env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }], ports: [{ containerPort: 80 }] }, { name: 'side', image: 's:1' }],
          volumes: [{ name: 'v', emptyDir: {} }],
          tolerations: [{ key: 'y', operator: 'Exists' }],
        } },
      },
    });
  });

  it('computes kubectl\'s three-way patch from the served definitions', () => {
    const last = { metadata: { finalizers: ['a'] }, spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } } };
    const manifest = { metadata: { finalizers: ['b'] }, spec: { template: { spec: { containers: [{ name: 'app', image: 'a:2' }] } } } };
    const live = { metadata: { finalizers: ['a'] }, spec: { template: { spec: { containers: [{ name: 'app', image: 'a:1', imagePullPolicy: 'Always' }] } } } };
    assert.deepEqual(createThreeWayMergePatch(last, manifest, live, deployment, resolveSchema), {
      metadata: { finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'], '$setElementOrder/finalizers': ['b'] },
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ name: 'app', image: 'a:2' }] } } },
    });
  });
});
