// The pure parts of skiffctl's changing verbs: manifest reading, the last-applied annotation, label/annotation/taint
// arguments, drain's pod verdicts, rollout status lines, diff's secret masking and explain's word wrapping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Deployment, Pod, StatefulSet, Taint } from '../../../apiserver/api/types.ts';
import { maskSecrets } from '../../../cli/commands/diff.ts';
import { parseAnnotations } from '../../../cli/commands/annotate.ts';
import { parseLabels } from '../../../cli/commands/label.ts';
import { deploymentStatus, statefulSetStatus } from '../../../cli/commands/rollout-status.ts';
import { parseTaints, reorganize } from '../../../cli/commands/taint.ts';
import { planDrain } from '../../../cli/drain-plan.ts';
import { wrapString } from '../../../cli/explain-render.ts';
import { lastAppliedValue, withLastApplied } from '../../../cli/last-applied.ts';
import { parseManifests } from '../../../cli/manifests.ts';
import { splitResourcesAndPairs } from '../../../cli/metadata-pairs.ts';

describe('manifests', () => {
  it('splits documents, skips empty ones, flattens lists', () => {
    const entries = parseManifests('---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n', 'x.yaml');
    assert.deepEqual(entries.map((e) => e.object?.metadata?.name), ['a', 'b', 'c']);
    assert.ok(entries.every((e) => e.source === 'x.yaml'));
  });

  it('reads YAML as kubectl does: 0644 is octal, timestamps stay strings', () => {
    const [e] = parseManifests('apiVersion: v1\nkind: X\nmetadata: {name: a}\nmode: 0644\nat: 2024-01-02T03:04:05Z\n', 's');
    assert.equal((e.object as unknown as { mode: number }).mode, 420);
    assert.equal((e.object as unknown as { at: string }).at, '2024-01-02T03:04:05Z');
  });

  it('a syntax error ends the stream, naming the file and the line; documents before it stay', () => {
    const entries = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   x: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'bad.yaml');
    assert.equal(entries.length, 2);
    assert.equal(entries[0].object?.metadata?.name, 'a');
    assert.match(entries[1].error?.message ?? '', /^error: error parsing bad\.yaml: error converting YAML to JSON: yaml: line 8: /);
  });

  it('missing apiVersion or kind is kubectl\'s validation error', () => {
    const [e] = parseManifests('metadata: {name: a}\n', 'n.yaml');
    assert.equal(e.error?.message, 'error: error validating "n.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false');
  });
});

describe('last-applied configuration', () => {
  it('is Go\'s compact JSON with sorted keys, HTML escapes, an annotations map and a final newline', () => {
    const obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', namespace: 'default' }, data: { a: '<b>' } };
    assert.equal(lastAppliedValue(obj), '{"apiVersion":"v1","data":{"a":"\\u003cb\\u003e"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"x","namespace":"default"}}\n');
    const annotated = withLastApplied(obj);
    assert.equal(annotated.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], lastAppliedValue(obj));
    // Recording it again does not nest it.
    assert.equal(lastAppliedValue(annotated), lastAppliedValue(obj));
  });
});

describe('label, annotate and taint arguments', () => {
  it('resources come first, then pairs', () => {
    assert.deepEqual(splitResourcesAndPairs(['pods', 'a', 'x=1', 'y-'], 'label'), { resources: ['pods', 'a'], pairs: ['x=1', 'y-'] });
    assert.throws(() => splitResourcesAndPairs(['pods', 'x=1', 'a'], 'label'), /all resources must be specified before label changes: a/);
  });

  it('labels: one = and a valid value; no key both set and removed', () => {
    assert.deepEqual([...parseLabels(['a=1', 'b-']).set], [['a', '1']]);
    assert.throws(() => parseLabels(['a=b=c']), /invalid label spec: a=b=c/);
    assert.throws(() => parseLabels(['a=b c']), /invalid label value: "a=b c"/);
    assert.throws(() => parseLabels(['a=1', 'a-']), /can not both modify and remove a label/);
  });

  it('annotations: the value may hold =', () => {
    assert.deepEqual([...parseAnnotations(['url=http://x/?a=b']).set], [['url', 'http://x/?a=b']]);
    assert.throws(() => parseAnnotations(['=x', 'y']), /invalid annotation format: =x, y/);
  });

  it('taints: new first, old kept unless replaced; removal by key or key:effect', () => {
    const { add, remove } = parseTaints(['a=1:NoSchedule', 'b:NoExecute-']);
    assert.deepEqual(add, [{ key: 'a', value: '1', effect: 'NoSchedule' }]);
    assert.deepEqual(remove, [{ key: 'b', effect: 'NoExecute' }]);
    const old = [{ key: 'b', effect: 'NoExecute' as const }, { key: 'c', effect: 'NoSchedule' as const }];
    const r = reorganize(old, add, remove, false);
    assert.deepEqual(r.taints.map((t) => t.key), ['a', 'c']);
    assert.equal(r.operation, 'modified');
    assert.deepEqual(reorganize(old, [], [{ key: 'z' } as Taint], false).errors, ['taint "z" not found']);
    assert.throws(() => parseTaints(['a=1:Sometimes']), /invalid taint effect: Sometimes/);
  });
});

describe('drain verdicts', () => {
  const pod = (name: string, extra: Partial<Pod['metadata']> = {}, spec: Partial<NonNullable<Pod['spec']>> = {}, phase = 'Running'): Pod => ({
    metadata: { name, namespace: 'ns', ...extra }, spec: { containers: [], ...spec }, status: { phase },
  } as Pod);
  const owned = (kind: string): Partial<Pod['metadata']> => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'o', uid: 'u', controller: true }] });
  const flags = { ignoreDaemonSets: false, deleteEmptyDirData: false, force: false, skipDeletedAfterSeconds: 0 };
  const pods = [
    pod('managed', owned('ReplicaSet')),
    pod('ds', owned('DaemonSet')),
    pod('bare'),
    pod('scratch', owned('ReplicaSet'), { volumes: [{ name: 'v', emptyDir: {} }] }),
    pod('done', {}, {}, 'Succeeded'),
    pod('mirror', { annotations: { 'kubernetes.io/config.mirror': 'x' } }),
  ];

  it('refuses what the flags do not allow, grouped by reason', () => {
    const plan = planDrain(pods, flags, () => true);
    assert.deepEqual(plan.errors.sort(), [
      'cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ns/ds',
      'cannot delete Pods with local storage (use --delete-emptydir-data to override): ns/scratch',
      'cannot delete cannot delete Pods that declare no controller (use --force to override): ns/bare',
    ]);
  });

  it('with every flag: removes all but DaemonSet and mirror pods, warning about what it does', () => {
    const plan = planDrain(pods, { ...flags, ignoreDaemonSets: true, deleteEmptyDirData: true, force: true }, () => true);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.remove.map((p) => p.metadata?.name), ['managed', 'bare', 'scratch', 'done']);
    assert.equal(plan.warnings, 'ignoring DaemonSet-managed Pods: ns/ds; deleting Pods that declare no controller: ns/bare');
  });
});

describe('rollout status lines', () => {
  const d = (generation: number, status: Record<string, unknown>, replicas = 3): Deployment =>
    ({ metadata: { name: 'web', generation }, spec: { replicas }, status } as unknown as Deployment);

  it('deployments, in kubectl\'s order of checks', () => {
    assert.deepEqual(deploymentStatus(d(2, { observedGeneration: 1 }), 0), { message: 'Waiting for deployment spec update to be observed...\n', done: false });
    assert.equal(deploymentStatus(d(1, { observedGeneration: 1, updatedReplicas: 1 }), 0).message, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
    assert.equal(deploymentStatus(d(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 }), 0).message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n');
    assert.equal(deploymentStatus(d(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }), 0).message, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n');
    assert.deepEqual(deploymentStatus(d(1, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 0), { message: 'deployment "web" successfully rolled out\n', done: true });
    assert.throws(() => deploymentStatus(d(1, { observedGeneration: 1, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }), 0), /exceeded its progress deadline/);
  });

  it('stateful sets', () => {
    const sts = { metadata: { name: 'db', generation: 1 }, spec: { replicas: 2, updateStrategy: { type: 'RollingUpdate' } },
      status: { observedGeneration: 1, readyReplicas: 2, currentReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-1' } } as unknown as StatefulSet;
    assert.deepEqual(statefulSetStatus(sts), { message: 'statefulset rolling update complete 2 pods at revision db-1...\n', done: true });
  });
});

describe('diff', () => {
  it('masks secret values, telling changed ones apart', () => {
    const from = { kind: 'Secret', data: { same: 'YQ==', changed: 'Yg==' } };
    const to = { kind: 'Secret', data: { same: 'YQ==', changed: 'Yw==', added: 'ZA==' } };
    const [a, b] = maskSecrets(from, to) as unknown as { data: Record<string, string> }[];
    assert.deepEqual(a.data, { same: '***', changed: '*** (before)' });
    assert.deepEqual(b.data, { same: '***', changed: '*** (after)', added: '***' });
  });
});

describe('explain word wrapping (go-wordwrap)', () => {
  it('breaks at spaces before the limit, keeps long words whole, keeps newlines', () => {
    assert.equal(wrapString('aaa bbb ccc', 7), 'aaa bbb\nccc');
    assert.equal(wrapString('a verylongword b', 5), 'a\nverylongword\nb');
    assert.equal(wrapString('one\n\ntwo three', 5), 'one\n\ntwo\nthree');
  });
});
