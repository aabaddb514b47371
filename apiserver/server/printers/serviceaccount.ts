// kubectl get serviceaccounts: NAME SECRETS AGE.
import type { ServiceAccount } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const serviceAccountPrinter = kindPrinter<ServiceAccount>([
  nameColumn,
  column('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret'),
  ageColumn,
], (sa, now) => [sa.metadata?.name ?? '', (sa.secrets ?? []).length, ageCell(sa, now)]);
