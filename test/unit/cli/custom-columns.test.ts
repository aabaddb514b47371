// -o custom-columns: parsing the spec and filling the cells as kubectl does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { customColumnCells, parseCustomColumns, printCustomColumns } from '../../../cli/output/custom-columns.ts';
import { getTableOptions, TabWriter } from '../../../cli/output/tabwriter.ts';

const pod = {
  metadata: { name: 'web', labels: { app: 'web', tier: 'x' } },
  spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox' }], replicas: 3 },
};

describe('custom-columns', () => {
  it('parses HEADER:path pairs in every path form kubectl accepts', () => {
    const cols = parseCustomColumns('NAME:.metadata.name,IMAGES:spec.containers[*].image,L:{.metadata.labels}');
    assert.deepEqual(cols.map((c) => [c.header, c.fieldSpec]), [
      ['NAME', '{.metadata.name}'], ['IMAGES', '{.spec.containers[*].image}'], ['L', '{.metadata.labels}'],
    ]);
    assert.throws(() => parseCustomColumns('NAME'), /unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>/);
    assert.throws(() => parseCustomColumns(''), /no custom columns given/);
  });

  it('joins several results with commas, prints maps as Go does, <none> for nothing', () => {
    const cols = parseCustomColumns('NAME:.metadata.name,IMAGES:.spec.containers[*].image,LABELS:.metadata.labels,N:.spec.replicas,X:.nope');
    assert.deepEqual(customColumnCells(cols, pod), ['web', 'nginx,busybox', 'map[app:web tier:x]', '3', '<none>']);
  });

  it('prints headers as given (not upper-cased), aligned like kubectl get', () => {
    let out = '';
    const w = new TabWriter((t) => { out += t; }, getTableOptions);
    printCustomColumns(parseCustomColumns('Name:.metadata.name,Image:.spec.containers[0].image'), [pod, { metadata: { name: 'a-longer-name' } }], w);
    w.flush();
    assert.equal(out, 'Name            Image\nweb             nginx\na-longer-name   <none>\n');
  });
});
