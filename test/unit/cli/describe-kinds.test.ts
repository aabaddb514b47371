// The pure parts of the per-kind describers: endpoint lists, quota and limit range tables, secret sizes, service
// account secrets, claim users, index lists, and whole layouts for cases the integration tests can't reach (Skiff
// serves no EndpointSlices; kubectl's key order is random).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boolPtr, goList, printNamesMultiline } from '../../../cli/describe/format.ts';
import { renderHorizontalPodAutoscaler } from '../../../cli/describe/horizontalpodautoscaler.ts';
import { capIndexes, selectorLine } from '../../../cli/describe/job.ts';
import { describeLimitRanges, describeResourceQuotas, renderNamespace } from '../../../cli/describe/namespace.ts';
import { renderPersistentVolume } from '../../../cli/describe/persistentvolume.ts';
import { podsUsingClaim } from '../../../cli/describe/persistentvolumeclaim.ts';
import { describeTopologySpreadConstraints } from '../../../cli/describe/pod-spec.ts';
import { PrefixWriter } from '../../../cli/describe/prefix-writer.ts';
import { renderSecret } from '../../../cli/describe/secret.ts';
import { formatEndpointSlices, renderService } from '../../../cli/describe/service.ts';
import { accountSecrets, renderServiceAccount } from '../../../cli/describe/serviceaccount.ts';

const ready = (ip: string, isReady?: boolean): { addresses: string[]; conditions: { ready?: boolean } } => ({ addresses: [ip], conditions: { ready: isReady } });

describe('describe layouts of the other kinds', () => {
  it('endpoints of a service port: ready ones, three shown, the rest counted', () => {
    const slice = { ports: [{ name: 'http', port: 80 }], endpoints: [ready('10.0.0.1'), ready('10.0.0.2', false), ready('10.0.0.3', true), ready('fd00::4'), ready('10.0.0.5')] };
    assert.equal(formatEndpointSlices([slice], 'http'), '10.0.0.1:80,10.0.0.3:80,[fd00::4]:80 + 1 more...');
    assert.equal(formatEndpointSlices([slice], 'other'), '');
    assert.equal(formatEndpointSlices([], 'http'), '<none>');
    // Headless slices without ports list bare addresses.
    assert.equal(formatEndpointSlices([{ ports: null, endpoints: [ready('10.0.0.1'), ready('10.0.0.2')] }], ''), '10.0.0.1,10.0.0.2');
    // kubectl marks "more" on reaching a fourth endpoint even when that one is not ready.
    const three = { ports: [{ name: '', port: 53 }], endpoints: [ready('a'), ready('b'), ready('c'), ready('d', false)] };
    assert.equal(formatEndpointSlices([three], ''), 'a:53,b:53,c:53 + 0 more...');
  });

  it('a service with slices, a node port and a load balancer', () => {
    const text = renderService({
      metadata: { name: 'lb', namespace: 'default' },
      spec: {
        type: 'LoadBalancer', selector: { app: 'lb' }, clusterIP: '10.96.0.10', ports: [{ port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
        sessionAffinity: 'None', externalTrafficPolicy: 'Cluster', loadBalancerSourceRanges: ['10.0.0.0/8', '192.168.0.0/16'],
      },
      status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ipMode: 'VIP' }, { hostname: 'lb.example.com' }] } },
    }, [{ ports: [{ name: '', port: 8080 }], endpoints: [ready('10.244.0.5')] }], [], Date.now());
    assert.equal(text, [
      'Name:                        lb',
      'Namespace:                   default',
      'Labels:                      <none>',
      'Annotations:                 <none>',
      'Selector:                    app=lb',
      'Type:                        LoadBalancer',
      'IP Families:                 <none>',
      'IP:                          10.96.0.10',
      'IPs:                         <none>',
      'LoadBalancer Ingress:        1.2.3.4 (VIP), lb.example.com',
      'Port:                        <unset>  80/TCP',
      'TargetPort:                  8080/TCP',
      'NodePort:                    <unset>  30080/TCP',
      'Endpoints:                   10.244.0.5:8080',
      'Session Affinity:            None',
      'External Traffic Policy:     Cluster',
      'LoadBalancer Source Ranges:  10.0.0.0/8,192.168.0.0/16',
      'Events:                      <none>',
      '',
    ].join('\n'));
  });

  it('quota and limit range sections of a namespace', () => {
    const w = new PrefixWriter();
    describeResourceQuotas([
      { metadata: { name: 'b' }, spec: { scopes: ['BestEffort'] }, status: { hard: { pods: '4' } } },
      { metadata: { name: 'a' }, status: { hard: { 'limits.memory': '2Gi', cpu: '2' }, used: { cpu: '500m' } } },
    ], w);
    describeLimitRanges([{ metadata: { name: 'l' }, spec: { limits: [{ type: 'Pod', max: { cpu: '2', memory: '1Gi' }, maxLimitRequestRatio: { cpu: '4' } }] } }], w);
    assert.equal(w.toString(), [
      'Resource Quotas',
      '  Name:          a',
      '  Resource       Used  Hard',
      '  --------       ---   ---',
      '  cpu            500m  2',
      '  limits.memory  0     2Gi',
      '  Name:          b',
      '  Scopes:        BestEffort',
      '  * Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
      '  Resource  Used  Hard',
      '  --------  ---   ---',
      '  pods      0     4',
      'Resource Limits',
      ' Type  Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
      ' ----  --------  ---  ---  ---------------  -------------  -----------------------',
      ' Pod   cpu       -    2    -                -              4',
      ' Pod   memory    -    1Gi  -                -              -',
      '',
    ].join('\n'));
    assert.match(renderNamespace({ metadata: { name: 'x' }, status: { phase: 'Active' } }, undefined, undefined), /^Status:       Active\n$/m);
  });

  it('secrets: sorted keys with sizes, a token shown, no values', () => {
    const text = renderSecret({
      metadata: { name: 's', namespace: 'n' }, type: 'kubernetes.io/service-account-token',
      data: { token: Buffer.from('tok').toString('base64'), 'ca.crt': Buffer.from('0123456789').toString('base64'), namespace: Buffer.from('n').toString('base64') },
    });
    assert.equal(text.split('====\n')[1], 'ca.crt:     10 bytes\nnamespace:  1 bytes\ntoken:      tok\n');
  });

  it('service accounts: tokens by name and uid, missing references', () => {
    const sa = { metadata: { name: 'sa', namespace: 'n', uid: 'u1' }, secrets: [{ name: 'mine' }, { name: 'lost' }], imagePullSecrets: [{ name: 'pull' }] };
    const token = (name: string, uid: string): Record<string, unknown> => ({
      metadata: { name, annotations: { 'kubernetes.io/service-account.name': 'sa', 'kubernetes.io/service-account.uid': uid } }, type: 'kubernetes.io/service-account-token',
    });
    const found = accountSecrets(sa, [token('mine', 'u1'), token('old', 'u0'), { metadata: { name: 'pull' } }] as never);
    assert.deepEqual(found.tokens, ['mine']);
    assert.deepEqual([...found.missing], ['lost']);
    const text = renderServiceAccount(sa, found, undefined, Date.now());
    assert.equal(text.split('\n').slice(4).join('\n'), [
      'Image pull secrets:  pull',
      'Mountable secrets:   mine',
      '                     lost (not found)',
      'Tokens:              mine',
      '',
    ].join('\n'));
  });

  it('claim users: pods mounting the claim, then its owning pod', () => {
    const pod = (name: string, uid: string, claim?: string): Record<string, unknown> => ({
      metadata: { name, uid }, spec: { containers: [], volumes: claim ? [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] : [] },
    });
    const pvc = { metadata: { name: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'owner', uid: 'u3' }, { apiVersion: 'v1', kind: 'Pod', name: 'b', uid: 'u2' }] } };
    assert.deepEqual(podsUsingClaim(pvc as never, [pod('b', 'u2', 'c'), pod('a', 'u1', 'other'), pod('owner', 'u3')] as never), ['b', 'owner']);
    const w = new PrefixWriter();
    printNamesMultiline(w, 'Used By', ['z', 'a']);
    printNamesMultiline(w, 'None', []);
    assert.equal(w.toString(), 'Used By:  a\n          z\nNone:     <none>\n');
  });

  it('small Go spellings: pointers to bools, slices, selectors, index lists', () => {
    assert.deepEqual([boolPtr(true), boolPtr(false), boolPtr(undefined)], ['True', 'False', '<unset>']);
    assert.deepEqual([goList(undefined), goList(['a', 'b'])], ['[]', '[a b]']);
    assert.equal(selectorLine(undefined), 'Selector:\t\n');
    assert.equal(selectorLine({ matchExpressions: [{ key: 'b', operator: 'In', values: ['y', 'x'] }], matchLabels: { a: '1' } }), 'Selector:\ta=1,b in (x,y)\n');
    assert.equal(capIndexes(undefined), '<none>');
    assert.equal(capIndexes('1-3,5'), '1-3,5');
    const long = Array.from({ length: 30 }, (_, i) => String(i * 2)).join(',');
    assert.equal(capIndexes(long), `${long.slice(0, long.indexOf(',', 50) + 1)}...`);
  });

  it('topology spread constraints, sorted, with their selectors', () => {
    const w = new PrefixWriter();
    describeTopologySpreadConstraints([
      { topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'ScheduleAnyway' },
      { topologyKey: 'host', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } },
    ], w, '  ');
    assert.equal(w.toString(), '  Topology Spread Constraints:  host:DoNotSchedule when max skew 1 is exceeded for selector app=x\n'
      + '                                zone:ScheduleAnyway when max skew 2 is exceeded\n');
  });

  it('a terminating hostPath volume, and an autoscaler with external values', () => {
    const now = Date.parse('2024-01-01T01:00:00Z');
    const pv = renderPersistentVolume({
      metadata: { name: 'v', deletionTimestamp: '2024-01-01T00:58:00Z', finalizers: ['kubernetes.io/pv-protection'] },
      spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/d', type: 'Directory' }, nodeAffinity: { required: { nodeSelectorTerms: [] } } },
    }, undefined, now);
    assert.match(pv, /^Finalizers: +\[kubernetes\.io\/pv-protection\]$/m);
    assert.match(pv, /^Status: +Terminating \(lasts 2m\)$/m);
    assert.match(pv, /^  Required Terms: +<none>$/m);
    assert.match(pv, /^    HostPathType: +Directory$/m);
    const hpa = renderHorizontalPodAutoscaler({
      metadata: { name: 'h', namespace: 'n', creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: {
        scaleTargetRef: { kind: 'ReplicaSet', name: 'r' }, maxReplicas: 4,
        metrics: [{ type: 'External', external: { metric: { name: 'q"1' }, target: { type: 'Value', value: '10' } } }],
      },
      status: { currentReplicas: 1, desiredReplicas: 1, currentMetrics: [{ type: 'External', external: { metric: { name: 'q"1' }, current: { value: '1500m' } } }] },
    }, undefined, now);
    assert.match(hpa, /^  "q\\"1" \(target value\): +1500m \/ 10$/m);
    assert.match(hpa, /^Min replicas: +<unset>$/m);
    assert.match(hpa, /^ReplicaSet pods: +1 current \/ 1 desired$/m);
  });
});
