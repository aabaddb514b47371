// The rollout history of a workload, as kubectl's history viewers and rollbackers find it: a Deployment's
// revisions are its ReplicaSets (numbered by the deployment.kubernetes.io/revision annotation), a DaemonSet's and
// a StatefulSet's are the ControllerRevisions they own. Each revision comes with the pod template it ran.
import { selectorFromLabelSelector, selectorToString } from '../apiserver/api/labels.ts';
import type { ControllerRevision, LabelSelector, PodTemplateSpec, ReplicaSet } from '../apiserver/api/types.ts';
import type { ApiObject } from '../apiserver/client/object.ts';
import { templateOf } from '../controllers/controller-revision.ts';
import { changeCauseAnnotation, revisionOf } from '../controllers/deployment-revisions.ts';
import type { DiscoveredResource } from './discovery.ts';
import type { Session } from './session.ts';

export interface Revision {
  revision: number;
  template: PodTemplateSpec;
  changeCause: string | undefined;
  /** The ReplicaSet or ControllerRevision it came from. */
  source: ApiObject;
}

const replicaSets = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true };
const controllerRevisions = { group: 'apps', version: 'v1', plural: 'controllerrevisions', namespaced: true };

/** The kinds rollout history/undo know. */
export function hasHistory(resource: DiscoveredResource): boolean {
  return resource.group === 'apps' && ['Deployment', 'DaemonSet', 'StatefulSet'].includes(resource.kind);
}

function ownedBy(obj: ApiObject, owner: ApiObject): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === owner.metadata?.uid);
}

/** Every revision of `owner`, oldest first; several objects claiming one number keep the last listed. */
export async function revisionsOf(session: Session, resource: DiscoveredResource, owner: ApiObject): Promise<Revision[]> {
  const selector = selectorFromLabelSelector((owner as { spec?: { selector?: LabelSelector } }).spec?.selector);
  if (selector === 'nothing') return [];
  const client = session.client();
  const namespace = owner.metadata?.namespace;
  const byNumber = new Map<number, Revision>();
  if (resource.kind === 'Deployment') {
    const list = await client.list<ReplicaSet>(replicaSets, namespace, { labelSelector: selectorToString(selector) });
    for (const rs of list.items.filter((r) => ownedBy(r, owner))) {
      const revision = revisionOf(rs);
      if (!revision) continue;
      byNumber.set(revision, {
        revision, template: rs.spec?.template ?? {}, changeCause: rs.metadata?.annotations?.[changeCauseAnnotation], source: rs,
      });
    }
  } else {
    const list = await client.list<ControllerRevision>(controllerRevisions, namespace, { labelSelector: selectorToString(selector) });
    for (const cr of list.items.filter((r) => ownedBy(r, owner))) {
      byNumber.set(cr.revision, {
        revision: cr.revision, template: templateOf(cr) ?? {}, changeCause: cr.metadata?.annotations?.[changeCauseAnnotation], source: cr,
      });
    }
  }
  return [...byNumber.values()].sort((a, b) => a.revision - b.revision);
}
