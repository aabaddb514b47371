// describe pod: kubectl's PodDescriber, field for field.
import type { Pod } from '../../apiserver/api/types.ts';
import { podQOSClass } from '../../apiserver/api/defaults/pod-qos.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import { describeEvents, printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline, rfc1123z, since } from './format.ts';
import { describeContainers, describeResources, describeTopologySpreadConstraints, describeVolumes } from './pod-spec.ts';
import { LEVEL_0, LEVEL_1, PrefixWriter } from './prefix-writer.ts';

/** The value a downward-API env var reads from the pod (the fields kubectl resolves). */
function podField(pod: Pod, path: string): string {
  const meta = pod.metadata;
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return meta?.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
  if (annotation) return meta?.annotations?.[annotation[1]] ?? '';
  switch (path) {
    case 'metadata.name': return meta?.name ?? '';
    case 'metadata.namespace': return meta?.namespace ?? '';
    case 'metadata.uid': return meta?.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return pod.status?.hostIP ?? '';
    case 'status.podIP': return pod.status?.podIP ?? '';
    default: return '';
  }
}

export function controllerOf(obj: ApiObject): string {
  const ref = obj.metadata?.ownerReferences?.find((o) => o.controller);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

export async function describePod(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const pod = obj as Pod;
  // Pod events are searched without the kind, as kubectl does (mirror pods' events name another uid).
  const events = await eventsFor(ctx, obj);
  return renderPod(pod, events, ctx.now);
}

export function renderPod(pod: Pod, events: Parameters<typeof describeEvents>[0], now: number): string {
  const w = new PrefixWriter();
  const spec = pod.spec;
  const status = pod.status;
  w.write(LEVEL_0, `Name:\t${pod.metadata?.name ?? ''}\n`);
  w.write(LEVEL_0, `Namespace:\t${pod.metadata?.namespace ?? ''}\n`);
  if (spec?.priority !== undefined) w.write(LEVEL_0, `Priority:\t${spec.priority}\n`);
  if (spec?.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec?.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
  if (spec?.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(LEVEL_0, spec?.nodeName ? `Node:\t${spec.nodeName}/${status?.hostIP ?? ''}\n` : 'Node:\t<none>\n');
  if (status?.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  printLabelsMultiline(w, 'Labels', pod.metadata?.labels);
  printAnnotationsMultiline(w, 'Annotations', pod.metadata?.annotations);
  if (pod.metadata?.deletionTimestamp && status?.phase !== 'Failed' && status?.phase !== 'Succeeded') {
    w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(pod.metadata.deletionTimestamp, now)})\n`);
    w.write(LEVEL_0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(LEVEL_0, `Status:\t${status?.phase ?? ''}\n`);
  }
  if (status?.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`);
  if (status?.message) w.write(LEVEL_0, `Message:\t${status.message}\n`);
  const seccomp = spec?.securityContext?.seccompProfile;
  if (seccomp) {
    w.write(LEVEL_0, `SeccompProfile:\t${seccomp.type}\n`);
    if (seccomp.type === 'Localhost') w.write(LEVEL_0, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
  }
  w.write(LEVEL_0, `IP:\t${status?.podIP ?? ''}\n`);
  if (!status?.podIPs || status.podIPs.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
  else {
    w.write(LEVEL_0, 'IPs:\n');
    for (const ip of status.podIPs) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
  }
  const controlledBy = controllerOf(pod);
  if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
  if (status?.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  const podResources = (spec as { resources?: Parameters<typeof describeResources>[0] } | undefined)?.resources;
  if (podResources) {
    w.write(LEVEL_0, 'Resources:\n');
    describeResources(podResources, w, LEVEL_1);
  }
  const resolveField = (_apiVersion: string, path: string): string => podField(pod, path);
  if (spec?.initContainers && spec.initContainers.length > 0) {
    describeContainers('Init Containers', spec.initContainers, w, { statuses: status?.initContainerStatuses, resolveField });
  }
  describeContainers('Containers', spec?.containers, w, { statuses: status?.containerStatuses, resolveField });
  if (spec?.readinessGates && spec.readinessGates.length > 0) {
    w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of spec.readinessGates) {
      const c = status?.conditions?.find((x) => x.type === g.conditionType);
      w.write(LEVEL_1, `${g.conditionType} \t${c ? c.status : '<none>'} \n`);
    }
  }
  if (status?.conditions && status.conditions.length > 0) {
    w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
    for (const c of status.conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(spec?.volumes, w);
  w.write(LEVEL_0, `QoS Class:\t${status?.qosClass ?? (spec ? podQOSClass(spec) : 'BestEffort')}\n`);
  printLabelsMultiline(w, 'Node-Selectors', spec?.nodeSelector);
  printTolerationsMultiline(w, 'Tolerations', spec?.tolerations);
  describeTopologySpreadConstraints(spec?.topologySpreadConstraints, w);
  if (events) describeEvents(events, w, now);
  return w.toString();
}
