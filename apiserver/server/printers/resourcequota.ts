// kubectl get resourcequotas: NAME REQUEST LIMIT AGE.
import type { ResourceQuota } from '../../api/types.ts';
import { ageCell, kindPrinter } from './kind-printer.ts';
import { ageColumn, column, nameColumn } from './printer.ts';

export const resourceQuotaPrinter = kindPrinter<ResourceQuota>([
  nameColumn,
  column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
  column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ageColumn,
], (quota, now) => {
  const [request, limit] = quotaUsage(quota);
  return [quota.metadata?.name ?? '', request, limit, ageCell(quota, now)];
});

/**
 * `name: used/hard` for every resource the quota enforces (status.hard, sorted by name); `limits.*` resources
 * go to the LIMIT cell and everything else to REQUEST. Nothing is shown before the quota controller has
 * filled in the status.
 */
export function quotaUsage(quota: ResourceQuota): [request: string, limit: string] {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const entry = `${name}: ${used[name] ?? '0'}/${hard[name]}`;
    if (name.split('.')[0] === 'limits' && name.includes('.')) limit.push(entry);
    else request.push(entry);
  }
  return [request.join(', '), limit.join(', ')];
}
