// The `top node` / `top pod` tables, checked against what kubectl 1.32 printed for the same metrics (captured from
// real kubectl against Skiff's apiserver): MilliValue rounded up, Mi rounded down, sums exact, padding on every cell.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeMetrics, PodMetrics } from '../../../apiserver/api/metrics-types.ts';
import { nodeTable, podTable } from '../../../cli/commands/top-print.ts';
import { getTableOptions, TabWriter } from '../../../cli/output/tabwriter.ts';

function render(text: string): string {
  let out = '';
  const w = new TabWriter((t) => { out += t; }, getTableOptions);
  w.write(text);
  w.flush();
  return out;
}

const node = (name: string, cpu: string, memory: string): NodeMetrics => ({ metadata: { name }, timestamp: '', window: '10s', usage: { cpu, memory } });
const pod = (namespace: string, name: string, containers: [string, string, string][]): PodMetrics => ({
  metadata: { name, namespace }, timestamp: '', window: '10s',
  containers: containers.map(([c, cpu, memory]) => ({ name: c, usage: { cpu, memory } })),
});

const pods = [
  pod('default', 'db', [['pg', '500m', '50Mi']]),
  pod('default', 'web', [['app', '250m', '100Mi'], ['side', '1234567n', '5124Ki']]),
  pod('kube-system', 'dns', [['dns', '3m', '20Mi']]),
];

describe('nodeTable', () => {
  const capacity = [
    { name: 'n1', available: { cpu: '1800m', memory: '3Gi' } },
    { name: 'n2', available: { cpu: '2', memory: '4Gi' } },
  ];

  it('prints usage and the share of allocatable, then <unknown> for nodes without metrics', () => {
    assert.equal(render(nodeTable([node('n1', '123456789n', '1536Mi')], capacity, {})), [
      'NAME   CPU(cores)   CPU%        MEMORY(bytes)   MEMORY%     ',
      'n1     124m         6%          1536Mi          50%         ',
      'n2     <unknown>    <unknown>   <unknown>       <unknown>   ',
      '',
    ].join('\n'));
  });

  it('sorts by name, or by cpu or memory largest first; no percentage without a figure to divide by', () => {
    const metrics = [node('b', '2', '1Gi'), node('a', '1', '2Gi'), node('c', '500m', '3Gi')];
    const names = (sortBy: '' | 'cpu' | 'memory') => render(nodeTable(metrics, [], { sortBy, noHeaders: true }))
      .split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names(''), ['a', 'b', 'c']);
    assert.deepEqual(names('cpu'), ['b', 'a', 'c']);
    assert.deepEqual(names('memory'), ['c', 'a', 'b']);
    assert.equal(render(nodeTable([node('a', '1', '2Gi')], [], { noHeaders: true })), 'a     1000m   2048Mi   \n');
  });

  it('prints nothing for no metrics', () => {
    assert.equal(nodeTable([], capacity, {}), '');
  });
});

describe('podTable', () => {
  it('sums a pod\'s containers exactly before rounding', () => {
    assert.equal(render(podTable(pods.slice(0, 2), { sum: true })), [
      'NAME   CPU(cores)   MEMORY(bytes)   ',
      'db     500m         50Mi            ',
      'web    252m         105Mi           ',
      '       ________     ________        ',
      '       752m         155Mi           ',
      '',
    ].join('\n'));
  });

  it('prints containers and namespaces, with the sum under the usage columns', () => {
    assert.equal(render(podTable(pods, { allNamespaces: true, containers: true, sum: true })), [
      'NAMESPACE     POD   NAME   CPU(cores)   MEMORY(bytes)   ',
      'default       db    pg     500m         50Mi            ',
      'default       web   app    250m         100Mi           ',
      'default       web   side   2m           5Mi             ',
      'kube-system   dns   dns    3m           20Mi            ',
      '                           ________     ________        ',
      '                           755m         175Mi           ',
      '',
    ].join('\n'));
  });

  it('without headers, puts the sum where kubectl does (it counts no NAMESPACE or POD column then)', () => {
    assert.equal(render(podTable(pods, { allNamespaces: true, containers: true, sum: true, noHeaders: true })), [
      'default       db         pg         500m   50Mi    ',
      'default       web        app        250m   100Mi   ',
      'default       web        side       2m     5Mi     ',
      'kube-system   dns        dns        3m     20Mi    ',
      '              ________   ________   ',
      '              755m       175Mi      ',
      '',
    ].join('\n'));
  });

  it('sorts pods and their containers by memory, largest first', () => {
    assert.equal(render(podTable(pods.slice(0, 2), { containers: true, sortBy: 'memory' })), [
      'POD   NAME   CPU(cores)   MEMORY(bytes)   ',
      'web   app    250m         100Mi           ',
      'web   side   2m           5Mi             ',
      'db    pg     500m         50Mi            ',
      '',
    ].join('\n'));
  });
});
