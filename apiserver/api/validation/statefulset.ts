// StatefulSet validation (apps/v1), after Kubernetes' ValidateStatefulSet(Spec|Update).
import type { RollingUpdateStatefulSetStrategy, StatefulSetSpec, StatefulSetUpdateStrategy } from 'kubernetes-types/apps/v1.d.ts';
import type { Volume } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { PodTemplateSpec, StatefulSet } from '../types.ts';
import { child, clone, index, invalidEach, nonNegative, semanticEqual, stricterNameErrors } from './common.ts';
import { longRunningRestrictions, validateControllerSelector, validateSelectorMatchesTemplate } from './controller-template.ts';
import { intOrPercentValue, notMoreThan100Percent, validateIntOrPercent } from './int-or-percent.ts';
import { isDNS1123Label, nameIsDNSLabel } from './names.ts';
import { validatePersistentVolumeClaimSpec } from './persistentvolumeclaim.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { collisionCountErrors, validateReplicaCounts } from './replica-status.ts';

/** The spec fields an update may change; anything else is fixed at creation. */
const mutableSpecFields = [
  'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds',
] as const;

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  // Pods are named <set>-<ordinal> and get the set's name as their hostname prefix: it must be a DNS label.
  const errs = stricterNameErrors(sts.metadata?.name, nameIsDNSLabel);
  const spec = sts.spec;
  if (!spec) return [...errs, fieldError.required('spec')];
  errs.push(...validatePodManagementPolicy(spec.podManagementPolicy));
  errs.push(...validateStatefulSetUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...validateRetentionPolicy(spec));
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.ordinals?.start, 'spec.ordinals.start'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...validateControllerSelector(spec.selector, 'spec.selector', 'statefulset'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template?.metadata?.labels, 'spec.template'));
  if (spec.serviceName) errs.push(...invalidEach('spec.serviceName', spec.serviceName, isDNS1123Label(spec.serviceName)));
  errs.push(...validateVolumeClaimTemplates(spec));
  if (!spec.template) {
    errs.push(fieldError.required('spec.template'));
  } else {
    errs.push(...validatePodTemplateSpec(withClaimVolumes(spec.template, spec), 'spec.template'));
    errs.push(...longRunningRestrictions(spec.template, 'spec.template', 'StatefulSet'));
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validateStatefulSet on updates as well. */
export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const updated: Record<string, unknown> = { ...clone(sts.spec ?? {}) };
  const previous: Record<string, unknown> = { ...(old.spec ?? {}) };
  for (const field of mutableSpecFields) updated[field] = previous[field];
  if (semanticEqual(updated, previous)) return [];
  return [fieldError.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
    + "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

export function validateStatefulSetStatusUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const status = sts.status ?? { replicas: 0 };
  return [
    ...validateReplicaCounts(status, 'status',
      ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']),
    ...nonNegative(status.observedGeneration, 'status.observedGeneration'),
    ...collisionCountErrors(status.collisionCount, old.status?.collisionCount),
  ];
}

function validatePodManagementPolicy(policy: string | undefined): FieldError[] {
  if (!policy) return [fieldError.required('spec.podManagementPolicy')];
  if (policy === 'OrderedReady' || policy === 'Parallel') return [];
  return [fieldError.invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'")];
}

export function validateStatefulSetUpdateStrategy(strategy: StatefulSetUpdateStrategy | undefined, path: string): FieldError[] {
  switch (strategy?.type ?? '') {
    case '':
      return [fieldError.required(path)];
    case 'OnDelete':
      return strategy?.rollingUpdate
        ? [fieldError.invalid(`${path}.rollingUpdate`, strategy.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'")]
        : [];
    case 'RollingUpdate':
      return strategy?.rollingUpdate ? validateRollingUpdate(strategy.rollingUpdate, `${path}.rollingUpdate`) : [];
    default:
      return [fieldError.invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function validateRollingUpdate(ru: RollingUpdateStatefulSetStrategy, path: string): FieldError[] {
  const errs = nonNegative(ru.partition, `${path}.partition`);
  if (ru.maxUnavailable !== undefined) {
    const maxPath = `${path}.maxUnavailable`;
    errs.push(...validateIntOrPercent(ru.maxUnavailable, maxPath));
    // Pods of a StatefulSet are replaced in place, so some must be allowed to go down.
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(fieldError.invalid(maxPath, ru.maxUnavailable, 'cannot be 0'));
    errs.push(...notMoreThan100Percent(ru.maxUnavailable, maxPath));
  }
  return errs;
}

function validateRetentionPolicy(spec: StatefulSetSpec): FieldError[] {
  const policy = spec.persistentVolumeClaimRetentionPolicy;
  if (!policy) return [];
  const supported = ['Delete', 'Retain'];
  const path = 'spec.persistentVolumeClaimRetentionPolicy';
  const errs: FieldError[] = [];
  for (const field of ['whenDeleted', 'whenScaled'] as const) {
    const value = policy[field] ?? '';
    if (!supported.includes(value)) errs.push(fieldError.notSupported(`${path}.${field}`, value, supported));
  }
  return errs;
}

/**
 * Each claim template becomes a PVC per pod and a volume of that name in the pod, so its name must be a
 * volume name (a DNS label) and unique; its spec must be a valid claim spec.
 */
function validateVolumeClaimTemplates(spec: StatefulSetSpec): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.volumeClaimTemplates ?? []).forEach((claim, i) => {
    const path = index('spec.volumeClaimTemplates', i);
    const namePath = child(path, 'metadata.name');
    const name = claim.metadata?.name;
    if (!name) errs.push(fieldError.required(namePath));
    else {
      errs.push(...invalidEach(namePath, name, isDNS1123Label(name)));
      if (seen.has(name)) errs.push(fieldError.duplicate(namePath, name));
      seen.add(name);
    }
    if (claim.metadata?.labels) errs.push(...validateLabels(claim.metadata.labels, child(path, 'metadata.labels')));
    errs.push(...validatePersistentVolumeClaimSpec(claim.spec, child(path, 'spec')));
  });
  return errs;
}

/**
 * The pod template as the controller will stamp it out: each valid claim template shows up as a volume of the
 * same name, replacing a template volume of that name. Validating this lets mounts of claim volumes pass
 * while every other pod rule still applies.
 */
function withClaimVolumes(template: PodTemplateSpec, spec: StatefulSetSpec): PodTemplateSpec {
  const claims = (spec.volumeClaimTemplates ?? [])
    .map((c) => c.metadata?.name)
    .filter((name): name is string => !!name && isDNS1123Label(name).length === 0);
  if (claims.length === 0 || !template.spec) return template;
  const copy = clone(template);
  const podSpec = copy.spec;
  if (!podSpec) return template;
  const volumes: Volume[] = podSpec.volumes ?? [];
  for (const name of claims) {
    const volume: Volume = { name, persistentVolumeClaim: { claimName: name } };
    const existing = volumes.findIndex((v) => v.name === name);
    if (existing >= 0) volumes[existing] = volume;
    else volumes.push(volume);
  }
  podSpec.volumes = volumes;
  return copy;
}
