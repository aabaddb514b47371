// kubectl get secrets: NAME TYPE DATA AGE.
import type { Secret } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const secretPrinter = kindPrinter<Secret>([
  nameColumn,
  column('Type', 'string', 'Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types'),
  column('Data', 'string', 'Data contains the secret data. Each key must consist of alphanumeric characters, \'-\', \'_\' or \'.\'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4'),
  ageColumn,
], (secret, now) => [secret.metadata?.name ?? '', secret.type ?? '', Object.keys(secret.data ?? {}).length, ageCell(secret, now)]);
