// describe service: kubectl's ServiceDescriber: selector, type, IPs, each port with its target, node port and
// endpoints (read from the service's EndpointSlices, as kubectl does), affinity and traffic policies, events.
import { joinHostPort } from '../../apiserver/api/go-format.ts';
import type { Service } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { formatLabels } from '../../apiserver/server/printers/selectors.ts';
import { eventsFor, listAll, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline } from './format.ts';
import { LEVEL_0, PrefixWriter } from './prefix-writer.ts';

/** The fields of a discovery.k8s.io/v1 EndpointSlice that the Endpoints lines read. */
export interface EndpointSlice {
  ports?: { name?: string; port?: number }[] | null;
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[];
}

const endpointSlicesResource = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', namespaced: true };


/**
 * formatEndpointSlices: the ready endpoints serving the named port (or, for slices without ports, the bare
 * addresses), the first three shown and the rest counted as `+ N more...`.
 */
export function formatEndpointSlices(slices: readonly EndpointSlice[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (text: string): void => {
    if (!more) list.push(text);
    count++;
  };
  for (const slice of slices) {
    const endpoints = slice.endpoints ?? [];
    // A nil ready condition means "unknown", which consumers take as ready. kubectl checks for the fourth
    // address before skipping the not-ready one, so a not-ready fourth still sets "more".
    const ready = (e: (typeof endpoints)[number]): boolean => e.conditions?.ready !== false;
    if (!slice.ports || slice.ports.length === 0) {
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (ready(e)) add(e.addresses[0]);
      }
      continue;
    }
    for (const port of slice.ports) {
      if ((port.name ?? '') !== portName) continue;
      for (const e of endpoints) {
        if (list.length === max) more = true;
        if (ready(e)) add(joinHostPort(e.addresses[0], port.port ?? 0));
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

/** buildIngressString: load balancer IPs (with their mode) or host names. */
function ingressString(ingress: NonNullable<NonNullable<Service['status']>['loadBalancer']>['ingress']): string {
  return (ingress ?? []).map((i) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ''}` : i.hostname ?? '')).join(', ');
}

export async function describeService(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  let slices: EndpointSlice[] = [];
  try {
    slices = await listAll<EndpointSlice>(ctx, endpointSlicesResource, obj.metadata?.namespace,
      { labelSelector: `kubernetes.io/service-name=${obj.metadata?.name ?? ''}` });
  } catch {
    // kubectl ignores the error (a server without EndpointSlices): every port then shows no endpoints.
  }
  return renderService(obj as Service, slices, await eventsFor(ctx, obj, 'Service'), ctx.now);
}

export function renderService(svc: Service, slices: readonly EndpointSlice[], events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = svc.spec;
  w.write(LEVEL_0, `Name:\t${svc.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${svc.metadata?.namespace ?? ''}\n`);
  printLabelsMultiline(w, 'Labels', svc.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', svc.metadata?.annotations);
  w.write(LEVEL_0, `Selector:\t${formatLabels(spec?.selector)}\n`);
  w.write(LEVEL_0, `Type:\t${spec?.type ?? ''}\n`);
  if (spec?.ipFamilyPolicy) w.write(LEVEL_0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(LEVEL_0, `IP Families:\t${spec?.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(LEVEL_0, `IP:\t${spec?.clusterIP ?? ''}\n`);
  w.write(LEVEL_0, `IPs:\t${spec?.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec?.externalIPs?.length) w.write(LEVEL_0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec?.loadBalancerIP) w.write(LEVEL_0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec?.externalName) w.write(LEVEL_0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress;
  if (ingress?.length) w.write(LEVEL_0, `LoadBalancer Ingress:\t${ingressString(ingress)}\n`);
  for (const port of spec?.ports ?? []) {
    const name = port.name || '<unset>';
    const protocol = port.protocol ?? '';
    w.write(LEVEL_0, `Port:\t${name}\t${port.port}/${protocol}\n`);
    // An IntOrString left out reads as the integer 0.
    w.write(LEVEL_0, `TargetPort:\t${port.targetPort ?? 0}/${protocol}\n`);
    if (port.nodePort) w.write(LEVEL_0, `NodePort:\t${name}\t${port.nodePort}/${protocol}\n`);
    w.write(LEVEL_0, `Endpoints:\t${formatEndpointSlices(slices, port.name ?? '')}\n`);
  }
  w.write(LEVEL_0, `Session Affinity:\t${spec?.sessionAffinity ?? ''}\n`);
  if (spec?.externalTrafficPolicy) w.write(LEVEL_0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec?.internalTrafficPolicy) w.write(LEVEL_0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec?.healthCheckNodePort) w.write(LEVEL_0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec?.loadBalancerSourceRanges?.length) w.write(LEVEL_0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
