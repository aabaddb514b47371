// describe namespace: kubectl's NamespaceDescriber: status and conditions, then the namespace's resource quotas
// and limit ranges merged into one section each ("No resource quota." when there are none). Namespaces have no
// Events section in kubectl.
import type { LimitRange, Namespace, ResourceQuota } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { isNotFound } from '../../apiserver/client/status-error.ts';
import { listAll, type DescribeContext } from './context.ts';
import { printAnnotationsMultiline, printLabelsMultiline, quantityString, rfc1123z } from './format.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';

const resourceQuotasResource = { group: '', version: 'v1', plural: 'resourcequotas', namespaced: true };
const limitRangesResource = { group: '', version: 'v1', plural: 'limitranges', namespaced: true };

/** A server that does not serve the kind (404) just leaves its section out; other failures fail the describe. */
async function listUnlessMissing<T>(ctx: DescribeContext, resource: typeof resourceQuotasResource, namespace: string): Promise<T[] | undefined> {
  try {
    return await listAll<T>(ctx, resource, namespace);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export async function describeNamespace(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const name = obj.metadata?.name ?? '';
  const quotas = await listUnlessMissing<ResourceQuota>(ctx, resourceQuotasResource, name);
  const limitRanges = await listUnlessMissing<LimitRange>(ctx, limitRangesResource, name);
  return renderNamespace(obj as Namespace, quotas, limitRanges);
}

export function renderNamespace(ns: Namespace, quotas: ResourceQuota[] | undefined, limitRanges: LimitRange[] | undefined): string {
  const w = new PrefixWriter();
  w.write(LEVEL_0, `Name:\t${ns.metadata?.name ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', ns.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata?.annotations);
  w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
  const conditions = ns.status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n');
    w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(LEVEL_1, `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
  }
  if (quotas) {
    w.write(LEVEL_0, '\n');
    describeResourceQuotas(quotas, w);
  }
  if (limitRanges) {
    w.write(LEVEL_0, '\n');
    describeLimitRanges(limitRanges, w);
  }
  return w.toString();
}

const scopeHelp: Record<string, string> = {
  Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
  NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
  BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
  NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** DescribeResourceQuotas: every quota by name, its scopes explained, used against hard per resource. */
export function describeResourceQuotas(quotas: ResourceQuota[], w: PrefixWriter): void {
  if (quotas.length === 0) {
    w.write(LEVEL_0, 'No resource quota.\n');
    return;
  }
  w.write(LEVEL_0, 'Resource Quotas\n');
  for (const q of [...quotas].sort((a, b) => byString(a.metadata?.name ?? '', b.metadata?.name ?? ''))) {
    w.write(LEVEL_1, `Name:\t${q.metadata?.name ?? ''}\n`);
    const scopes = [...(q.spec?.scopes ?? [])].sort(byString);
    if (scopes.length > 0) {
      w.write(LEVEL_1, `Scopes:\t${scopes.join(', ')}\n`);
      for (const scope of scopes) if (scopeHelp[scope]) w.write(LEVEL_1, `* ${scopeHelp[scope]}\n`);
    }
    w.write(LEVEL_1, 'Resource\tUsed\tHard\n');
    w.write(LEVEL_1, '--------\t---\t---\n');
    const hard = q.status?.hard ?? {};
    for (const resource of Object.keys(hard).sort(byString)) {
      w.write(LEVEL_1, `${resource}\t${quantityString(q.status?.used?.[resource])}\t${quantityString(hard[resource])}\n`);
    }
  }
}

/**
 * DescribeLimitRanges: one row per limit item and resource. (kubectl walks the resources in Go's random map
 * order; they are sorted here.)
 */
export function describeLimitRanges(limitRanges: LimitRange[], w: PrefixWriter): void {
  if (limitRanges.length === 0) {
    w.write(LEVEL_0, 'No LimitRange resource.\n');
    return;
  }
  w.write(LEVEL_0, 'Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
  w.write(LEVEL_0, ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      const lists = [item.min, item.max, item.defaultRequest, item.default, item.maxLimitRequestRatio];
      const names = [...new Set(lists.flatMap((l) => Object.keys(l ?? {})))].sort(byString);
      for (const name of names) {
        const cells = lists.map((l) => (l && Object.hasOwn(l, name) ? quantityString(l[name]) : '-'));
        w.write(LEVEL_0, ` ${item.type}\t${name}\t${cells.join('\t')}\n`);
      }
    }
  }
}
