// The NodeRestriction admission plugin (kube's plugin/pkg/admission/noderestriction, as of 1.32). The Node
// authorizer decides which kinds a kubelet may write; this decides which objects and which fields: only mirror pods
// bound to itself that pull nothing out of the API, status of its own pods, its own Node without steering labels or
// taints, its own Lease, tokens only for pods it runs. A stolen kubelet credential then cannot relabel its node to
// attract privileged workloads, nor mint tokens for pods elsewhere. Users that are not nodes pass untouched.
//
// Not covered (kube's plugin does): csinodes (not served), events and resourceslices (no node rules here either),
// and the ServiceAccountNodeAudienceRestriction token-audience check (alpha, off by default, in 1.32).
import { errors } from '../api/errors.ts';
import { forbiddenNodeLabels, nodeLeaseNamespace } from '../api/kubelet-labels.ts';
import { resourceFor } from '../api/resources.ts';
import type { Eviction, KubeObject, Lease, Node, Pod, TokenRequest } from '../api/types.ts';
import { isPlainObject, semanticEqual } from '../api/validation/common.ts';
import { mirrorPodAnnotation } from '../api/validation/pod-annotations.ts';
import { nodeIdentity } from '../rbac/node-authorizer.ts';
import { visitPodReferences } from '../rbac/pod-references.ts';
import { objectKey } from '../registry/keys.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { UserInfo } from '../server/user.ts';
import type { Store } from '../storage/store.ts';
import { admissionForbidden } from './forbidden.ts';

/** What the plugin reads besides the request: kube's pod and node listers. */
export interface NodeRestrictionLookup {
  pod(namespace: string, name: string): Promise<Pod | undefined>;
  node(name: string): Promise<Node | undefined>;
}

const podsResource = resourceFor('', 'v1', 'pods')!;
const nodesResource = resourceFor('', 'v1', 'nodes')!;

export function storeLookup(store: Store): NodeRestrictionLookup {
  return {
    pod: async (namespace, name) => await store.get(objectKey(podsResource, namespace, name)) as Pod | undefined,
    node: async (name) => await store.get(objectKey(nodesResource, '', name)) as Node | undefined,
  };
}

export async function admitNodeRestriction(
  user: UserInfo | undefined, a: AdmissionAttributes, lookup: NodeRestrictionLookup,
): Promise<void> {
  const nodeName = user ? nodeIdentity(user) : undefined;
  // Our job is only to restrict nodes.
  if (nodeName === undefined) return;
  if (nodeName === '') throw admissionForbidden(a, `could not determine node from user ${JSON.stringify(user!.name)}`);

  const resource = `${a.ri.group}/${a.ri.plural}`;
  switch (resource) {
    case '/pods':
      switch (a.subresource) {
        case '': return admitPod(nodeName, a, lookup);
        case 'status': return admitPodStatus(nodeName, a);
        case 'eviction': return admitPodEviction(nodeName, a, lookup);
        default:
          throw admissionForbidden(a, `unexpected pod subresource ${JSON.stringify(a.subresource)}, only 'status' and 'eviction' are allowed`);
      }
    case '/nodes': return admitNode(nodeName, a);
    case '/persistentvolumeclaims':
      if (a.subresource !== 'status') throw admissionForbidden(a, 'may only update PVC status');
      return admitPVCStatus(nodeName, a);
    case '/serviceaccounts': return admitServiceAccountToken(nodeName, a, lookup);
    case 'coordination.k8s.io/leases': return admitLease(nodeName, a);
    default: return;
  }
}

// ---- pods

async function admitPod(nodeName: string, a: AdmissionAttributes, lookup: NodeRestrictionLookup): Promise<void> {
  switch (a.operation) {
    case 'CREATE': return admitMirrorPodCreate(nodeName, a, a.object as Pod, lookup);
    case 'DELETE': {
      // The stored pod decides, not the request: a node may delete any pod bound to it (mirror or not).
      const existing = await lookup.pod(a.namespace, a.name);
      if (!existing) throw errors.notFound('', 'pods', a.name);
      if (existing.spec?.nodeName !== nodeName) {
        throw admissionForbidden(a, `node ${JSON.stringify(nodeName)} can only delete pods with spec.nodeName set to itself`);
      }
      return;
    }
    default:
      throw admissionForbidden(a, `unexpected operation ${JSON.stringify(a.operation)}, node ${JSON.stringify(nodeName)} can only create and delete mirror pods`);
  }
}

async function admitMirrorPodCreate(nodeName: string, a: AdmissionAttributes, pod: Pod, lookup: NodeRestrictionLookup): Promise<void> {
  const node = JSON.stringify(nodeName);
  const forbid = (reason: string) => admissionForbidden(a, reason);
  if (!(mirrorPodAnnotation in (pod.metadata?.annotations ?? {}))) {
    throw forbid(`pod does not have ${JSON.stringify(mirrorPodAnnotation)} annotation, node ${node} can only create mirror pods`);
  }
  if (pod.spec?.nodeName !== nodeName) throw forbid(`node ${node} can only create pods with spec.nodeName set to itself`);

  // The mirror is owned by its Node (so it is collected with it) and by nothing else the node could name.
  const owners = pod.metadata?.ownerReferences ?? [];
  if (owners.length > 1) throw forbid(`node ${node} can only create pods with a single owner reference set to itself`);
  if (owners.length === 0) throw forbid(`node ${node} can only create pods with an owner reference set to itself`);
  const owner = owners[0];
  if (owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== nodeName) {
    throw forbid(`node ${node} can only create pods with an owner reference set to itself`);
  }
  if (owner.controller !== true) throw forbid(`node ${node} can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true) throw forbid(`node ${node} must not set blockOwnerDeletion on an owner reference`);
  const self = await lookup.node(nodeName);
  if (!self) throw errors.notFound('', 'nodes', nodeName);
  // (sic: kube prints the two uids the other way round.)
  if (owner.uid !== self.metadata?.uid) throw forbid(`node ${nodeName} UID mismatch: expected ${owner.uid} got ${self.metadata?.uid ?? ''}`);

  // A pod the node makes must not reference other API objects: the Node authorizer would then let the node read them.
  const reference = apiObjectReference(pod);
  if (reference) throw forbid(`node ${node} can not create pods that reference ${reference}`);
}

/**
 * What a pod references in the API, in the words of kube's refusal; undefined for nothing. The first five are
 * 1.32's checks and messages; resource claims came with 1.32.6 (CVE-2025-4563); projected ServiceAccount
 * tokens and ephemeral volumes (whose claim the node could then read) come from kube's later
 * podutil.HasAPIObjectReference and use its wording.
 */
export function apiObjectReference(pod: Pod): string | undefined {
  const spec = pod.spec;
  if (!spec) return undefined;
  if (spec.serviceAccountName) return 'a service account';
  const secretOrConfigMap = secretOrConfigMapReference(pod);
  if (secretOrConfigMap) return secretOrConfigMap;
  const volumes = spec.volumes ?? [];
  if (volumes.some((v) => v.projected?.sources?.some((s) => s.clusterTrustBundle))) return 'clustertrustbundles';
  if (volumes.some((v) => v.persistentVolumeClaim)) return 'persistentvolumeclaims';
  if ((spec.resourceClaims ?? []).length > 0) return 'resourceclaims';
  for (const v of volumes) {
    if (v.projected?.sources?.some((s) => s.serviceAccountToken)) return 'serviceaccounts (via projected volumes)';
    if (v.ephemeral) return 'persistentvolumeclaims (via ephemeral volumes)';
  }
  return undefined;
}

/**
 * kube's VisitPodSecretNames, then VisitPodConfigmapNames, over all containers and volumes: whether the pod names a
 * Secret (checked first) or else a ConfigMap, even with an empty name.
 */
function secretOrConfigMapReference(pod: Pod): 'secrets' | 'configmaps' | undefined {
  let found: 'secrets' | 'configmaps' | undefined;
  visitPodReferences(pod, (kind) => {
    if (kind === 'secret') found = 'secrets';
    else if (kind === 'configmap') found ??= 'configmaps';
    return found !== 'secrets';
  });
  return found;
}

function admitPodStatus(nodeName: string, a: AdmissionAttributes): void {
  if (a.operation !== 'UPDATE') throw admissionForbidden(a, `unexpected operation ${JSON.stringify(a.operation)}`);
  const oldPod = a.oldObject as Pod;
  const newPod = a.object as Pod;
  const node = JSON.stringify(nodeName);
  if (oldPod.spec?.nodeName !== nodeName) {
    throw admissionForbidden(a, `node ${node} can only update pod status for pods with spec.nodeName set to itself`);
  }
  if (!sameStringMap(oldPod.metadata?.labels, newPod.metadata?.labels)) {
    throw admissionForbidden(a, `node ${node} cannot update labels through pod status`);
  }
  // Claim statuses say which ResourceClaim backs a pod's claim; a node rewriting them could reach other claims.
  if (!sameClaimStatuses(oldPod.status?.resourceClaimStatuses, newPod.status?.resourceClaimStatuses)) {
    throw admissionForbidden(a, `node ${node} cannot update resource claim statues`);
  }
}

type ClaimStatus = NonNullable<NonNullable<Pod['status']>['resourceClaimStatuses']>[number];

function sameClaimStatuses(x: ClaimStatus[] | undefined, y: ClaimStatus[] | undefined): boolean {
  const a = x ?? [];
  const b = y ?? [];
  return a.length === b.length && a.every((s, i) => s.name === b[i].name && (s.resourceClaimName ?? null) === (b[i].resourceClaimName ?? null));
}

async function admitPodEviction(nodeName: string, a: AdmissionAttributes, lookup: NodeRestrictionLookup): Promise<void> {
  if (a.operation !== 'CREATE') throw admissionForbidden(a, `unexpected operation ${a.operation}`);
  // The pod named by the URL wins over the Eviction's own name.
  const podName = a.name || (a.object as Eviction | undefined)?.metadata?.name || '';
  if (!podName) throw admissionForbidden(a, 'could not determine pod from request data');
  const existing = await lookup.pod(a.namespace, podName);
  if (!existing) throw errors.notFound('', 'pods', podName);
  if (existing.spec?.nodeName !== nodeName) {
    throw admissionForbidden(a, `node ${nodeName} can only evict pods with spec.nodeName set to itself`);
  }
}

// ---- persistentvolumeclaims/status

function admitPVCStatus(nodeName: string, a: AdmissionAttributes): void {
  if (a.operation !== 'UPDATE') throw admissionForbidden(a, `unexpected operation ${JSON.stringify(a.operation)}`);
  // A kubelet expanding a volume reports capacity, conditions and (RecoverVolumeExpansionFailure, beta and on in
  // 1.32) the allocated resources; anything else it changes is refused.
  const strip = (obj: KubeObject | undefined): unknown => {
    const pvc = structuredClone(obj ?? {}) as { metadata?: Record<string, unknown>; status?: Record<string, unknown> };
    for (const field of ['resourceVersion', 'managedFields']) delete pvc.metadata?.[field];
    for (const field of ['capacity', 'conditions', 'allocatedResources', 'allocatedResourceStatuses']) delete pvc.status?.[field];
    return pvc;
  };
  const changed = differingPaths(strip(a.oldObject), strip(a.object), '');
  if (changed.length > 0) {
    // kube appends a cmp.Diff of the two objects; here, the paths that differ.
    throw admissionForbidden(a, `node ${JSON.stringify(nodeName)} is not allowed to update fields other than status.capacity and status.conditions: ${changed.join(', ')}`);
  }
}

/** The dotted paths where two JSON values differ, as apiequality.Semantic.DeepEqual sees it. */
function differingPaths(x: unknown, y: unknown, at: string): string[] {
  if (isPlainObject(x) && isPlainObject(y)) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    return keys.flatMap((k) => differingPaths(x[k], y[k], at ? `${at}.${k}` : k));
  }
  return semanticEqual(x, y) ? [] : [at];
}

// ---- nodes

function admitNode(nodeName: string, a: AdmissionAttributes): void {
  const node = JSON.stringify(nodeName);
  if (a.name !== nodeName) throw admissionForbidden(a, `node ${node} is not allowed to modify node ${JSON.stringify(a.name)}`);
  if (a.operation === 'CREATE') {
    const created = a.object as Node;
    // The Node authorizer scopes a node's reads to what its spec names, so setting configSource would widen them.
    // (sic: kube's message says pods.)
    if (created.spec?.configSource) throw admissionForbidden(a, `node ${node} is not allowed to create pods with a non-nil configSource`);
    // Taints are the node's to choose at registration (--register-with-taints); labels are not all its to choose.
    const forbidden = forbiddenNodeLabels(modifiedLabels(created.metadata?.labels, undefined));
    if (forbidden.length > 0) throw admissionForbidden(a, `node ${node} is not allowed to set the following labels: ${forbidden.join(', ')}`);
  }
  if (a.operation === 'UPDATE') {
    const updated = a.object as Node;
    const old = a.oldObject as Node;
    // Only a new non-nil configSource counts: old kubelets drop the field on status updates.
    if (updated.spec?.configSource && !semanticEqual(updated.spec.configSource, old.spec?.configSource)) {
      throw admissionForbidden(a, `node ${node} is not allowed to update configSource to a new non-nil configSource`);
    }
    // Removing its own taints would let a node attract workloads kept off it on purpose.
    if (!semanticEqual(updated.spec?.taints, old.spec?.taints)) throw admissionForbidden(a, `node ${node} is not allowed to modify taints`);
    const forbidden = forbiddenNodeLabels(modifiedLabels(updated.metadata?.labels, old.metadata?.labels));
    // (sic: no node name in kube's message.)
    if (forbidden.length > 0) throw admissionForbidden(a, `is not allowed to modify labels: ${forbidden.join(', ')}`);
  }
  // DELETE of itself passes here, as in kube: authorization decides.
}

function sameStringMap(x: Record<string, string> | undefined, y: Record<string, string> | undefined): boolean {
  return modifiedLabels(x, y).length === 0;
}

/** The keys added, removed or changed between two label maps. */
export function modifiedLabels(x: Record<string, string> | undefined, y: Record<string, string> | undefined): string[] {
  const a = x ?? {};
  const b = y ?? {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !(k in a) || !(k in b) || a[k] !== b[k]);
}

// ---- serviceaccounts/token

async function admitServiceAccountToken(nodeName: string, a: AdmissionAttributes, lookup: NodeRestrictionLookup): Promise<void> {
  if (a.operation !== 'CREATE' || a.subresource !== 'token') return;
  // A node's token must be bound to a pod scheduled on it; kube then infers the Node binding itself, so a node
  // cannot spoof one.
  const ref = (a.object as TokenRequest | undefined)?.spec?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) {
    throw admissionForbidden(a, 'node requested token not bound to a pod');
  }
  if (!ref.uid) throw admissionForbidden(a, 'node requested token with a pod binding without a uid');
  const pod = await lookup.pod(a.namespace, ref.name);
  if (!pod) throw errors.notFound('', 'pods', ref.name);
  if (ref.uid !== pod.metadata?.uid) {
    throw admissionForbidden(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  if (pod.spec?.nodeName !== nodeName) throw admissionForbidden(a, 'node requested token bound to a pod scheduled on a different node');
}

// ---- leases

function admitLease(nodeName: string, a: AdmissionAttributes): void {
  if (a.namespace !== nodeLeaseNamespace) {
    throw admissionForbidden(a, `can only access leases in the ${JSON.stringify(nodeLeaseNamespace)} system namespace`);
  }
  const name = a.operation === 'CREATE' ? (a.object as Lease | undefined)?.metadata?.name : a.name;
  if (name !== nodeName) throw admissionForbidden(a, 'can only access node lease with the same name as the requesting node');
}
