// The Node authorizer (kube's plugin/pkg/auth/authorizer/node): a kubelet, authenticated as system:node:<name> in
// group system:nodes, may do what kubelets need (nodeRules), but may read a Secret, ConfigMap, claim or volume, or
// mint a ServiceAccount token, only when a pod bound to its node uses it, and may touch only its own heartbeat
// Lease. A stolen kubelet credential then exposes one node's secrets, not the cluster's. Anything else it has no
// opinion on, so RBAC may still allow it.
import { nodeLeaseNamespace } from '../api/kubelet-labels.ts';
import type { Authorizer, AuthorizationDecision, RequestAttributes, RuleResolver, UserRules } from '../server/authz.ts';
import type { UserInfo } from '../server/user.ts';
import { nodeRules } from './bootstrap-policy.ts';
import type { NodeGraph } from './node-graph.ts';
import { rulesAllow } from './policy-rule.ts';

export const nodesGroup = 'system:nodes';
export const nodeUserPrefix = 'system:node:';

/** kube's NodeIdentity: the node name, '' for a node user without one, undefined for anyone else. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes(nodesGroup) || !user.name.startsWith(nodeUserPrefix)) return undefined;
  return user.name.slice(nodeUserPrefix.length);
}

const allow: AuthorizationDecision = { allowed: true, reason: '' };
const noOpinion = (reason: string): AuthorizationDecision => ({ allowed: false, reason });

export class NodeAuthorizer implements Authorizer, RuleResolver {
  private readonly graph: NodeGraph;
  private readonly rules = nodeRules();

  constructor(graph: NodeGraph) {
    this.graph = graph;
  }

  authorize(attrs: RequestAttributes): AuthorizationDecision {
    const node = nodeIdentity(attrs.user);
    if (node === undefined) return noOpinion('');
    if (node === '') return noOpinion(`unknown node for user ${JSON.stringify(attrs.user.name)}`);
    if (attrs.resourceRequest && attrs.apiGroup === '') {
      switch (attrs.resource) {
        case 'secrets': return this.readNamespaced(node, 'secret', attrs);
        case 'configmaps': return this.readNamespaced(node, 'configmap', attrs);
        case 'persistentvolumeclaims':
          if (attrs.subresource === 'status') return this.statusUpdate(node, attrs);
          return this.getOnly(node, attrs, () => this.graph.uses(node, 'pvc', attrs.namespace, attrs.name));
        case 'persistentvolumes':
          return this.getOnly(node, attrs, () => this.graph.usesVolume(node, attrs.name));
        case 'serviceaccounts': return this.createToken(node, attrs);
      }
    }
    if (attrs.resourceRequest && attrs.apiGroup === 'coordination.k8s.io' && attrs.resource === 'leases') return this.lease(node, attrs);
    // Everything else is not narrowed per node: the static kubelet rules decide.
    return rulesAllow(attrs, this.rules) ? allow : noOpinion('');
  }

  /** kube's node authorizer cannot list what the graph would allow, so it says its answer is incomplete. */
  rulesFor(user: UserInfo): UserRules {
    const incomplete = nodeIdentity(user) !== undefined;
    return {
      resourceRules: [], nonResourceRules: [], incomplete,
      errors: incomplete ? ['node authorizer does not support user rule resolution'] : [],
    };
  }

  private related(node: string, attrs: RequestAttributes, reachable: () => boolean): AuthorizationDecision {
    if (!attrs.name) return noOpinion('No Object name found');
    return reachable() ? allow : noOpinion(`no relationship found between node '${node}' and this object`);
  }

  /** Secrets and ConfigMaps: get, or a list/watch of one name (the kubelet watches single objects). */
  private readNamespaced(node: string, kind: 'secret' | 'configmap', attrs: RequestAttributes): AuthorizationDecision {
    if (!['get', 'list', 'watch'].includes(attrs.verb)) return noOpinion('can only read resources of this type');
    if (attrs.subresource) return noOpinion('cannot read subresource');
    if (!attrs.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(node, attrs, () => this.graph.uses(node, kind, attrs.namespace, attrs.name));
  }

  private getOnly(node: string, attrs: RequestAttributes, reachable: () => boolean): AuthorizationDecision {
    if (attrs.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attrs.subresource) return noOpinion('cannot get subresource');
    return this.related(node, attrs, reachable);
  }

  private statusUpdate(node: string, attrs: RequestAttributes): AuthorizationDecision {
    if (!['get', 'update', 'patch'].includes(attrs.verb)) return noOpinion('can only get/update/patch this type');
    return this.related(node, attrs, () => this.graph.uses(node, 'pvc', attrs.namespace, attrs.name));
  }

  private createToken(node: string, attrs: RequestAttributes): AuthorizationDecision {
    if (attrs.verb !== 'create') return noOpinion('can only create tokens for individual service accounts');
    if (attrs.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.related(node, attrs, () => this.graph.uses(node, 'serviceaccount', attrs.namespace, attrs.name));
  }

  /** Its own heartbeat Lease in kube-node-lease, and nothing else. */
  private lease(node: string, attrs: RequestAttributes): AuthorizationDecision {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) {
      return noOpinion('can only get, create, update, patch, or delete a node lease');
    }
    if (attrs.namespace !== nodeLeaseNamespace) return noOpinion(`can only access leases in the ${nodeLeaseNamespace} namespace`);
    // The name of a create is in the body; kube leaves that to NodeRestriction admission.
    if (attrs.verb !== 'create' && attrs.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
    return allow;
  }
}
