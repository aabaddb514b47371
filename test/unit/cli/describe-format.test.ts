// kubectl describe's building blocks, and whole layouts rendered from plain objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeEvents, printLabelsMultiline, printTolerationsMultiline, quantityString, rfc1123z } from '../../../cli/describe/format.ts';
import { renderGeneric, smartLabelFor } from '../../../cli/describe/generic.ts';
import { describeProbe } from '../../../cli/describe/pod-spec.ts';
import { renderPod } from '../../../cli/describe/pod.ts';
import { PrefixWriter } from '../../../cli/describe/prefix-writer.ts';

describe('describe formatting', () => {
  it('smart labels for the generic describer', () => {
    assert.equal(smartLabelFor('creationTimestamp'), 'Creation Timestamp');
    assert.equal(smartLabelFor('apiVersion'), 'API Version');
    assert.equal(smartLabelFor('uid'), 'UID');
    assert.equal(smartLabelFor('clusterIPs'), 'Cluster I Ps');
    assert.equal(smartLabelFor('app.kubernetes.io/name'), 'app.kubernetes.io/name');
  });

  it('times, quantities and probes', () => {
    assert.match(rfc1123z('2024-01-01T00:00:00Z'), /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
    assert.equal(quantityString('0.5'), '500m');
    assert.equal(quantityString('1024Mi'), '1Gi');
    assert.equal(describeProbe({ httpGet: { path: '/healthz', port: 8080 } }), 'http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3');
    assert.equal(describeProbe({ exec: { command: ['cat', '/tmp/ok'] }, periodSeconds: 5 }), 'exec [cat /tmp/ok] delay=0s timeout=1s period=5s #success=1 #failure=3');
  });

  it('labels and tolerations on continuation lines', () => {
    const w = new PrefixWriter();
    printLabelsMultiline(w, 'Labels', { b: '2', a: '1' });
    printTolerationsMultiline(w, 'Tolerations', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { operator: 'Exists' },
    ]);
    assert.equal(w.toString(), 'Labels:       a=1\n              b=2\nTolerations:  op=Exists\n              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n');
  });

  it('events: none, or a table with "(xN over ...)" for repeated ones', () => {
    const now = Date.parse('2024-01-01T01:00:00Z');
    const w = new PrefixWriter();
    describeEvents([
      { metadata: {}, involvedObject: {}, type: 'Warning', reason: 'BackOff', message: ' Back-off ', count: 3, firstTimestamp: '2024-01-01T00:50:00Z', lastTimestamp: '2024-01-01T00:59:00Z', source: { component: 'kubelet' } },
      { metadata: {}, involvedObject: {}, type: 'Normal', reason: 'Scheduled', message: 'ok', count: 1, firstTimestamp: '2024-01-01T00:40:00Z', lastTimestamp: '2024-01-01T00:40:00Z', reportingComponent: 'default-scheduler' },
    ], w, now);
    assert.equal(w.toString(), [
      'Events:',
      '  Type     Reason     Age                From               Message',
      '  ----     ------     ----               ----               -------',
      '  Normal   Scheduled  20m                default-scheduler  ok',
      '  Warning  BackOff    60s (x3 over 10m)  kubelet            Back-off',
      '',
    ].join('\n'));
    const none = new PrefixWriter();
    describeEvents([], none);
    assert.equal(none.toString(), 'Events:  <none>\n');
  });

  it('a pending pod, as kubectl describes it', () => {
    const text = renderPod({
      metadata: { name: 'p', namespace: 'default', labels: { app: 'p' } },
      spec: { serviceAccountName: 'default', containers: [{ name: 'c', image: 'busybox', args: ['sleep', '1'] }] },
      status: { phase: 'Pending', qosClass: 'BestEffort' },
    }, [], Date.now());
    assert.equal(text, [
      'Name:             p',
      'Namespace:        default',
      'Service Account:  default',
      'Node:             <none>',
      'Labels:           app=p',
      'Annotations:      <none>',
      'Status:           Pending',
      'IP:               ',
      'IPs:              <none>',
      'Containers:',
      '  c:',
      '    Image:      busybox',
      '    Port:       <none>',
      '    Host Port:  <none>',
      '    Args:',
      '      sleep',
      '      1',
      '    Environment:  <none>',
      '    Mounts:       <none>',
      'Volumes:          <none>',
      'QoS Class:        BestEffort',
      'Node-Selectors:   <none>',
      'Tolerations:      <none>',
      'Events:           <none>',
      '',
    ].join('\n'));
  });

  it('the generic layout walks every field', () => {
    const text = renderGeneric({ apiVersion: 'v1', kind: 'Thing', metadata: { name: 't', namespace: 'n', uid: 'u1' }, spec: { sizeLimit: 3, items: ['a'] } } as never, undefined, Date.now());
    assert.equal(text, [
      'Name:         t',
      'Namespace:    n',
      'Labels:       <none>',
      'Annotations:  <none>',
      'API Version:  v1',
      'Kind:         Thing',
      'Metadata:',
      '  UID:  u1',
      'Spec:',
      '  Items:',
      '    a',
      '  Size Limit:  3',
      '',
    ].join('\n'));
  });
});
