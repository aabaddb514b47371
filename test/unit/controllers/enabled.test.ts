import assert from 'node:assert/strict';
import { it } from 'node:test';
import { enabledControllers } from '../../../controllers/framework/enabled.ts';

const known = ['a', 'b', 'c'];

it('reads kube\'s --controllers syntax', () => {
  assert.deepEqual(enabledControllers('*', known), ['a', 'b', 'c']);
  assert.deepEqual(enabledControllers('*,-b', known), ['a', 'c']);
  assert.deepEqual(enabledControllers('c,a', known), ['a', 'c']);
  assert.deepEqual(enabledControllers('', known), []);
  assert.throws(() => enabledControllers('a,zzz', known), /unknown controller "zzz"/);
});
