// describe serviceaccount: kubectl's ServiceAccountDescriber: image pull secrets, mountable secrets and the
// legacy token secrets that name the account, each marked "(not found)" when the namespace lacks it.
import type { Secret, ServiceAccount } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, listAll, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

const secretsResource = { group: '', version: 'v1', plural: 'secrets', namespaced: true };

/** What the secrets in the namespace say about the account. */
export interface AccountSecrets {
  /** Token secrets whose annotations name this account (name and uid). */
  tokens: string[];
  /** Referenced secrets the namespace does not have. */
  missing: Set<string>;
}

export function accountSecrets(sa: ServiceAccount, secrets: Secret[]): AccountSecrets {
  const tokens: string[] = [];
  const existing = new Set<string>();
  for (const s of secrets) {
    const annotations = s.metadata?.annotations ?? {};
    if (s.type === 'kubernetes.io/service-account-token'
      && (annotations['kubernetes.io/service-account.name'] ?? '') === sa.metadata?.name
      && (annotations['kubernetes.io/service-account.uid'] ?? '') === (sa.metadata?.uid ?? '')) {
      tokens.push(s.metadata?.name ?? '');
    }
    existing.add(s.metadata?.name ?? '');
  }
  const referenced = [...(sa.secrets ?? []), ...(sa.imagePullSecrets ?? [])].map((r) => r.name ?? '');
  return { tokens, missing: new Set(referenced.filter((name) => !existing.has(name))) };
}

export async function describeServiceAccount(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const sa = obj as ServiceAccount;
  let found: AccountSecrets = { tokens: [], missing: new Set() };
  try {
    found = accountSecrets(sa, await listAll<Secret>(ctx, secretsResource, sa.metadata?.namespace));
  } catch {
    // kubectl still describes the account, with every referenced secret as if present, when secrets can't be read.
  }
  return renderServiceAccount(sa, found, await eventsFor(ctx, obj, 'ServiceAccount'), ctx.now);
}

export function renderServiceAccount(sa: ServiceAccount, found: AccountSecrets, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${sa.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${sa.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', sa.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', sa.metadata?.annotations);
  // kubectl pads the three headers to one width and prints them in sorted order.
  const sections: [header: string, names: string[]][] = [
    ['Image pull secrets:', (sa.imagePullSecrets ?? []).map((r) => r.name ?? '')],
    ['Mountable secrets: ', (sa.secrets ?? []).map((r) => r.name ?? '')],
    ['Tokens:            ', found.tokens],
  ];
  for (const [header, names] of sections) {
    if (names.length === 0) {
      w.write(LEVEL_0, `${header}\t<none>\n`);
      continue;
    }
    names.forEach((name, i) => {
      const prefix = i === 0 ? header : ' '.repeat(header.length);
      w.write(LEVEL_0, `${prefix}\t${name}${found.missing.has(name) ? ' (not found)' : ''}\n`);
    });
  }
  if (events) describeEvents(events, w, now);
  return w.toString();
}
