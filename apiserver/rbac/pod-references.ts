// The objects a pod uses from its namespace: what its node must be able to read to run it (kube's
// VisitPodSecretNames, VisitPodConfigmapNames and the claims of its volumes, as the node authorizer's graph
// records them). Keys are `secret/<ns>/<name>`, `configmap/...`, `pvc/...` and `serviceaccount/...`.
import type { Container, Pod, Volume } from '../api/types.ts';

export type ReferenceKind = 'secret' | 'configmap' | 'pvc' | 'serviceaccount';

export function referenceKey(kind: ReferenceKind, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export function podReferences(pod: Pod): string[] {
  const namespace = pod.metadata?.namespace ?? '';
  const podName = pod.metadata?.name ?? '';
  const spec = pod.spec;
  const refs = new Set<string>();
  const add = (kind: ReferenceKind, name: string | undefined) => {
    if (name) refs.add(referenceKey(kind, namespace, name));
  };
  if (!spec) return [];
  add('serviceaccount', spec.serviceAccountName);
  for (const s of spec.imagePullSecrets ?? []) add('secret', s.name);
  const containers: Container[] = [...spec.initContainers ?? [], ...spec.containers ?? [], ...(spec.ephemeralContainers ?? []) as Container[]];
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      add('secret', from.secretRef?.name);
      add('configmap', from.configMapRef?.name);
    }
    for (const env of c.env ?? []) {
      add('secret', env.valueFrom?.secretKeyRef?.name);
      add('configmap', env.valueFrom?.configMapKeyRef?.name);
    }
  }
  for (const v of spec.volumes ?? []) addVolume(v, podName, add);
  return [...refs];
}

function addVolume(v: Volume, podName: string, add: (kind: ReferenceKind, name: string | undefined) => void): void {
  add('secret', v.secret?.secretName);
  add('configmap', v.configMap?.name);
  add('pvc', v.persistentVolumeClaim?.claimName);
  // A generic ephemeral volume's claim is named after the pod and the volume.
  if (v.ephemeral) add('pvc', `${podName}-${v.name}`);
  for (const source of v.projected?.sources ?? []) {
    add('secret', source.secret?.name);
    add('configmap', source.configMap?.name);
  }
  // Volume plugins that take credentials from a Secret.
  add('secret', v.azureFile?.secretName);
  add('secret', v.cephfs?.secretRef?.name);
  add('secret', v.cinder?.secretRef?.name);
  add('secret', v.flexVolume?.secretRef?.name);
  add('secret', v.iscsi?.secretRef?.name);
  add('secret', v.rbd?.secretRef?.name);
  add('secret', v.scaleIO?.secretRef?.name);
  add('secret', v.storageos?.secretRef?.name);
  add('secret', v.csi?.nodePublishSecretRef?.name);
}
