// The objects a pod uses from its namespace: what its node must be able to read to run it (kube's
// VisitPodSecretNames, VisitPodConfigmapNames and the claims of its volumes, as the node authorizer's graph
// records them). Keys are `secret/<ns>/<name>`, `configmap/...`, `pvc/...` and `serviceaccount/...`.
import type { Container, Pod, Volume } from '../api/types.ts';

export type ReferenceKind = 'secret' | 'configmap' | 'pvc' | 'serviceaccount';

export function referenceKey(kind: ReferenceKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/**
 * Calls `visit` for every object the pod references, in spec order, including references whose name is empty (a
 * `secretRef: {}` still counts as naming a Secret, as in kube's visitors); `visit` returns false to stop early.
 */
export function visitPodReferences(pod: Pod, visit: (kind: ReferenceKind, name: string) => boolean): void {
  const spec = pod.spec;
  if (!spec) return;
  const podName = pod.metadata?.name ?? '';
  let stopped = false;
  const ref = (kind: ReferenceKind, name: string | undefined) => {
    if (!stopped && !visit(kind, name ?? '')) stopped = true;
  };
  if (spec.serviceAccountName) ref('serviceaccount', spec.serviceAccountName);
  for (const s of spec.imagePullSecrets ?? []) ref('secret', s.name);
  const containers: Container[] = [...spec.initContainers ?? [], ...spec.containers ?? [], ...(spec.ephemeralContainers ?? []) as Container[]];
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      if (from.secretRef) ref('secret', from.secretRef.name);
      if (from.configMapRef) ref('configmap', from.configMapRef.name);
    }
    for (const env of c.env ?? []) {
      if (env.valueFrom?.secretKeyRef) ref('secret', env.valueFrom.secretKeyRef.name);
      if (env.valueFrom?.configMapKeyRef) ref('configmap', env.valueFrom.configMapKeyRef.name);
    }
    if (stopped) return;
  }
  for (const v of spec.volumes ?? []) {
    visitVolume(v, podName, ref);
    if (stopped) return;
  }
}

/** The objects a pod references, as keys: what NodeGraph records as edges (references without a name are skipped). */
export function podReferences(pod: Pod): string[] {
  const namespace = pod.metadata?.namespace ?? '';
  const refs = new Set<string>();
  visitPodReferences(pod, (kind, name) => {
    if (name) refs.add(referenceKey(kind, namespace, name));
    return true;
  });
  return [...refs];
}

function visitVolume(v: Volume, podName: string, ref: (kind: ReferenceKind, name: string | undefined) => void): void {
  if (v.secret) ref('secret', v.secret.secretName);
  if (v.configMap) ref('configmap', v.configMap.name);
  if (v.persistentVolumeClaim) ref('pvc', v.persistentVolumeClaim.claimName);
  // A generic ephemeral volume's claim is named after the pod and the volume.
  if (v.ephemeral) ref('pvc', `${podName}-${v.name}`);
  for (const source of v.projected?.sources ?? []) {
    if (source.secret) ref('secret', source.secret.name);
    if (source.configMap) ref('configmap', source.configMap.name);
  }
  // Volume plugins that take credentials from a Secret (an Azure File share only when it names one).
  if (v.azureFile?.secretName) ref('secret', v.azureFile.secretName);
  if (v.cephfs?.secretRef) ref('secret', v.cephfs.secretRef.name);
  if (v.cinder?.secretRef) ref('secret', v.cinder.secretRef.name);
  if (v.flexVolume?.secretRef) ref('secret', v.flexVolume.secretRef.name);
  if (v.iscsi?.secretRef) ref('secret', v.iscsi.secretRef.name);
  if (v.rbd?.secretRef) ref('secret', v.rbd.secretRef.name);
  if (v.scaleIO?.secretRef) ref('secret', v.scaleIO.secretRef.name);
  if (v.storageos?.secretRef) ref('secret', v.storageos.secretRef.name);
  if (v.csi?.nodePublishSecretRef) ref('secret', v.csi.nodePublishSecretRef.name);
}
