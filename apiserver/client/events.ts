// Records core/v1 Events about objects, as client-go's EventRecorder does: fire-and-forget, and a repeat of the
// same event (same object, type, reason and message) within ten minutes bumps `count` and `lastTimestamp` on the
// existing Event instead of creating another one, so `kubectl describe` shows "(x12 over 5m)".
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { resourceFor } from '../api/resources.ts';
import type { Event, ObjectReference } from '../api/types.ts';
import type { ApiObject } from './object.ts';
import type { RestClient } from './rest.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  /** The reporting component: `default-scheduler`, `kubelet`, `deployment-controller`... */
  component: string;
  /** The node, for node agents. */
  host?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  lastSeenMs: number;
}

const eventsResource = resourceFor('', 'v1', 'events')!;
const aggregationWindowMs = 10 * 60 * 1000;
const maxRemembered = 4096;
/** kube truncates event messages to this many characters. */
const maxMessageLength = 1024;

export class EventRecorder {
  private readonly client: RestClient;
  private readonly source: EventSource;
  private readonly logger?: Logger;
  private readonly clock: () => number;
  private readonly seen = new Map<string, Seen>();
  private pending = Promise.resolve();

  constructor(client: RestClient, source: EventSource, opts: { logger?: Logger; clock?: () => number } = {}) {
    this.client = client;
    this.source = source;
    this.logger = opts.logger;
    this.clock = opts.clock ?? Date.now;
  }

  /** Records an event about `obj`; never throws (events are best effort, as in Kubernetes). */
  event(obj: ApiObject, type: EventType, reason: string, fullMessage: string, fieldPath?: string): void {
    const ref = referenceTo(obj, fieldPath);
    const message = fullMessage.length > maxMessageLength ? `${fullMessage.slice(0, maxMessageLength - 3)}...` : fullMessage;
    // Events are written one at a time so a repeat always finds the Event its predecessor created.
    this.pending = this.pending.then(() => this.write(ref, type, reason, message)).catch((err: unknown) => {
      this.logger?.warn({ err: (err as Error).message, reason, object: `${ref.namespace ?? ''}/${ref.name ?? ''}` }, 'could not record event');
    });
  }

  /** Resolves when every event recorded so far has been written (for tests and shutdown). */
  flush(): Promise<void> {
    return this.pending;
  }

  private async write(ref: ObjectReference, type: EventType, reason: string, message: string): Promise<void> {
    const now = this.clock();
    const stamp = rfc3339(now);
    const key = [ref.uid ?? `${ref.namespace}/${ref.name}`, ref.fieldPath ?? '', type, reason, message].join('\u0000');
    const previous = this.seen.get(key);
    if (previous && now - previous.lastSeenMs < aggregationWindowMs) {
      previous.count++;
      previous.lastSeenMs = now;
      try {
        await this.client.patch(eventsResource, previous.namespace, previous.name, { count: previous.count, lastTimestamp: stamp }, 'merge');
        return;
      } catch {
        // The event was deleted (events expire): write a fresh one below.
        this.seen.delete(key);
      }
    }
    const namespace = ref.namespace || 'default';
    const name = `${ref.name ?? 'unknown'}.${randomBytes(8).toString('hex')}`;
    const event: Event = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason, message, type,
      source: this.source.host ? { component: this.source.component, host: this.source.host } : { component: this.source.component },
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    };
    await this.client.create(eventsResource, namespace, event);
    if (this.seen.size >= maxRemembered) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, { name, namespace, count: 1, lastSeenMs: now });
  }
}

export function referenceTo(obj: ApiObject, fieldPath?: string): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: ObjectReference = { kind: obj.kind, apiVersion: obj.apiVersion, name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
