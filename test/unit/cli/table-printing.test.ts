// kubectl's table formatting: Go's tabwriter with kubectl's settings, and the decorations of server Tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TablePrinter, cellText, type Table } from '../../../cli/output/table-printer.ts';
import { describeOptions, getTableOptions, TabWriter } from '../../../cli/output/tabwriter.ts';

function collect(opts = getTableOptions): { w: TabWriter; out: () => string } {
  let text = '';
  const w = new TabWriter((t) => { text += t; }, opts);
  return { w, out: () => text };
}

const columns = [
  { name: 'Name', type: 'string', format: 'name', priority: 0 },
  { name: 'Ready', type: 'string', priority: 0 },
  { name: 'IP', type: 'string', priority: 1 },
  { name: 'Age', type: 'string', priority: 0 },
];

function table(rows: [string, string, string, string, Record<string, string>?, string?][]): Table {
  return {
    columnDefinitions: columns,
    rows: rows.map(([name, ready, ip, age, labels, ns]) => ({
      cells: [name, ready, ip, age],
      object: { metadata: { name, namespace: ns ?? 'default', labels } },
    })),
  };
}

describe('tabwriter', () => {
  it('pads every column but the last to its widest cell plus 3, at least 6', () => {
    const { w, out } = collect();
    w.row(['NAME', 'READY', 'AGE']);
    w.row(['a', '1/1', '5s']);
    w.row(['a-longer-name', '0/1', '10m']);
    w.flush();
    assert.equal(out(), 'NAME            READY   AGE\na               1/1     5s\na-longer-name   0/1     10m\n');
  });

  it('remembers widths across flushes, so later rows stay aligned (kubectl get -w)', () => {
    const { w, out } = collect();
    w.row(['NAME', 'DATA']);
    w.row(['a', '1']);
    w.flush();
    w.row(['much-longer', '2']);
    w.flush();
    w.row(['b', '3']);
    w.flush();
    assert.equal(out(), 'NAME   DATA\na      1\nmuch-longer   2\nb             3\n');
  });

  it('describe settings: columns align per block of consecutive lines that have the cell', () => {
    const { w, out } = collect(describeOptions);
    w.write('Name:\tx\nService Account:\tdefault\nContainers:\n  c:\n    Image:\tbusybox\n    Environment:\t<none>\nVolumes:\t<none>\n');
    w.flush();
    assert.equal(out(), 'Name:             x\nService Account:  default\nContainers:\n  c:\n    Image:        busybox\n    Environment:  <none>\nVolumes:          <none>\n');
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    const { w, out } = collect();
    w.row(['naïve-€', 'x']);
    w.row(['a', 'y']);
    w.flush();
    assert.equal(out(), 'naïve-€   x\na         y\n');
  });
});

describe('server Table printing', () => {
  it('upper-cases headers, hides priority-1 columns unless wide', () => {
    const { w, out } = collect();
    new TablePrinter({}).print(table([['web', '1/1', '10.0.0.1', '5s']]), w);
    w.flush();
    assert.equal(out(), 'NAME   READY   AGE\nweb    1/1     5s\n');
    const wide = collect();
    new TablePrinter({ wide: true }).print(table([['web', '1/1', '10.0.0.1', '5s']]), wide.w);
    wide.w.flush();
    assert.equal(wide.out(), 'NAME   READY   IP         AGE\nweb    1/1     10.0.0.1   5s\n');
  });

  it('NAMESPACE first, LABELS last, kind/name prefix, -L columns, no headers', () => {
    const { w, out } = collect();
    new TablePrinter({ withNamespace: true, showLabels: true, kindPrefix: 'deployment.apps', columnLabels: ['app.kubernetes.io/tier'] })
      .print(table([['web', '1/1', '', '5s', { b: '2', a: '1', 'app.kubernetes.io/tier': 'f' }, 'team-a'], ['db', '0/1', '', '7d', undefined]]), w);
    w.flush();
    assert.equal(out(), [
      'NAMESPACE   NAME                  READY   AGE   TIER   LABELS',
      'team-a      deployment.apps/web   1/1     5s    f      a=1,app.kubernetes.io/tier=f,b=2',
      'default     deployment.apps/db    0/1     7d           <none>',
      '',
    ].join('\n'));
    const bare = collect();
    new TablePrinter({ noHeaders: true }).print(table([['web', '1/1', '', '5s']]), bare.w);
    bare.w.flush();
    assert.equal(bare.out(), 'web   1/1   5s\n');
  });

  it('prints nothing for an empty table, and headers once for tables with the same columns', () => {
    const { w, out } = collect();
    const printer = new TablePrinter({});
    printer.print(table([]), w);
    assert.equal((w.flush(), out()), '');
    printer.print(table([['a', '1/1', '', '1s']]), w);
    printer.print(table([['b', '1/1', '', '2s']]), w);
    printer.print({ columnDefinitions: [], rows: [{ cells: ['c', '0/1', '', '3s'] }] }, w, 'MODIFIED');
    w.flush();
    // Without a flush in between, Go's tabwriter aligns the event row's first cell with the names above.
    assert.equal(out(), 'NAME       READY   AGE\na          1/1     1s\nb          1/1     2s\nMODIFIED   c       0/1   3s\n');
  });

  it('cells: first line only with "...", numbers and booleans as Go prints them, null empty', () => {
    assert.equal(cellText('line one\nline two'), 'line one...');
    assert.equal(cellText(3), '3');
    assert.equal(cellText(2.5), '2.5');
    assert.equal(cellText(true), 'true');
    assert.equal(cellText(null), '');
    assert.equal(cellText(['a', 'b']), '[a b]');
    assert.equal(cellText('esc\x1b[31m'), 'esc^[[31m');
  });
});
