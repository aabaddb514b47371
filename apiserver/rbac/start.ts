// Puts authorization together for the apiserver: the RBAC policy index and the node graph fed from the store,
// the authorizers the modes name, their union, and the escalation check RBAC writes go through. The index is
// built whatever the modes (as kube always serves the RBAC API and guards its writes); the node graph only when
// the Node mode needs it.
import type { Logger } from 'pino';
import { resourceFor } from '../api/resources.ts';
import { collectionPrefix } from '../registry/keys.ts';
import type { Store } from '../storage/store.ts';
import { unionAuthorizer, type AuthorizationMode } from '../server/authorization-modes.ts';
import type { Authorizer, RuleResolver } from '../server/authz.ts';
import { RBACAuthorizer } from './authorizer.ts';
import type { EscalationCheck } from './escalation.ts';
import { NodeAuthorizer } from './node-authorizer.ts';
import { NodeGraph } from './node-graph.ts';
import { PolicyIndex, rbacPrefix } from './policy-index.ts';
import { feedFromStore, type StoreFeed } from './store-feed.ts';

export interface Authorization {
  authorizer: Authorizer & RuleResolver;
  escalation: EscalationCheck;
  stop(): void;
}

/** Resolves once every index holds what the store holds, so the first request is judged on complete policy. */
export async function startAuthorization(store: Store, modes: AuthorizationMode[], logger: Logger): Promise<Authorization> {
  const feeds: StoreFeed[] = [];
  const policy = new PolicyIndex();
  feeds.push(await feedFromStore(store, rbacPrefix, policy, logger));
  let node: NodeAuthorizer | undefined;
  if (modes.includes('Node')) {
    const graph = new NodeGraph();
    feeds.push(await feedFromStore(store, collectionPrefix(resourceFor('', 'v1', 'pods')!, ''), graph.podFeed, logger));
    feeds.push(await feedFromStore(store, collectionPrefix(resourceFor('', 'v1', 'persistentvolumeclaims')!, ''), graph.claimFeed, logger));
    node = new NodeAuthorizer(graph);
  }
  const authorizer = unionAuthorizer(modes, { rbac: new RBACAuthorizer(policy), node });
  return {
    authorizer,
    escalation: { authorizer, policy },
    stop: () => { for (const feed of feeds) feed.stop(); },
  };
}
