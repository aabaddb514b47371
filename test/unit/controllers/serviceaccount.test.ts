import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Namespace } from '../../../apiserver/api/types.ts';
import { missingServiceAccounts } from '../../../controllers/serviceaccount.ts';

const ns = (phase?: string): Namespace => ({ metadata: { name: 'team' }, status: phase ? { phase } : {} });

describe('missingServiceAccounts', () => {
  it('an active namespace without a default account needs one', () => {
    assert.deepEqual(missingServiceAccounts(ns('Active'), () => false), ['default']);
  });

  it('nothing to make once it is there', () => {
    assert.deepEqual(missingServiceAccounts(ns('Active'), (name) => name === 'default'), []);
  });

  it('a terminating namespace (or one with no phase yet) gets nothing new', () => {
    assert.deepEqual(missingServiceAccounts(ns('Terminating'), () => false), []);
    assert.deepEqual(missingServiceAccounts(ns(), () => false), []);
  });
});
