// Writes pod status to the apiserver, only when it changed, one write in flight per pod with the newest status
// winning (kube's status_manager). The patch carries the pod's uid, so a status meant for a deleted pod can never
// land on a new pod of the same name: the apiserver refuses to change a uid.
import type { Logger } from 'pino';
import { resourceFor } from '../../apiserver/api/resources.ts';
import type { Pod, PodStatus } from '../../apiserver/api/types.ts';
import { isNotFound, type RestClient } from '../../apiserver/client/index.ts';

const pods = resourceFor('', 'v1', 'pods')!;

interface Entry {
  namespace: string;
  name: string;
  uid: string;
  /** What the apiserver last confirmed (or the pod carried when first seen). */
  written: string | undefined;
  /** The uid it was written to: a static pod's status goes again to a mirror pod made anew. */
  writtenTo: string | undefined;
  wanted: PodStatus | undefined;
  writing: boolean;
}

/** Status without lastProbeTime, which changes on every sync and means nothing to readers. */
export function comparableStatus(status: PodStatus | undefined): string {
  return JSON.stringify(status ?? {}, (k, v) => (k === 'lastProbeTime' ? undefined : v));
}

export class StatusManager {
  private readonly entries = new Map<string, Entry>();
  private readonly client: RestClient;
  private readonly logger: Logger;

  /** The uid of the API object that carries a pod's status, when it is not the pod's own (static pods' mirrors). */
  private readonly statusTarget: (uid: string) => string | undefined;

  constructor(o: { client: RestClient; logger: Logger; statusTarget?: (uid: string) => string | undefined }) {
    this.client = o.client;
    this.logger = o.logger;
    this.statusTarget = o.statusTarget ?? ((uid) => uid);
  }

  set(pod: Pod, status: PodStatus): void {
    const uid = pod.metadata?.uid ?? '';
    let entry = this.entries.get(uid);
    if (!entry) {
      entry = {
        namespace: pod.metadata?.namespace ?? 'default', name: pod.metadata?.name ?? '', uid,
        written: comparableStatus(pod.status), writtenTo: uid, wanted: undefined, writing: false,
      };
      this.entries.set(uid, entry);
    }
    entry.wanted = status;
    if (comparableStatus(status) === entry.written && this.statusTarget(uid) === entry.writtenTo) return;
    void this.flush(entry);
  }

  /** Resolves once the latest status of the pod has been written (or dropped). */
  async settle(uid: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const e = this.entries.get(uid);
      if (!e || (!e.writing && comparableStatus(e.wanted) === e.written)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  forget(uid: string): void {
    this.entries.delete(uid);
  }

  private async flush(entry: Entry): Promise<void> {
    if (entry.writing) return;
    entry.writing = true;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const status = entry.wanted;
        const text = comparableStatus(status);
        // A static pod's mirror may not exist yet; the next sync of the pod tries again.
        const target = this.statusTarget(entry.uid);
        if (!target || (text === entry.written && target === entry.writtenTo) || this.entries.get(entry.uid) !== entry) return;
        try {
          await this.client.patch(pods, entry.namespace, entry.name, { metadata: { uid: target }, status }, 'merge', { subresource: 'status' });
          entry.written = text;
          entry.writtenTo = target;
          attempt = -1;
        } catch (err) {
          if (isNotFound(err)) return;
          this.logger.warn({ pod: `${entry.namespace}/${entry.name}`, err: (err as Error).message }, 'pod status update failed');
          await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        }
      }
    } finally {
      entry.writing = false;
    }
  }
}
