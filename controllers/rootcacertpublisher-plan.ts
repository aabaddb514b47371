// What the root-ca-cert-publisher does to one namespace (kube's rootcacertpublisher syncNamespace), as a pure
// decision: make kube-root-ca.crt when missing, put the CA and the description back when someone changed them.
import type { ConfigMap, Namespace } from '../apiserver/api/types.ts';

export const rootCAConfigMapName = 'kube-root-ca.crt';
export const descriptionAnnotation = 'kubernetes.io/description';
export const rootCADescription = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints '
  + 'such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export type RootCAPlan =
  | { action: 'none' }
  | { action: 'create'; configMap: ConfigMap }
  | { action: 'update'; configMap: ConfigMap };

export function planRootCAConfigMap(ns: Namespace, existing: ConfigMap | undefined, rootCA: string): RootCAPlan {
  // A namespace not Active yet, or terminating, takes no new objects.
  if (ns.status?.phase !== 'Active') return { action: 'none' };
  const data = { 'ca.crt': rootCA };
  if (!existing) {
    return {
      action: 'create',
      configMap: {
        apiVersion: 'v1', kind: 'ConfigMap',
        metadata: { name: rootCAConfigMapName, namespace: ns.metadata?.name, annotations: { [descriptionAnnotation]: rootCADescription } },
        data,
      },
    };
  }
  const sameData = Object.keys(existing.data ?? {}).length === 1 && existing.data?.['ca.crt'] === rootCA && !existing.binaryData;
  if (sameData && existing.metadata?.annotations?.[descriptionAnnotation]) return { action: 'none' };
  const configMap = structuredClone(existing);
  configMap.data = data;
  delete configMap.binaryData;
  configMap.metadata = {
    ...configMap.metadata, annotations: { ...configMap.metadata?.annotations, [descriptionAnnotation]: rootCADescription },
  };
  return { action: 'update', configMap };
}
