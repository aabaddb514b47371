// Makes a container's image present according to imagePullPolicy (kube's image manager): Never uses only local
// images, IfNotPresent pulls when missing, Always pulls every time. Failed pulls back off per image, so the pod
// shows ErrImagePull and then ImagePullBackOff, as in Kubernetes.
import type { Logger } from 'pino';
import type { Container, Pod } from '../../apiserver/api/types.ts';
import { parseImageReference } from '../../apiserver/api/image-reference.ts';
import { ensureTestImage } from '../runtime/local-images.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import { Backoff } from './backoff.ts';

export type ImageErrorReason = 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';

export class ImageError extends Error {
  readonly reason: ImageErrorReason;

  constructor(reason: ImageErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export type PodEventSink = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, container?: string) => void;

/** The policy the apiserver defaults: Always for `:latest` or no tag, IfNotPresent otherwise. */
/**
 * `skiff.local/busybox[:tag]` comes from no registry: "pulling" it builds it on this node from the static busybox,
 * so `kubectl run --image=skiff.local/busybox` works on a machine that reaches no registry.
 */
export function localBusyboxImage(image: string): string | undefined {
  const m = /^skiff\.local\/busybox(?::([\w][\w.-]*))?$/.exec(image);
  return m ? `skiff.local/busybox:${m[1] ?? 'latest'}` : undefined;
}

export function pullPolicy(container: Container): string {
  if (container.imagePullPolicy) return container.imagePullPolicy;
  const ref = parseImageReference(container.image ?? '');
  return !ref || (!ref.digest && (!ref.tag || ref.tag === 'latest')) ? 'Always' : 'IfNotPresent';
}

export class ImageManager {
  private readonly runtime: ContainerRuntime;
  private readonly logger: Logger;
  private readonly event: PodEventSink;
  private readonly backoff: Backoff;
  private readonly clock: () => number;
  private readonly lastFailure = new Map<string, number>();

  constructor(o: { runtime: ContainerRuntime; logger: Logger; event: PodEventSink; clock?: () => number; backoff?: Backoff }) {
    this.runtime = o.runtime;
    this.logger = o.logger;
    this.event = o.event;
    this.clock = o.clock ?? Date.now;
    this.backoff = o.backoff ?? new Backoff(10_000, 300_000, this.clock);
  }

  async ensure(pod: Pod, container: Container): Promise<void> {
    const image = container.image ?? '';
    if (!image || !parseImageReference(image)) {
      const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
      this.event(pod, 'Warning', 'InspectFailed', message, container.name);
      throw new ImageError('InvalidImageName', message);
    }
    const policy = pullPolicy(container);
    const present = await this.runtime.imageExists(image);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, container.name);
        return;
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.event(pod, 'Warning', 'ErrImageNeverPull', message, container.name);
      throw new ImageError('ErrImageNeverPull', message);
    }
    const key = `${pod.metadata?.uid}/${image}`;
    const failedAt = this.lastFailure.get(key);
    if (failedAt !== undefined && this.backoff.isInBackoffSince(key, failedAt)) {
      const message = `Back-off pulling image "${image}"`;
      this.event(pod, 'Normal', 'BackOff', message, container.name);
      throw new ImageError('ImagePullBackOff', message);
    }
    this.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, container.name);
    const started = this.clock();
    try {
      let lastLog = 0;
      const local = localBusyboxImage(image);
      if (local) await ensureTestImage(this.runtime, local);
      else await this.runtime.pullImage(image, (p) => {
        const now = this.clock();
        if (now - lastLog < 1000) return;
        lastLog = now;
        this.logger.info({ image, status: p.status, layer: p.id, current: p.current, total: p.total }, 'pulling image');
      });
    } catch (err) {
      this.backoff.next(key);
      this.lastFailure.set(key, this.clock());
      const message = `Failed to pull image "${image}": ${(err as Error).message}`;
      this.event(pod, 'Warning', 'Failed', message, container.name);
      throw new ImageError('ErrImagePull', message);
    }
    this.lastFailure.delete(key);
    this.backoff.reset(key);
    const seconds = ((this.clock() - started) / 1000).toFixed(3);
    this.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${seconds}s`, container.name);
  }

  forgetPod(uid: string): void {
    for (const key of [...this.lastFailure.keys()]) if (key.startsWith(`${uid}/`)) this.lastFailure.delete(key);
    this.backoff.forgetPrefix(`${uid}/`);
  }
}
