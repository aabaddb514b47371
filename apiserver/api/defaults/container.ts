// Container defaults, after Kubernetes' SetDefaults_Container, SetDefaults_Probe, SetDefaults_HTTPGetAction and
// the generated per-field defaults (port protocol, env fieldRef apiVersion, resource lists).
import { effectiveImageTag } from '../image-reference.ts';
import type { ContainerLike, HTTPGetAction, Lifecycle } from '../pod-types.ts';
import type { Probe } from '../types.ts';
import { defaultResourceList } from './resource-list.ts';

export const defaultTerminationMessagePath = '/dev/termination-log';

export function defaultContainer(c: ContainerLike): void {
  // Kubernetes looks at the tag only: `latest` (written or implied) means the image moves, so pull every time.
  if (!c.imagePullPolicy) c.imagePullPolicy = effectiveImageTag(c.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  if (!c.terminationMessagePath) c.terminationMessagePath = defaultTerminationMessagePath;
  if (!c.terminationMessagePolicy) c.terminationMessagePolicy = 'File';
  for (const port of c.ports ?? []) {
    if (!port.protocol) port.protocol = 'TCP';
  }
  for (const env of c.env ?? []) {
    const fieldRef = env.valueFrom?.fieldRef;
    if (fieldRef && !fieldRef.apiVersion) fieldRef.apiVersion = 'v1';
  }
  if (c.resources) {
    defaultResourceList(c.resources.limits);
    defaultResourceList(c.resources.requests);
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (probe) defaultProbe(probe);
  }
  if (c.lifecycle) defaultLifecycle(c.lifecycle);
}

export function defaultProbe(probe: Probe): void {
  // Zero is "unset" in Kubernetes' Go types, so a 0 sent by a client is defaulted too.
  if (!probe.timeoutSeconds) probe.timeoutSeconds = 1;
  if (!probe.periodSeconds) probe.periodSeconds = 10;
  if (!probe.successThreshold) probe.successThreshold = 1;
  if (!probe.failureThreshold) probe.failureThreshold = 3;
  if (probe.httpGet) defaultHTTPGet(probe.httpGet);
}

function defaultLifecycle(lifecycle: Lifecycle): void {
  if (lifecycle.postStart?.httpGet) defaultHTTPGet(lifecycle.postStart.httpGet);
  if (lifecycle.preStop?.httpGet) defaultHTTPGet(lifecycle.preStop.httpGet);
}

function defaultHTTPGet(action: HTTPGetAction): void {
  if (!action.path) action.path = '/';
  if (!action.scheme) action.scheme = 'HTTP';
}

/** Pods only: requests a container leaves unset take the value of its limits (Kubernetes' SetDefaults_Pod). */
export function defaultRequestsFromLimits(c: ContainerLike): void {
  const limits = c.resources?.limits;
  if (!c.resources || !limits) return;
  const requests = c.resources.requests ?? {};
  for (const [name, value] of Object.entries(limits)) {
    if (!(name in requests)) requests[name] = value;
  }
  c.resources.requests = requests;
}
