import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDefaultTolerations } from '../../../apiserver/admission/default-toleration-seconds.ts';
import type { Pod, Toleration } from '../../../apiserver/api/types.ts';
import { podStrategy } from '../../../apiserver/registry/strategies/pod.ts';

const pod = (tolerations?: Toleration[]): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }], tolerations } });
const defaults: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

describe('DefaultTolerationSeconds', () => {
  it('a pod without tolerations gets both, 300 s each', () => {
    const p = pod();
    addDefaultTolerations(p);
    assert.deepEqual(p.spec?.tolerations, defaults);
  });

  it('a pod that says something about one keeps its own and gets the other', () => {
    const own: Toleration = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 };
    const p = pod([own]);
    addDefaultTolerations(p);
    assert.deepEqual(p.spec?.tolerations, [own, defaults[0]]);
  });

  it('an empty key or an empty effect speaks for every taint; other effects speak for none of these', () => {
    const all = pod([{ operator: 'Exists' }]);
    addDefaultTolerations(all);
    assert.deepEqual(all.spec?.tolerations, [{ operator: 'Exists' }]);
    const anyEffect = pod([{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }]);
    addDefaultTolerations(anyEffect);
    assert.equal(anyEffect.spec?.tolerations?.length, 2);
    const noSchedule = pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }]);
    addDefaultTolerations(noSchedule);
    assert.equal(noSchedule.spec?.tolerations?.length, 3);
  });

  it('a toleration with a value that matches no real taint still stops the default (as kube)', () => {
    const p = pod([{ key: 'node.kubernetes.io/unreachable', operator: 'Equal', value: 'x', effect: 'NoExecute' }]);
    addDefaultTolerations(p);
    assert.equal(p.spec?.tolerations?.length, 2);
  });

  it('the pod strategy applies it on create and on update, and it is idempotent', () => {
    const p = pod();
    podStrategy.prepareForCreate?.(p as never);
    assert.deepEqual(p.spec?.tolerations, defaults);
    podStrategy.prepareForCreate?.(p as never);
    assert.deepEqual(p.spec?.tolerations, defaults);
    const updated = pod();
    podStrategy.prepareForUpdate?.(updated as never, p as never);
    assert.deepEqual(updated.spec?.tolerations, defaults);
  });
});
