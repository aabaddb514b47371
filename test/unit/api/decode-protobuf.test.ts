// Protobuf request bodies for the kinds kubectl's typed clients send that way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeProtobufObject, protobufReadable } from '../../../apiserver/api/decode-protobuf.ts';
import type { ApiError } from '../../../apiserver/api/errors.ts';

// A minimal protobuf writer, enough to build what client-go sends.
const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const bytesField = (field: number, value: Buffer): Buffer => Buffer.from([...varint((field << 3) | 2), ...varint(value.length), ...value]);
const str = (field: number, s: string): Buffer => bytesField(field, Buffer.from(s, 'utf8'));
const msg = (field: number, ...parts: Buffer[]): Buffer => bytesField(field, Buffer.concat(parts));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const unknown = Buffer.concat([msg(1, str(1, apiVersion), str(2, kind)), bytesField(2, raw), str(3, ''), str(4, '')]);
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), unknown]);
}

describe('decodeProtobufObject', () => {
  it('reads a RoleBinding as kubectl create rolebinding sends it', () => {
    const raw = Buffer.concat([
      msg(1, str(1, 'readers'), str(2, ''), str(3, 'dev'), msg(8), msg(11, str(1, 'team'), str(2, 'a'))),
      msg(2, str(1, 'User'), str(2, 'rbac.authorization.k8s.io'), str(3, 'jane'), str(4, '')),
      msg(2, str(1, 'ServiceAccount'), str(2, ''), str(3, 'builder'), str(4, 'dev')),
      msg(3, str(1, 'rbac.authorization.k8s.io'), str(2, 'ClusterRole'), str(3, 'view')),
    ]);
    assert.equal(protobufReadable('rbac.authorization.k8s.io/v1', 'RoleBinding'), true);
    assert.equal(protobufReadable('v1', 'Pod'), false);
    assert.deepEqual(decodeProtobufObject(envelope('rbac.authorization.k8s.io/v1', 'RoleBinding', raw), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' }), {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding',
      metadata: { name: 'readers', namespace: 'dev', labels: { team: 'a' } },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' },
        { kind: 'ServiceAccount', name: 'builder', namespace: 'dev' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    });
  });

  it('keeps empty strings that mean something in repeated fields (the core API group)', () => {
    const raw = Buffer.concat([msg(1, str(1, 'r')), msg(2, str(1, 'get'), str(2, ''), str(3, 'pods'))]);
    const role = decodeProtobufObject(envelope('rbac.authorization.k8s.io/v1', 'Role', raw), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' });
    assert.deepEqual((role as { rules: unknown }).rules, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('answers 400 for what is not protobuf', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{}'), { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' }),
      (e: ApiError) => e.code === 400 && /expected prefix/.test(e.message));
  });
});
