// Probes and lifecycle hooks, after Kubernetes' validateProbe, validateHandler and validateLifecycle. A handler
// is exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (hooks).
import { fieldError, type FieldError } from '../errors.ts';
import type { Lifecycle, LifecycleHandler } from '../pod-types.ts';
import type { Probe } from '../types.ts';
import { child, invalidEach, nonNegative } from './common.ts';
import { isValidPortName, isValidPortNum } from './names.ts';

type Handler = LifecycleHandler & Pick<Probe, 'grpc'>;
type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

const httpHeaderName = /^[-A-Za-z0-9]+$/;
const httpHeaderMessage =
  "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')";

export function validateProbe(probe: Probe | undefined, kind: ProbeKind, gracePeriod: number | undefined, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, gracePeriod, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(probe[f], child(path, f)));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps != null && tgps <= 0) {
    errs.push(fieldError.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  }
  // Liveness and startup probes act on the first failure after a success: anything but 1 would be ignored.
  if (kind !== 'readinessProbe' && (probe.successThreshold ?? 0) !== 1) {
    errs.push(fieldError.invalid(child(path, 'successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  }
  if (kind === 'readinessProbe' && tgps != null) {
    errs.push(fieldError.invalid(child(path, 'terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  }
  return errs;
}

export function validateLifecycle(lifecycle: Lifecycle, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (lifecycle.postStart) errs.push(...validateHandler(lifecycle.postStart, gracePeriod, child(path, 'postStart')));
  if (lifecycle.preStop) errs.push(...validateHandler(lifecycle.preStop, gracePeriod, child(path, 'preStop')));
  return errs;
}

function validateHandler(handler: Handler, gracePeriod: number | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  const checks: [keyof Handler, () => FieldError[]][] = [
    ['exec', () => (handler.exec?.command?.length ? [] : [fieldError.required(child(path, 'exec.command'))])],
    ['httpGet', () => validateHTTPGet(handler, child(path, 'httpGet'))],
    ['tcpSocket', () => validatePortNumOrName(handler.tcpSocket?.port, child(path, 'tcpSocket.port'))],
    ['grpc', () => validatePortNumOrName(handler.grpc?.port, child(path, 'grpc.port'))],
    ['sleep', () => validateSleep(handler.sleep?.seconds ?? 0, gracePeriod, child(path, 'sleep'))],
  ];
  for (const [name, check] of checks) {
    if (handler[name] == null) continue;
    if (handlers > 0) {
      errs.push(fieldError.forbidden(child(path, name), 'may not specify more than 1 handler type'));
      continue;
    }
    handlers++;
    errs.push(...check());
  }
  if (handlers === 0) errs.push(fieldError.required(path, 'must specify a handler type'));
  return errs;
}

function validateHTTPGet(handler: Handler, path: string): FieldError[] {
  const action = handler.httpGet;
  if (!action) return [];
  const errs: FieldError[] = [];
  if (!action.path) errs.push(fieldError.required(child(path, 'path')));
  errs.push(...validatePortNumOrName(action.port, child(path, 'port')));
  if (action.scheme !== 'HTTP' && action.scheme !== 'HTTPS') {
    errs.push(fieldError.notSupported(child(path, 'scheme'), action.scheme ?? '', ['HTTP', 'HTTPS']));
  }
  for (const header of action.httpHeaders ?? []) {
    if (!httpHeaderName.test(header.name ?? '')) {
      errs.push(fieldError.invalid(child(path, 'httpHeaders'), header.name ?? '', httpHeaderMessage));
    }
  }
  return errs;
}

/** An IntOrString port: a number in 1..65535 or an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'string') return invalidEach(path, port, isValidPortName(port));
  return invalidEach(path, port ?? 0, isValidPortNum(port ?? 0));
}

function validateSleep(seconds: number, gracePeriod: number | undefined, path: string): FieldError[] {
  // An unset grace period is reported on its own; do not pile a second error onto it here.
  if (gracePeriod == null || (seconds >= 0 && seconds <= gracePeriod)) return [];
  return [fieldError.invalid(path, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
}
