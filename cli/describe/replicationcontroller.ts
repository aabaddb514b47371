// describe replicationcontroller: kubectl's ReplicationControllerDescriber, the ReplicaSet layout for the older
// kind: a map selector, replica counts, how its pods are doing, the pod template, conditions and events.
import type { ReplicationController } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { formatLabels } from '../../apiserver/server/printers/selectors.ts';
import { eventsFor, type DescribeContext } from './context.ts';
import type { describeEvents } from './format.ts';
import { podPhasesFor, renderReplicaSetLike, type PodPhaseCounts } from './replicaset.ts';

export async function describeReplicationController(ctx: DescribeContext, _resource: unknown, obj: ApiObject): Promise<string> {
  const rc = obj as ReplicationController;
  // SelectorFromSet: an RC's map selector, where an empty map selects every pod.
  const phases = await podPhasesFor(ctx, rc.metadata?.namespace, { matchLabels: rc.spec?.selector ?? {} }, rc.metadata?.uid);
  return renderReplicationController(rc, phases, await eventsFor(ctx, obj, 'ReplicationController'), ctx.now);
}

export function renderReplicationController(rc: ReplicationController, phases: PodPhaseCounts, events: Parameters<typeof describeEvents>[0], now: number): string {
  // kubectl passes the RC's template pointer, which may be nil: then "<unset>" without a newline. No Controlled By.
  return renderReplicaSetLike(rc, formatLabels(rc.spec?.selector), '', phases, events, now);
}
