// Which describer a kind gets. Kinds with kubectl's dedicated layouts are listed; everything else uses the generic
// one. To add a kind: write describe/<kind>.ts exporting a Describer and list it here.
import type { DiscoveredResource } from '../discovery.ts';
import type { Describer } from './context.ts';
import { describeConfigMap } from './configmap.ts';
import { describeDeployment } from './deployment.ts';
import { describeGeneric } from './generic.ts';
import { describeNode } from './node.ts';
import { describePod } from './pod.ts';
import { describeReplicaSet } from './replicaset.ts';

const describers: Record<string, Describer> = {
  '/pods': describePod,
  '/nodes': describeNode,
  '/configmaps': describeConfigMap,
  'apps/deployments': describeDeployment,
  'apps/replicasets': describeReplicaSet,
};

export function describerFor(resource: DiscoveredResource): Describer {
  return describers[`${resource.group}/${resource.plural}`] ?? describeGeneric;
}
