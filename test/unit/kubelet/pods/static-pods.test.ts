import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isMirrorPod, isStaticPod, mirrorOf, staticPodFrom } from '../../../../kubelet/pods/static-pods.ts';

const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: etcd, namespace: kube-system}\nspec:\n  containers: [{name: etcd, image: etcd:3.5}]\n';

it('names a static pod after its node, with a uid hashed from manifest and node', () => {
  const a = staticPodFrom(text, 'etcd.yaml', 'node-1');
  assert.equal(a.metadata?.name, 'etcd-node-1');
  assert.equal(a.metadata?.namespace, 'kube-system');
  assert.equal(a.spec?.nodeName, 'node-1');
  assert.ok(isStaticPod(a));
  assert.equal(a.metadata?.uid, staticPodFrom(text, 'etcd.yaml', 'node-1').metadata?.uid, 'the same file gives the same uid');
  assert.notEqual(a.metadata?.uid, staticPodFrom(text, 'etcd.yaml', 'node-2').metadata?.uid);
  assert.notEqual(a.metadata?.uid, staticPodFrom(text.replace('3.5', '3.6'), 'etcd.yaml', 'node-1').metadata?.uid);
  assert.equal(a.spec?.restartPolicy, 'Always', 'defaulted as the apiserver would');
});

it('refuses manifests that are not exactly one v1 Pod', () => {
  assert.throws(() => staticPodFrom('kind: Service\napiVersion: v1\nmetadata: {name: x}\n', 'x.yaml', 'n'), /not a v1 Pod/);
  assert.throws(() => staticPodFrom(`${text}---\n${text}`, 'x.yaml', 'n'), /exactly one/);
  assert.throws(() => staticPodFrom('kind: Pod\napiVersion: v1\nspec: {containers: []}\n', 'x.yaml', 'n'), /metadata.name/);
  assert.throws(() => staticPodFrom('kind: Pod\n  bad: [', 'x.yaml', 'n'), /x\.yaml/);
});

it('mirrors it without its uid, marked with its hash, owned by its node', () => {
  const pod = staticPodFrom(text, 'etcd.yaml', 'node-1');
  const m = mirrorOf(pod, { metadata: { name: 'node-1', uid: 'n-uid' } });
  assert.equal(m.metadata?.uid, undefined);
  assert.deepEqual(m.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'n-uid', controller: true }]);
  assert.equal(m.metadata?.annotations?.['kubernetes.io/config.mirror'], pod.metadata?.uid);
  assert.ok(isMirrorPod(m));
  assert.ok(!isMirrorPod(pod));
});
