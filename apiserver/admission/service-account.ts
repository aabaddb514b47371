// The ServiceAccount admission plugin's mounting half (kube's plugin/pkg/admission/serviceaccount): a pod created
// without opting out gets the `kube-api-access-xxxxx` projected volume (a bound token, the cluster CA from the
// kube-root-ca.crt ConfigMap, its namespace) mounted read-only where the client libraries' in-cluster config looks,
// and the account's imagePullSecrets when it names none. (The `default` account name is set by the pod strategy.)
//
// One deliberate difference: kube refuses a pod whose ServiceAccount does not exist. Skiff admits it without the
// token volume, so an apiserver run without the serviceaccount controller (and the tests that do) still runs pods.
import { randomInt } from 'node:crypto';
import { resourceFor } from '../api/resources.ts';
import type { Pod, ServiceAccount, Volume } from '../api/types.ts';
import { mirrorPodAnnotation } from '../api/validation/pod-annotations.ts';
import { objectKey } from '../registry/keys.ts';
import { warnOnlyBoundTokenExpirationSeconds } from '../registry/token-request.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';
import type { Store } from '../storage/store.ts';

export const serviceAccountVolumePrefix = 'kube-api-access-';
export const tokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const rootCAConfigMapName = 'kube-root-ca.crt';

type ProjectedSource = NonNullable<Volume['projected']>;

/** kube's TokenVolumeSource, field for field. */
export function tokenVolumeSource(): ProjectedSource {
  return {
    defaultMode: 0o644,
    sources: [
      // An hour and 7 s: the lifetime the TokenRequest API recognises as this volume's (see token-request.ts).
      { serviceAccountToken: { expirationSeconds: warnOnlyBoundTokenExpirationSeconds, path: 'token' } },
      { configMap: { name: rootCAConfigMapName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** The pod's own setting wins; then the account's; tokens are mounted unless someone said no. */
export function shouldAutomount(sa: ServiceAccount, pod: Pod): boolean {
  return pod.spec?.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
}

/**
 * Mounts the token volume into every init and app container that has nothing at the token path, and adds the
 * volume when one of them needed it. A pod that already carries a kube-api-access-* volume (a copy of an admitted
 * pod's spec) keeps it under its name. Ephemeral containers are left alone, as in kube.
 */
export function mountServiceAccountToken(pod: Pod, newVolumeName: () => string): void {
  const spec = pod.spec;
  if (!spec) return;
  const existing = spec.volumes?.find((v) => v.name.startsWith(serviceAccountVolumePrefix));
  const name = existing?.name ?? newVolumeName();
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (c.volumeMounts?.some((m) => m.mountPath === tokenMountPath)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { name, readOnly: true, mountPath: tokenMountPath }];
    needed = true;
  }
  if (needed && !existing) spec.volumes = [...(spec.volumes ?? []), { name, projected: tokenVolumeSource() }];
}

/** utilrand.String's alphabet: no vowels (no words by accident), no look-alike characters. */
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomVolumeName(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${serviceAccountVolumePrefix}${suffix}`;
}

const serviceAccounts = resourceFor('', 'v1', 'serviceaccounts')!;

export interface ServiceAccountAdmissionOptions {
  /** Waits between lookups of a `default` account not made yet; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export async function admitServiceAccount(store: Store, a: AdmissionAttributes, o: ServiceAccountAdmissionOptions = {}): Promise<void> {
  if (a.operation !== 'CREATE' || a.subresource !== '' || a.ri.group !== '' || a.ri.plural !== 'pods') return;
  const pod = a.object as Pod | undefined;
  // A mirror pod must stay what its kubelet wrote, or the kubelet deletes it for not matching its static pod.
  if (!pod?.spec || mirrorPodAnnotation in (pod.metadata?.annotations ?? {})) return;
  const name = pod.spec.serviceAccountName;
  if (!name) return;
  const sa = await findServiceAccount(store, a.namespace, name, o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))));
  if (!sa) return;
  if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod, randomVolumeName);
  if (!pod.spec.imagePullSecrets?.length && sa.imagePullSecrets?.length) {
    pod.spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
  }
}

/**
 * The pod's ServiceAccount. `default` is made by the serviceaccount controller moments after its namespace, so a
 * pod created in that moment waits for it a little, as kube's plugin does (10 tries, 100-200 ms apart) — but only
 * when that controller runs in this cluster at all, which kube-system's own `default` account shows.
 */
async function findServiceAccount(store: Store, namespace: string, name: string, sleep: (ms: number) => Promise<void>): Promise<ServiceAccount | undefined> {
  const get = async (ns: string, n: string) => await store.get(objectKey(serviceAccounts, ns, n)) as ServiceAccount | undefined;
  const found = await get(namespace, name);
  if (found || name !== 'default' || namespace === 'kube-system' || !await get('kube-system', 'default')) return found;
  for (let attempt = 1; attempt < 10; attempt++) {
    await sleep(100 + randomInt(100));
    const sa = await get(namespace, name);
    if (sa) return sa;
  }
  return undefined;
}
