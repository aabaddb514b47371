// kubectl get events: LAST SEEN TYPE REASON OBJECT MESSAGE; wide adds SUBOBJECT and SOURCE before MESSAGE and
// FIRST SEEN, COUNT and NAME after it.
import type { Event } from '../../api/types.ts';
import { kindPrinter } from './kind-printer.ts';
import { column, humanAge, nameColumn } from './printer.ts';

export const eventPrinter = kindPrinter<Event>([
  column('Last Seen', 'string', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future'),
  column('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
  column('Object', 'string', 'The object that this event is about.'),
  column('Subobject', 'string', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.', { priority: 1 }),
  column('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.', { priority: 1 }),
  column('Message', 'string', 'A human-readable description of the status of this operation.'),
  column('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', { priority: 1 }),
  column('Count', 'string', 'The number of times this event has occurred.', { priority: 1 }),
  { ...nameColumn, priority: 1 },
], (ev, now) => {
  // events.k8s.io-style events set eventTime and series instead of the core timestamps and count.
  const firstSeen = ev.firstTimestamp ? humanAge(ev.firstTimestamp, now) : humanAge(ev.eventTime, now);
  let lastSeen = ev.lastTimestamp ? humanAge(ev.lastTimestamp, now) : firstSeen;
  let count = ev.count ?? 0;
  if (ev.series) {
    lastSeen = humanAge(ev.series.lastObservedTime, now);
    count = ev.series.count ?? 0;
  } else if (count === 0) {
    count = 1;
  }
  return [
    lastSeen, ev.type ?? '', ev.reason ?? '', eventObject(ev), involvedObject(ev).fieldPath ?? '', eventSource(ev),
    (ev.message ?? '').trim(), firstSeen, count, ev.metadata?.name ?? '',
  ];
});

/** `kind/name` in lower-case kind, or just the kind when the event names no object. */
function eventObject(ev: Event): string {
  const { kind, name } = involvedObject(ev);
  const lowerKind = (kind ?? '').toLowerCase();
  return name ? `${lowerKind}/${name}` : lowerKind;
}

/** Validation requires involvedObject, but one missing must not fail a whole list. */
function involvedObject(ev: Event): Event['involvedObject'] {
  return ev.involvedObject ?? {};
}

/** `component, host`, falling back to the reporting controller and instance the newer API sets. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || '';
  const instance = ev.source?.host || ev.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}
