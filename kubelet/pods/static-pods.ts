// Static pods (kube's file pod source and mirror client): pod manifests in --pod-manifest-path run on this node
// without the apiserver, checked every few seconds. Each is named `<name>-<node>` with a uid hashed from its
// manifest and node, so an edited file is a new pod. The apiserver gets a read-only "mirror" of each (annotation
// kubernetes.io/config.mirror), which carries the pod's status and is put back when deleted.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { parseAllDocuments } from 'yaml';
import { defaultPod } from '../../apiserver/api/defaults/pod.ts';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Node, Pod } from '../../apiserver/api/types.ts';
import { mirrorPodAnnotation } from '../../apiserver/api/validation/pod-annotations.ts';
import { isAlreadyExists, isNotFound, type RestClient } from '../../apiserver/client/index.ts';

const podsResource = resourceFor('', 'v1', 'pods')!;
const nodesResource = resourceFor('', 'v1', 'nodes')!;
export const configSourceAnnotation = 'kubernetes.io/config.source';
export const configHashAnnotation = 'kubernetes.io/config.hash';
export { mirrorPodAnnotation };

export function isStaticPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[configSourceAnnotation] === 'file';
}

export function isMirrorPod(pod: Pod): boolean {
  return mirrorPodAnnotation in (pod.metadata?.annotations ?? {});
}

/** The pod a manifest describes on this node, as kube's file source makes it; an error for a bad manifest. */
export function staticPodFrom(text: string, file: string, nodeName: string): Pod {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new Error(`${file}: want exactly one Pod manifest, found ${docs.length} documents`);
  if (docs[0].errors.length > 0) throw new Error(`${file}: ${docs[0].errors[0].message}`);
  const obj = docs[0].toJS() as Pod;
  if (obj?.kind !== 'Pod' || (obj.apiVersion ?? 'v1') !== 'v1') throw new Error(`${file}: not a v1 Pod`);
  if (!obj.metadata?.name) throw new Error(`${file}: metadata.name is required`);
  const pod: Pod = structuredClone(obj);
  const namespace = pod.metadata?.namespace ?? 'default';
  const hash = createHash('md5').update(nodeName).update(JSON.stringify(obj)).digest('hex');
  pod.metadata = {
    ...pod.metadata,
    name: `${obj.metadata.name}-${nodeName}`,
    namespace,
    uid: hash,
    annotations: { ...pod.metadata?.annotations, [configSourceAnnotation]: 'file', [configHashAnnotation]: hash },
  };
  pod.spec = { ...pod.spec!, nodeName };
  defaultPod(pod);
  return { ...pod, status: { phase: 'Pending' } };
}

/**
 * The mirror pod the apiserver gets: the same pod, marked, without a uid of its own, owned by its Node as kube's
 * mirror client makes it (so it goes with the Node, and NodeRestriction admits it from this node alone).
 */
export function mirrorOf(pod: Pod, node: Node): Pod {
  const { uid: _uid, ...metadata } = pod.metadata ?? {};
  const hash = pod.metadata?.annotations?.[configHashAnnotation] ?? '';
  const owner = { apiVersion: 'v1', kind: 'Node', name: node.metadata?.name ?? '', uid: node.metadata?.uid ?? '', controller: true };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { ...metadata, annotations: { ...metadata.annotations, [mirrorPodAnnotation]: hash }, ownerReferences: [owner] },
    spec: pod.spec,
  };
}

export interface StaticPodHandlers {
  update(pod: Pod): void;
  remove(uid: string): void;
}

export class StaticPods {
  private readonly pods = new Map<string, Pod>();
  private readonly bad = new Map<string, string>();
  private readonly o: {
    dir: string; nodeName: string; client: RestClient; logger: Logger; handlers: StaticPodHandlers;
    /** The pods the apiserver has on this node (the kubelet's informer cache). */
    apiPods: () => Pod[];
  };

  constructor(o: StaticPods['o']) {
    this.o = o;
  }

  isStatic(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** The uid of the mirror pod that carries a static pod's status, once it exists. */
  mirrorUid(uid: string): string | undefined {
    const pod = this.pods.get(uid);
    if (!pod) return undefined;
    return this.o.apiPods().find((m) => isMirrorPod(m) && m.metadata?.namespace === pod.metadata?.namespace
      && m.metadata?.name === pod.metadata?.name && !m.metadata?.deletionTimestamp)?.metadata?.uid;
  }

  /** Reads the manifests; starts new pods, stops pods whose file went or changed. */
  async scan(): Promise<void> {
    let files: string[];
    try {
      files = (await readdir(this.o.dir)).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') files = [];
      else throw err;
    }
    const seen = new Map<string, Pod>();
    for (const f of files) {
      const file = path.join(this.o.dir, f);
      try {
        const pod = staticPodFrom(await readFile(file, 'utf8'), file, this.o.nodeName);
        seen.set(pod.metadata!.uid!, pod);
        this.bad.delete(file);
      } catch (err) {
        const message = (err as Error).message;
        if (this.bad.get(file) !== message) this.o.logger.warn({ file, err: message }, 'ignoring a bad static pod manifest');
        this.bad.set(file, message);
      }
    }
    for (const [uid, pod] of seen) {
      if (!this.pods.has(uid)) {
        this.o.logger.info({ pod: `${pod.metadata?.namespace}/${pod.metadata?.name}` }, 'static pod added');
        this.pods.set(uid, pod);
      }
    }
    for (const uid of [...this.pods.keys()]) {
      if (seen.has(uid)) continue;
      this.pods.delete(uid);
      this.o.handlers.remove(uid);
    }
    await this.syncMirrors();
    // Every read is also the static pods' resync (the apiserver's pods get theirs from the informer): a mirror made
    // anew gets the status this way.
    for (const pod of this.pods.values()) this.o.handlers.update(pod);
  }

  /** Creates missing mirrors, replaces stale ones, deletes those whose static pod is gone. */
  async syncMirrors(): Promise<void> {
    const mirrors = this.o.apiPods().filter(isMirrorPod);
    const wanted = new Map([...this.pods.values()].map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]));
    for (const m of mirrors) {
      const key = `${m.metadata?.namespace}/${m.metadata?.name}`;
      const pod = wanted.get(key);
      // A mirror someone deleted (gracefully: it is bound here) is finished off now and made again next time.
      if (pod && m.metadata?.annotations?.[mirrorPodAnnotation] === pod.metadata?.uid && !m.metadata?.deletionTimestamp) {
        wanted.delete(key);
        continue;
      }
      await this.deleteMirror(m);
      wanted.delete(key);
    }
    if (wanted.size === 0) return;
    let node: Node;
    try {
      node = await this.o.client.get<Node>(nodesResource, undefined, this.o.nodeName);
    } catch (err) {
      this.o.logger.warn({ err: (err as Error).message }, 'mirror pods wait for this node to be readable');
      return;
    }
    for (const pod of wanted.values()) {
      try {
        await this.o.client.create(podsResource, pod.metadata?.namespace, mirrorOf(pod, node));
      } catch (err) {
        if (!isAlreadyExists(err)) this.o.logger.warn({ pod: pod.metadata?.name, err: (err as Error).message }, 'creating the mirror pod failed');
      }
    }
  }

  private async deleteMirror(m: Pod): Promise<void> {
    try {
      await this.o.client.delete(podsResource, m.metadata?.namespace, m.metadata?.name ?? '', {
        gracePeriodSeconds: 0, preconditions: { uid: m.metadata?.uid },
      });
    } catch (err) {
      if (!isNotFound(err)) this.o.logger.warn({ pod: m.metadata?.name, err: (err as Error).message }, 'deleting a stale mirror pod failed');
    }
  }
}
