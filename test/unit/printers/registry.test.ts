import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resources } from '../../../apiserver/api/resources.ts';
import { hasPrinter, printerFor } from '../../../apiserver/server/printers/index.ts';
import { defaultPrinter } from '../../../apiserver/server/printers/printer.ts';
import { now } from './helpers.ts';

describe('printer registry', () => {
  it('chooses a printer for every resource Skiff serves', () => {
    const missing = resources.filter((ri) => !hasPrinter(ri.group, ri.plural)).map((ri) => `${ri.group}/${ri.plural}`);
    assert.deepEqual(missing, []);
  });

  it('uses Kubernetes\' own table for every kind that has one; LimitRange, Role and ClusterRole keep the default', () => {
    const defaults = resources.filter((ri) => printerFor(ri.group, ri.plural) === defaultPrinter).map((ri) => ri.plural);
    assert.deepEqual(defaults.sort(), ['clusterroles', 'limitranges', 'roles']);
  });

  it('falls back to NAME / CREATED AT for an unknown resource', () => {
    assert.equal(printerFor('example.com', 'widgets'), defaultPrinter);
  });

  for (const ri of resources) {
    it(`${ri.group || 'core'}/${ri.plural}: one cell per column, even for a bare object`, () => {
      const printer = printerFor(ri.group, ri.plural);
      const bare = { apiVersion: ri.version, kind: ri.kind, metadata: { name: 'x', creationTimestamp: '2024-05-01T11:00:00Z' } };
      assert.equal(printer.cells(bare, now).length, printer.columns.length);
      for (const c of printer.columns) {
        assert.ok(c.priority === 0 || c.priority === 1, `${c.name} priority`);
        assert.ok(c.description.length > 0, `${c.name} has a description`);
      }
      // Every table but events starts with NAME.
      if (ri.plural !== 'events') assert.equal(printer.columns[0].name, 'Name');
    });
  }
});
