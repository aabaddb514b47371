import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  containerLabels, containerName, labels, nodeFilter, parseLabels, parseName, sandboxLabels, sandboxName,
} from '../../../kubelet/runtime/naming.ts';
import { canonicalJson, containerSpecHash } from '../../../kubelet/runtime/spec-hash.ts';

const pod = { name: 'web-7d4b9c-x2x9q', namespace: 'default', uid: '3f1c9a52-8b1e-4f0e-9d7a-2b6c1e5f9a10' };

describe('Docker names', () => {
  test('sandbox: k8s_POD_<pod>_<namespace>_<uid>_<attempt>', () => {
    assert.equal(sandboxName(pod, 0), `k8s_POD_web-7d4b9c-x2x9q_default_${pod.uid}_0`);
  });

  test('container: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>', () => {
    assert.equal(containerName(pod, 'nginx', 3), `k8s_nginx_web-7d4b9c-x2x9q_default_${pod.uid}_3`);
  });

  test('pod names with dots (DNS-1123 subdomains) are fine', () => {
    const p = { ...pod, name: 'etcd.node-1.example' };
    assert.deepEqual(parseName(containerName(p, 'etcd', 1))?.pod, p);
  });

  test('parse back, with or without Docker\'s leading slash', () => {
    const parsed = parseName(`/${containerName(pod, 'nginx', 12)}`);
    assert.deepEqual(parsed, { type: 'container', containerName: 'nginx', pod, attempt: 12 });
    assert.deepEqual(parseName(sandboxName(pod, 2)), { type: 'podsandbox', containerName: 'POD', pod, attempt: 2 });
  });

  test('names Skiff did not make do not parse', () => {
    for (const name of [
      'nginx', 'k8s_a_b_c_d', 'k8s_a_b_c_d_e_f', 'k9s_a_b_c_d_1', 'k8s_a_b_c_d_-1', 'k8s_a_b_c_d_01', 'k8s_a_b_c_d_x',
      'k8s__b_c_d_1', 'k8s_a_b_c_d_1.5', '/k8s_a b_c_d_e_1', 'k8s_a_b_c_d_99999999999999999999',
    ]) {
      assert.equal(parseName(name), undefined, name);
    }
  });

  test('a part that could break the name is refused, not mangled', () => {
    assert.throws(() => containerName({ ...pod, name: 'a_b' }, 'c', 0), /DNS-1123/);
    assert.throws(() => containerName(pod, 'c/d', 0), /DNS-1123/);
    assert.throws(() => containerName({ ...pod, namespace: '' }, 'c', 0), /DNS-1123/);
    assert.throws(() => containerName(pod, 'c', -1), /attempt/);
    assert.throws(() => containerName(pod, 'POD', 0), /reserved/);
  });

  test('property: parse(name(x)) == x for any DNS-1123 parts', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
    const subdomain = fc.array(label, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
    fc.assert(fc.property(label, subdomain, label, fc.uuid(), fc.nat(), (ctr, name, namespace, uid, attempt) => {
      const p = { name, namespace, uid };
      assert.deepEqual(parseName(containerName(p, ctr, attempt)), { type: 'container', containerName: ctr, pod: p, attempt });
      assert.deepEqual(parseName(sandboxName(p, attempt)), { type: 'podsandbox', containerName: 'POD', pod: p, attempt });
    }));
  });
});

describe('labels', () => {
  test('a sandbox carries the pod identity, its type and attempt, and the node', () => {
    assert.deepEqual(sandboxLabels({ pod, attempt: 1, nodeName: 'node-1', terminationGracePeriodSeconds: 30 }), {
      'io.kubernetes.pod.name': pod.name,
      'io.kubernetes.pod.namespace': 'default',
      'io.kubernetes.pod.uid': pod.uid,
      'io.kubernetes.container.name': 'POD',
      'io.kubernetes.container.restartCount': '1',
      'io.kubernetes.docker.type': 'podsandbox',
      'io.kubernetes.pod.terminationGracePeriod': '30',
      'skiff.node': 'node-1',
    });
  });

  test('an app container also carries its sandbox, spec hash and termination message settings', () => {
    const l = containerLabels({
      pod, containerName: 'nginx', restartCount: 4, nodeName: 'node-1', sandboxId: 'abc123', specHash: 'deadbeef',
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', terminationGracePeriodSeconds: 5,
    });
    assert.equal(l[labels.type], 'container');
    assert.equal(l[labels.containerName], 'nginx');
    assert.equal(l[labels.restartCount], '4');
    assert.equal(l[labels.sandboxId], 'abc123');
    assert.equal(l[labels.specHash], 'deadbeef');
    assert.equal(l[labels.node], 'node-1');
    assert.equal(l[labels.terminationMessagePath], '/dev/termination-log');
  });

  test('labels read back into the identity a restarted kubelet adopts by', () => {
    const l = containerLabels({ pod, containerName: 'nginx', restartCount: 4, nodeName: 'n', sandboxId: 's', specHash: 'h' });
    assert.deepEqual(parseLabels(l), {
      type: 'container', pod, containerName: 'nginx', attempt: 4, nodeName: 'n', sandboxId: 's', specHash: 'h',
      terminationMessagePath: undefined, terminationMessagePolicy: undefined, terminationGracePeriodSeconds: undefined,
    });
    const s = parseLabels(sandboxLabels({ pod, attempt: 0, nodeName: 'n', terminationGracePeriodSeconds: 30 }));
    assert.equal(s?.type, 'podsandbox');
    assert.equal(s?.containerName, 'POD');
    assert.equal(s?.sandboxId, undefined);
    assert.equal(s?.terminationGracePeriodSeconds, 30);
  });

  test('containers missing Skiff labels are not adopted', () => {
    const l = containerLabels({ pod, containerName: 'c', restartCount: 0, nodeName: 'n', sandboxId: 's', specHash: 'h' });
    for (const key of [labels.type, labels.podUid, labels.node, labels.restartCount, labels.containerName]) {
      const partial = { ...l };
      delete partial[key];
      assert.equal(parseLabels(partial), undefined, key);
    }
    assert.equal(parseLabels({ ...l, [labels.type]: 'other' }), undefined);
    assert.equal(parseLabels({ ...l, [labels.restartCount]: 'x' }), undefined);
  });

  test('the node filter selects one kubelet\'s containers', () => {
    assert.deepEqual(nodeFilter('node-2'), { 'skiff.node': 'node-2' });
  });
});

describe('container spec hash', () => {
  test('stable across key order and undefined fields', () => {
    const a = { name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }] };
    const b = { ports: [{ protocol: 'TCP', containerPort: 80 }], image: 'nginx:1.25', name: 'web', command: undefined };
    assert.equal(containerSpecHash(a), containerSpecHash(b));
    assert.match(containerSpecHash(a), /^[0-9a-f]{16}$/);
  });

  test('changes when the spec changes', () => {
    const a = { name: 'web', image: 'nginx:1.25' };
    assert.notEqual(containerSpecHash(a), containerSpecHash({ ...a, image: 'nginx:1.26' }));
    assert.notEqual(containerSpecHash(a), containerSpecHash({ ...a, args: ['-g'] }));
    assert.notEqual(containerSpecHash({ ...a, args: ['a', 'b'] }), containerSpecHash({ ...a, args: ['b', 'a'] }));
  });

  test('canonical JSON', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: undefined }] }), '{"a":[true,null,{"d":"x"}],"b":1}');
  });
});
