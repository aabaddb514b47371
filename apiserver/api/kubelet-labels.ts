// Which node labels are a kubelet's own (k8s.io/kubelet's IsKubeletLabel) and which a node may not set on itself.
// Shared by NodeRestriction admission, which refuses the others from a node, and the kubelet, which refuses them
// in --node-labels at start rather than fail to register.

/** v1.NamespaceNodeLease: where each kubelet keeps its heartbeat Lease, named after its node. */
export const nodeLeaseNamespace = 'kube-node-lease';

/** v1.LabelNamespaceNodeRestriction: labels only an administrator may set, for placing workloads on trusted nodes. */
const nodeRestrictionLabelNamespace = 'node-restriction.kubernetes.io';

/** kubeletapis.IsKubeletLabel's fixed keys: what a kubelet sets about itself. */
export const kubeletLabels: ReadonlySet<string> = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type',
  'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
]);
/** ...and the label namespaces (with their subdomains) a kubelet may use freely. */
export const kubeletLabelNamespaces: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** kube's getLabelNamespace: the prefix before the `/`, '' for an unprefixed key. */
function labelNamespace(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? '' : key.slice(0, slash);
}

function inNamespace(namespace: string, domain: string): boolean {
  return namespace === domain || namespace.endsWith(`.${domain}`);
}

export function isKubeletLabel(key: string): boolean {
  if (kubeletLabels.has(key)) return true;
  const namespace = labelNamespace(key);
  return kubeletLabelNamespaces.some((allowed) => inNamespace(namespace, allowed));
}

/** The labels a node may not add, remove or change on itself, sorted (Go's sets.String.List()). */
export function forbiddenNodeLabels(modified: string[]): string[] {
  return modified.filter((key) => {
    const namespace = labelNamespace(key);
    if (inNamespace(namespace, nodeRestrictionLabelNamespace)) return true;
    const kubernetesLabel = inNamespace(namespace, 'kubernetes.io') || inNamespace(namespace, 'k8s.io');
    return kubernetesLabel && !isKubeletLabel(key);
  }).sort();
}
