// Request bodies in Kubernetes' protobuf encoding, for the few kinds clients send that way. kubectl's typed
// clientsets send application/vnd.kubernetes.protobuf and cannot fall back (`kubectl create rolebinding` and
// `create clusterrolebinding` do), so the apiserver must read it for those kinds; responses stay JSON, which the
// same clients accept.
//
// The envelope is the 4 bytes `k8s\0` and a runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2}
// whose raw bytes are the object's message. Each kind is read by a field table taken from its generated.proto;
// fields not in the table are skipped, as proto readers do.
import { errors } from './errors.ts';

type FieldType = 'string' | 'strings' | 'int64' | 'bool' | 'time' | 'map' | { message: MessageSchema; repeated?: boolean };
interface MessageSchema { [fieldNumber: number]: [name: string, type: FieldType] }

const labelSelectorRequirement: MessageSchema = { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'strings'] };
const labelSelector: MessageSchema = { 1: ['matchLabels', 'map'], 2: ['matchExpressions', { message: labelSelectorRequirement, repeated: true }] };
const ownerReference: MessageSchema = {
  5: ['apiVersion', 'string'], 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'],
  6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'],
};
const objectMeta: MessageSchema = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 5: ['uid', 'string'],
  6: ['resourceVersion', 'string'], 7: ['generation', 'int64'], 8: ['creationTimestamp', 'time'],
  11: ['labels', 'map'], 12: ['annotations', 'map'], 13: ['ownerReferences', { message: ownerReference, repeated: true }],
  14: ['finalizers', 'strings'],
};
const policyRule: MessageSchema = {
  1: ['verbs', 'strings'], 2: ['apiGroups', 'strings'], 3: ['resources', 'strings'], 4: ['resourceNames', 'strings'],
  5: ['nonResourceURLs', 'strings'],
};
const subject: MessageSchema = { 1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string'] };
const roleRef: MessageSchema = { 1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string'] };
const binding: MessageSchema = {
  1: ['metadata', { message: objectMeta }], 2: ['subjects', { message: subject, repeated: true }], 3: ['roleRef', { message: roleRef }],
};

/** The kinds readable from protobuf, by `apiVersion/kind`. */
const kinds: Record<string, MessageSchema> = {
  'rbac.authorization.k8s.io/v1/RoleBinding': binding,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': binding,
  'rbac.authorization.k8s.io/v1/Role': { 1: ['metadata', { message: objectMeta }], 2: ['rules', { message: policyRule, repeated: true }] },
  'rbac.authorization.k8s.io/v1/ClusterRole': {
    1: ['metadata', { message: objectMeta }], 2: ['rules', { message: policyRule, repeated: true }],
    3: ['aggregationRule', { message: { 1: ['clusterRoleSelectors', { message: labelSelector, repeated: true }] } }],
  },
};

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  private pos = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.buf.length || shift > 63n) throw new Error('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  }

  bytes(): Buffer {
    const length = Number(this.varint());
    if (this.pos + length > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0: this.varint(); return;
      case 1: this.pos += 8; return;
      case 2: this.bytes(); return;
      case 5: this.pos += 4; return;
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
  }

  /** Every field as [number, wire type], leaving the reader at its value. */
  *fields(): Generator<[number, number]> {
    while (!this.done) {
      const tag = Number(this.varint());
      yield [tag >>> 3, tag & 7];
    }
  }
}

function decodeMessage(buf: Buffer, schema: MessageSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = new Reader(buf);
  for (const [field, wire] of r.fields()) {
    const entry = schema[field];
    if (!entry) {
      r.skip(wire);
      continue;
    }
    const [name, type] = entry;
    if (type === 'string') {
      // Go writes unset optional strings as empty ones; JSON (omitempty) leaves them out, and so do we.
      const value = r.bytes().toString('utf8');
      if (value !== '') out[name] = value;
    }
    else if (type === 'strings') out[name] = [...(out[name] as string[] | undefined) ?? [], r.bytes().toString('utf8')];
    else if (type === 'int64') out[name] = Number(BigInt.asIntN(64, r.varint()));
    else if (type === 'bool') out[name] = r.varint() !== 0n;
    else if (type === 'time') {
      // metav1.Time {seconds = 1, nanos = 2}; the zero time is JSON null.
      const seconds = Number(decodeMessage(r.bytes(), { 1: ['seconds', 'int64'] }).seconds ?? 0);
      if (seconds !== 0) out[name] = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    } else if (type === 'map') {
      const kv = decodeMessage(r.bytes(), { 1: ['key', 'string'], 2: ['value', 'string'] });
      out[name] = { ...(out[name] as Record<string, string> | undefined), [String(kv.key ?? '')]: String(kv.value ?? '') };
    } else {
      const value = decodeMessage(r.bytes(), type.message);
      out[name] = type.repeated ? [...(out[name] as unknown[] | undefined) ?? [], value] : value;
    }
  }
  return out;
}

/** Whether bodies of this kind can be sent as protobuf. */
export function protobufReadable(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in kinds;
}

/** The object a protobuf body carries, as the JSON decoder would see it; a 400 when it cannot be read. */
export function decodeProtobufObject(body: Buffer, expected: { apiVersion: string; kind: string }): unknown {
  try {
    if (body.length < magic.length || !body.subarray(0, magic.length).equals(magic)) {
      throw new Error('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
    }
    const unknown = decodeMessage(body.subarray(magic.length), {
      1: ['typeMeta', { message: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } }],
      3: ['contentEncoding', 'string'],
      4: ['contentType', 'string'],
    });
    const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
    const apiVersion = typeMeta.apiVersion || expected.apiVersion;
    const kind = typeMeta.kind || expected.kind;
    const schema = kinds[`${apiVersion}/${kind}`];
    if (!schema) throw new Error(`no protobuf decoding for ${apiVersion}, Kind=${kind}`);
    const raw = rawOf(body.subarray(magic.length));
    return { apiVersion, kind, ...decodeMessage(raw, schema) };
  } catch (e) {
    throw errors.badRequest(`the body of the request could not be decoded: ${(e as Error).message}`);
  }
}

/** runtime.Unknown's raw field (2), the object's own message. */
function rawOf(unknown: Buffer): Buffer {
  const r = new Reader(unknown);
  for (const [field, wire] of r.fields()) {
    if (field === 2 && wire === 2) return r.bytes();
    r.skip(wire);
  }
  return Buffer.alloc(0);
}
