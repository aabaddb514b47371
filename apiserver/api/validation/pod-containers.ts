// A pod's containers: app containers, init containers (with restartPolicy Always they are sidecars) and
// ephemeral debug containers, after Kubernetes' validateContainers, validateInitContainers,
// validateEphemeralContainers and validateContainerCommon.
import { fieldError, type FieldError } from '../errors.ts';
import type { ContainerLike, EphemeralContainer } from '../pod-types.ts';
import type { Container, ContainerPort } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { isDNS1123Label, isValidPortName, isValidPortNum } from './names.ts';
import { validateEnv, validateEnvFrom } from './pod-env.ts';
import { validateLifecycle, validateProbe } from './pod-probes.ts';
import { validateContainerResources } from './pod-resources.ts';
import { validateContainerSecurityContext } from './pod-security.ts';
import { validateContainerVolumeUse } from './pod-volume-mounts.ts';
import type { ValidVolumes } from './pod-volumes.ts';

/** What every container is checked against: the pod's valid volumes, claims and a few pod-level settings. */
export interface ContainerContext {
  volumes: ValidVolumes;
  podClaimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string | undefined;
  /** False when the pod runs in a user namespace (spec.hostUsers: false). */
  hostUsers: boolean;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];
const protocols = ['SCTP', 'TCP', 'UDP'];

export function validateContainers(containers: Container[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, ctx, p));
    // Clashes with init and ephemeral containers are reported on those, so each clash is reported once.
    if (names.has(c.name)) errs.push(fieldError.duplicate(child(p, 'name'), c.name));
    else names.add(c.name);
    errs.push(...validateProbesAndHooks(c, ctx, p));
    if (c.restartPolicy != null) errs.push(fieldError.forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

export function validateInitContainers(
  inits: Container[] | undefined, regular: Container[] | undefined, ctx: ContainerContext, path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, ctx, p));
    if (c.restartPolicy != null && c.restartPolicy !== 'Always') {
      errs.push(fieldError.notSupported(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    }
    if (names.has(c.name)) errs.push(fieldError.duplicate(child(p, 'name'), c.name));
    else if (c.name) names.add(c.name);
    // Init containers run one at a time, so each is checked alone; Kubernetes reports these at index 0.
    errs.push(...hostPortConflicts([c], path));
    if (c.restartPolicy === 'Always') {
      // A sidecar runs alongside the app containers and may have hooks and probes like them.
      errs.push(...validateProbesAndHooks(c, ctx, p));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f] != null) errs.push(fieldError.forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** What a debug container may carry: it must not take part in the pod's own running. */
const ephemeralAllowedFields = new Set([
  'name', 'image', 'command', 'args', 'workingDir', 'envFrom', 'env', 'volumeMounts', 'volumeDevices',
  'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce',
  'tty', 'targetContainerName',
]);

export function validateEphemeralContainers(
  ephemeral: EphemeralContainer[] | undefined, regular: Container[] | undefined, inits: Container[] | undefined,
  ctx: ContainerContext, path: string,
): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(regular ?? []), ...(inits ?? [])].map((c) => c.name));
  const names = new Set(others);
  (ephemeral ?? []).forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, ctx, p), ...imageWhitespace(c, p));
    if (names.has(c.name)) errs.push(fieldError.duplicate(child(p, 'name'), c.name));
    else names.add(c.name);
    if (c.targetContainerName && !others.has(c.targetContainerName)) {
      errs.push(fieldError.notFound(child(p, 'targetContainerName'), c.targetContainerName));
    }
    for (const [field, v] of Object.entries(c)) {
      if (!ephemeralAllowedFields.has(field) && !isZero(v)) {
        errs.push(fieldError.forbidden(child(p, field), 'cannot be set for an Ephemeral Container'));
      }
    }
    // Sub-path mounts are bind mounts that outlive the container; they would leak until the pod ends.
    (c.volumeMounts ?? []).forEach((m, j) => {
      const mp = index(child(p, 'volumeMounts'), j);
      if (m.subPath) errs.push(fieldError.forbidden(child(mp, 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (m.subPathExpr) errs.push(fieldError.forbidden(child(mp, 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** Pods only (not templates, which some tools fill with placeholder images): no padding around the image. */
export function imageWhitespace(c: ContainerLike, path: string): FieldError[] {
  const image = c.image ?? '';
  return image.trim() !== image ? [fieldError.invalid(child(path, 'image'), image, 'must not have leading or trailing whitespace')] : [];
}

function validateContainerCommon(c: ContainerLike, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  if (!c.name) errs.push(fieldError.required(namePath));
  else errs.push(...invalidEach(namePath, c.name, isDNS1123Label(c.name)));
  if (!c.image) errs.push(fieldError.required(child(path, 'image')));
  errs.push(...enumField(c.terminationMessagePolicy, terminationMessagePolicies, child(path, 'terminationMessagePolicy')));
  errs.push(...validatePorts(c.ports, child(path, 'ports')));
  errs.push(...validateEnv(c.env, child(path, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(path, 'envFrom')));
  errs.push(...validateContainerVolumeUse(c, ctx.volumes, path));
  errs.push(...enumField(c.imagePullPolicy, pullPolicies, child(path, 'imagePullPolicy')));
  errs.push(...validateContainerResources(c.resources, ctx.podClaimNames, child(path, 'resources')));
  errs.push(...validateResizePolicy(c.resizePolicy, ctx.podRestartPolicy, child(path, 'resizePolicy')));
  errs.push(...validateContainerSecurityContext(c.securityContext, ctx.hostUsers, child(path, 'securityContext')));
  return errs;
}

function validateProbesAndHooks(c: Container, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (c.lifecycle) errs.push(...validateLifecycle(c.lifecycle, ctx.gracePeriod, child(path, 'lifecycle')));
  for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
    errs.push(...validateProbe(c[kind], kind, ctx.gracePeriod, child(path, kind)));
  }
  return errs;
}

/** Required when empty, NotSupported when unknown: fields that defaulting always fills. */
function enumField(value: string | undefined, supported: string[], path: string): FieldError[] {
  if (!value) return [fieldError.required(path)];
  return supported.includes(value) ? [] : [fieldError.notSupported(path, value, supported)];
}

function validatePorts(ports: ContainerPort[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = index(path, i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) errs.push(...invalidEach(child(p, 'name'), port.name, msgs));
      else if (names.has(port.name)) errs.push(fieldError.duplicate(child(p, 'name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldError.required(child(p, 'containerPort')));
    else errs.push(...invalidEach(child(p, 'containerPort'), port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) errs.push(...invalidEach(child(p, 'hostPort'), port.hostPort, isValidPortNum(port.hostPort)));
    if (!port.protocol) errs.push(fieldError.required(child(p, 'protocol')));
    else if (!protocols.includes(port.protocol)) errs.push(fieldError.notSupported(child(p, 'protocol'), port.protocol, protocols));
  });
  return errs;
}

/** Two containers cannot bind the same host port, protocol and address. */
function hostPortConflicts(containers: Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const used = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const id = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (used.has(id)) errs.push(fieldError.duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), id));
      else used.add(id);
    });
  });
  return errs;
}

const resizeResources = ['cpu', 'memory'];
const resizeRestartPolicies = ['NotRequired', 'RestartContainer'];

function validateResizePolicy(policies: Container['resizePolicy'], podRestartPolicy: string | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (policies ?? []).forEach((policy, i) => {
    if (seen.has(policy.resourceName)) errs.push(fieldError.duplicate(index(path, i), policy.resourceName));
    seen.add(policy.resourceName);
    // Kubernetes reports these at the list, not at the entry.
    if (!policy.resourceName) errs.push(fieldError.required(path));
    else if (!resizeResources.includes(policy.resourceName)) errs.push(fieldError.notSupported(path, policy.resourceName, resizeResources));
    if (!policy.restartPolicy) errs.push(fieldError.required(path));
    else if (!resizeRestartPolicies.includes(policy.restartPolicy)) {
      errs.push(fieldError.notSupported(path, policy.restartPolicy, resizeRestartPolicies));
    }
    if (podRestartPolicy === 'Never' && policy.restartPolicy !== 'NotRequired') {
      errs.push(fieldError.invalid(path, policy.restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === false || v === 0 || v === ''
    || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}
