// The ServiceAccount default a pod gets on create (kube's ServiceAccount admission plugin), in the pod strategy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, Pod } from '../../../apiserver/api/types.ts';
import { podStrategy } from '../../../apiserver/registry/strategies/pod.ts';

function created(pod: Pod): Pod {
  const obj = pod as unknown as KubeObject;
  podStrategy.default!(obj);
  podStrategy.prepareForCreate!(obj);
  return pod;
}

const pod = (spec: Partial<Pod['spec']> = {}, annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', annotations },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec },
});

describe('pod ServiceAccount default', () => {
  it('a pod naming no account runs as default, under both field names', () => {
    const p = created(pod());
    assert.equal(p.spec!.serviceAccountName, 'default');
    assert.equal(p.spec!.serviceAccount, 'default');
  });

  it('an account the pod names is kept, whichever field names it', () => {
    assert.equal(created(pod({ serviceAccountName: 'builder' })).spec!.serviceAccountName, 'builder');
    const legacy = created(pod({ serviceAccount: 'old' }));
    assert.equal(legacy.spec!.serviceAccountName, 'old');
    assert.equal(legacy.spec!.serviceAccount, 'old');
  });

  it('mirror pods are left as their kubelet wrote them', () => {
    const p = created(pod({ nodeName: 'n1' }, { 'kubernetes.io/config.mirror': 'hash' }));
    assert.equal(p.spec!.serviceAccountName, undefined);
  });

  it('an update does not add the default', () => {
    const old = pod();
    const next = pod();
    podStrategy.default!(next as unknown as KubeObject);
    podStrategy.prepareForUpdate!(next as unknown as KubeObject, old as unknown as KubeObject);
    assert.equal(next.spec!.serviceAccountName, undefined);
  });
});
