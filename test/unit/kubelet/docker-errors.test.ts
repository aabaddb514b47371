import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createNotFoundReason, errorMessage, translate } from '../../../kubelet/runtime/docker-errors.ts';

function dockerodeError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}

test('status codes map to reasons', () => {
  assert.equal(translate(dockerodeError(404, 'No such container: x'), 'inspect').reason, 'NotFound');
  assert.equal(translate(dockerodeError(409, 'name in use'), 'create').reason, 'Conflict');
  assert.equal(translate(dockerodeError(400, 'invalid mount config'), 'create').reason, 'InvalidConfig');
  assert.equal(translate(dockerodeError(400, 'No such container: sandbox'), 'create').reason, 'NotFound');
  assert.equal(translate(dockerodeError(500, 'boom'), 'start').reason, 'Failed');
  assert.equal(translate(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'list').reason, 'Unavailable');
  assert.equal(translate(Object.assign(new Error('connect ENOENT /x.sock'), { code: 'ENOENT' }), 'list').reason, 'Unavailable');
});

test('a 404 on create: missing image or missing sandbox', () => {
  assert.equal(createNotFoundReason(dockerodeError(404, 'No such image: nginx:9')), 'ImageNotFound');
  assert.equal(createNotFoundReason(dockerodeError(404, 'network skiff not found')), 'NotFound');
});

test('messages keep the daemon\'s words without docker-modem\'s prefix', () => {
  const e = translate(dockerodeError(500, 'OCI runtime create failed'), 'start container abc');
  assert.equal(e.message, 'start container abc: OCI runtime create failed');
  assert.equal(e.statusCode, 500);
  assert.equal(errorMessage(new Error('(HTTP code 500) server error - Get "http://127.0.0.1:1/v2/": refused ')), 'Get "http://127.0.0.1:1/v2/": refused');
});
