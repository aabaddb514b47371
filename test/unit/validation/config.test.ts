// Validation tables for ConfigMaps and Secrets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSecret } from '../../../apiserver/api/defaults/core.ts';
import type { ConfigMap, Secret } from '../../../apiserver/api/types.ts';
import { validateConfigMap, validateConfigMapUpdate } from '../../../apiserver/api/validation/configmap.ts';
import { validateSecret, validateSecretUpdate } from '../../../apiserver/api/validation/secret.ts';
import { assertHasError, validationTable } from './field-errors.ts';
import { clone } from './fixtures.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('ConfigMap validation', () => {
  const configMap = (): ConfigMap => ({
    metadata: { name: 'settings' }, data: { 'app.conf': 'x=1', LOG_LEVEL: 'debug' }, binaryData: { 'logo.png': b64('\x89PNG') },
  });
  validationTable(configMap, validateConfigMap, [
    { name: 'rejects keys that are no file names', mutate: (cm) => { cm.data!['a/b'] = 'x'; }, field: 'data[a/b]', type: 'FieldValueInvalid' },
    { name: 'rejects binary keys that are no file names', mutate: (cm) => { cm.binaryData!['..'] = b64('x'); }, field: 'binaryData[..]', type: 'FieldValueInvalid' },
    { name: 'rejects a key in both data and binaryData', mutate: (cm) => { cm.binaryData!.LOG_LEVEL = b64('x'); }, field: 'data[LOG_LEVEL]', type: 'FieldValueInvalid', detail: 'duplicate of key present in binaryData' },
    { name: 'caps the total size at 1 MiB', mutate: (cm) => { cm.data!.big = 'x'.repeat(1024 * 1024); }, field: 'data', type: 'FieldValueTooLong' },
  ]);

  it('freezes data once immutable', () => {
    const old = configMap();
    old.immutable = true;
    const changed = clone(old);
    changed.data!.LOG_LEVEL = 'info';
    assertHasError(validateConfigMapUpdate(changed, old), 'data', 'FieldValueForbidden', 'field is immutable when `immutable` is set');
    const thawed = clone(old);
    thawed.immutable = false;
    assertHasError(validateConfigMapUpdate(thawed, old), 'immutable', 'FieldValueForbidden');
    const mutable = configMap();
    const edited = clone(mutable);
    edited.data!.LOG_LEVEL = 'info';
    edited.immutable = true;
    assert.deepEqual(validateConfigMapUpdate(edited, mutable), []);
  });
});

describe('Secret validation', () => {
  const secret = (): Secret => {
    const s: Secret = { metadata: { name: 'creds' }, data: { password: b64('hunter2') } };
    defaultSecret(s);
    return s;
  };
  const typed = (type: string, data: Record<string, string>): ((s: Secret) => void) => (s) => { s.type = type; s.data = data; };
  validationTable(secret, validateSecret, [
    { name: 'rejects keys that are no file names', mutate: (s) => { s.data!['bad key'] = b64('x'); }, field: 'data[bad key]', type: 'FieldValueInvalid' },
    { name: 'requires base64 values', mutate: (s) => { s.data!.password = 'not base64!'; }, field: 'data[password]', type: 'FieldValueInvalid' },
    { name: 'caps the decoded size at 1 MiB', mutate: (s) => { s.data!.big = Buffer.alloc(1024 * 1024 + 1).toString('base64'); }, field: 'data', type: 'FieldValueTooLong' },
    { name: 'requires tls.crt in TLS secrets', mutate: typed('kubernetes.io/tls', { 'tls.key': b64('k') }), field: 'data[tls.crt]', type: 'FieldValueRequired' },
    { name: 'requires tls.key in TLS secrets', mutate: typed('kubernetes.io/tls', { 'tls.crt': b64('c') }), field: 'data[tls.key]', type: 'FieldValueRequired' },
    { name: 'requires .dockerconfigjson', mutate: typed('kubernetes.io/dockerconfigjson', {}), field: 'data[.dockerconfigjson]', type: 'FieldValueRequired' },
    { name: 'requires .dockerconfigjson to be JSON', mutate: typed('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{nope') }), field: 'data[.dockerconfigjson]', type: 'FieldValueInvalid' },
    { name: 'requires a username or password for basic auth', mutate: typed('kubernetes.io/basic-auth', {}), field: 'data[username]', type: 'FieldValueRequired' },
    { name: 'requires a private key for ssh auth', mutate: typed('kubernetes.io/ssh-auth', {}), field: 'data[ssh-privatekey]', type: 'FieldValueRequired' },
    { name: 'requires the service account annotation on token secrets', mutate: typed('kubernetes.io/service-account-token', {}), field: 'metadata.annotations[kubernetes.io/service-account.name]', type: 'FieldValueRequired' },
  ]);

  it('turns stringData into base64 data', () => {
    const s: Secret = { metadata: { name: 'x' }, data: { a: b64('old') }, stringData: { a: 'new', b: 'two' } };
    defaultSecret(s);
    assert.deepEqual(s, { metadata: { name: 'x' }, type: 'Opaque', data: { a: b64('new'), b: b64('two') } });
  });

  it('fixes the type, and the data once immutable', () => {
    const old = secret();
    const retyped = clone(old);
    retyped.type = 'kubernetes.io/basic-auth';
    assertHasError(validateSecretUpdate(retyped, old), 'type', 'FieldValueInvalid', 'field is immutable');
    old.immutable = true;
    const changed = clone(old);
    changed.data = { password: b64('letmein') };
    assertHasError(validateSecretUpdate(changed, old), 'data', 'FieldValueForbidden');
  });
});
