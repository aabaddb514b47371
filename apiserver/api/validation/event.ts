// Event validation (core/v1), after Kubernetes' legacy event validation: an event lives in the namespace of the
// object it is about, and events written through the newer API shape (with eventTime) carry their reporter.
import { fieldError, type FieldError } from '../errors.ts';
import type { Event } from '../types.ts';
import { invalidEach } from './common.ts';
import { isDNS1123Subdomain, isQualifiedName } from './names.ts';

const maxReportingInstance = 128;
const maxAction = 128;
const maxReason = 128;
const maxMessage = 1024;

export function validateEvent(event: Event): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = event.metadata?.namespace ?? '';
  const involvedNamespace = event.involvedObject?.namespace ?? '';
  const mismatch = fieldError.invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace');
  if (!event.eventTime) {
    // Events about cluster-scoped objects go to "default" (or nowhere); others to the object's namespace.
    if (!involvedNamespace) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch);
    } else if (namespace !== involvedNamespace) {
      errs.push(mismatch);
    }
  } else {
    if (!involvedNamespace && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch);
    const controller = event.reportingComponent ?? '';
    if (!controller) errs.push(fieldError.required('reportingComponent'));
    errs.push(...invalidEach('reportingComponent', controller, isQualifiedName(controller)));
    errs.push(...requiredWithLimit(event.reportingInstance, 'reportingInstance', maxReportingInstance));
    errs.push(...requiredWithLimit(event.action, 'action', maxAction));
    errs.push(...requiredWithLimit(event.reason, 'reason', maxReason));
    if ((event.message ?? '').length > maxMessage) {
      errs.push(fieldError.invalid('message', '', `can have at most ${maxMessage} characters`));
    }
  }
  errs.push(...invalidEach('namespace', namespace, isDNS1123Subdomain(namespace)));
  return errs;
}

function requiredWithLimit(value: string | undefined, path: string, max: number): FieldError[] {
  if (!value) return [fieldError.required(path)];
  return value.length > max ? [fieldError.invalid(path, '', `can have at most ${max} characters`)] : [];
}

/** Core/v1 events may be rewritten freely (the event recorder bumps counts and timestamps). */
export function validateEventUpdate(_event: Event, _old: Event): FieldError[] {
  return [];
}
