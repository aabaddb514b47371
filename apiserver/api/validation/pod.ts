// Pod validation as kube-apiserver does it (ValidatePodCreate, ValidatePodSpec, ValidatePodTemplateSpec). The
// generic handler validates the pod's own metadata; this covers the spec, the pod-only rules and the pod
// template embedded in workloads. Field paths and messages are Kubernetes' own, quirks included, so clients
// and people see what a real cluster would tell them.
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabels } from '../labels.ts';
import type { Pod, PodSpec, PodTemplateSpec } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { validateAnnotations } from './metadata.ts';
import { isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { validatePodSpecificAnnotations } from './pod-annotations.ts';
import { imageWhitespace, validateContainers, validateEphemeralContainers, validateInitContainers, type ContainerContext } from './pod-containers.ts';
import { validateDNSConfig, validateDNSPolicy, validateHostAliases } from './pod-dns.ts';
import { validateContainerResources } from './pod-resources.ts';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './pod-scheduling.ts';
import { validateHostUsers, validateLinuxOnlyOptions, validatePodSecurityContext } from './pod-security.ts';
import { validateVolumes } from './pod-volumes.ts';

export interface PodValidationOptions {
  /**
   * The spec is a real Pod's, not a workload template's. Defaulting has then copied container ports to host
   * ports under hostNetwork, so they must match; a template may still leave host ports unset.
   */
  resourceIsPod?: boolean;
  /** The pod's name: generic ephemeral volumes create claims named after it. */
  podName?: string;
}

export const restartPolicies = ['Always', 'OnFailure', 'Never'];
const preemptionPolicies = ['PreemptLowerPriority', 'Never'];
const maxInt32 = 2147483647;

/** A pod as created or updated through the API (its metadata aside, which the generic handler checks). */
export function validatePod(pod: Pod): FieldError[] {
  const spec = pod.spec;
  const errs = validatePodSpecificAnnotations(pod.metadata?.annotations, spec ?? { containers: [] }, 'metadata.annotations');
  errs.push(...validatePodSpec(spec, 'spec', { resourceIsPod: true, podName: pod.metadata?.name }));
  if (!spec) return errs;
  // A projected token is issued for the pod's service account, so there must be one.
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v, vi) => {
      (v.projected?.sources ?? []).forEach((s, si) => {
        if (s.serviceAccountToken) {
          errs.push(fieldError.forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`,
            'must not be specified when serviceAccountName is not set'));
        }
      });
    });
  }
  (spec.containers ?? []).forEach((c, i) => errs.push(...imageWhitespace(c, index('spec.containers', i))));
  (spec.initContainers ?? []).forEach((c, i) => errs.push(...imageWhitespace(c, index('spec.initContainers', i))));
  // Kubernetes checks these two on create only. Skiff serves no ephemeralcontainers subresource and refuses
  // binding gated pods, so no stored pod can be in either state and the check is equally right on updates.
  if (spec.ephemeralContainers?.length) errs.push(fieldError.forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (spec.nodeName && spec.schedulingGates?.length) {
    errs.push(fieldError.forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/**
 * A workload's pod template: labels, annotations and spec. Workload validators add their own rules (a
 * ReplicaSet's template must use restartPolicy Always, a Job's must not).
 */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: string): FieldError[] {
  if (!t) return [fieldError.required(path)];
  // Kubernetes reports template labels and annotations without the `metadata` segment.
  const errs = [
    ...validateLabels(t.metadata?.labels, child(path, 'labels')),
    ...validateAnnotations(t.metadata?.annotations, child(path, 'annotations')),
  ];
  if (t.spec) errs.push(...validatePodSpecificAnnotations(t.metadata?.annotations, t.spec, child(path, 'annotations')));
  errs.push(...validatePodSpec(t.spec, child(path, 'spec')));
  if (t.spec?.ephemeralContainers?.length) {
    errs.push(fieldError.forbidden(child(path, 'spec.ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: string, opts: PodValidationOptions = {}): FieldError[] {
  if (!spec) return [fieldError.required(path)];
  const errs: FieldError[] = [];
  const at = (field: string): string => child(path, field);
  if (spec.terminationGracePeriodSeconds == null) errs.push(fieldError.required(at('terminationGracePeriodSeconds')));
  const volumes = validateVolumes(spec.volumes, opts.podName, at('volumes'));
  errs.push(...volumes.errors);
  const podClaimNames = new Set((spec.resourceClaims ?? []).map((c) => c.name).filter((n): n is string => !!n));
  errs.push(...validatePodResourceClaims(spec.resourceClaims, at('resourceClaims')));
  const ctx: ContainerContext = {
    volumes: volumes.valid, podClaimNames, gracePeriod: spec.terminationGracePeriodSeconds ?? undefined,
    podRestartPolicy: spec.restartPolicy, hostUsers: spec.hostUsers !== false,
  };
  errs.push(...validateContainers(spec.containers, ctx, at('containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, at('initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, at('ephemeralContainers')));
  errs.push(...validateHostNetworkPorts(spec, path, opts.resourceIsPod === true));
  errs.push(...validateRestartPolicy(spec.restartPolicy, at('restartPolicy')));
  errs.push(...validateDNSPolicy(spec.dnsPolicy, at('dnsPolicy')));
  errs.push(...validateLabels(spec.nodeSelector, at('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, path));
  errs.push(...validateImagePullSecrets(spec.imagePullSecrets, at('imagePullSecrets')));
  errs.push(...validateAffinity(spec.affinity, at('affinity')));
  errs.push(...validateDNSConfig(spec, at('dnsConfig')));
  (spec.readinessGates ?? []).forEach((g, i) => {
    const p = child(index(at('readinessGates'), i), 'conditionType');
    errs.push(...invalidEach(p, g.conditionType ?? '', isQualifiedName(g.conditionType ?? '')));
  });
  errs.push(...validateSchedulingGates(spec.schedulingGates, at('schedulingGates')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, at('topologySpreadConstraints')));
  errs.push(...validateHostUsers(spec, path));
  errs.push(...subdomainIfSet(spec.serviceAccountName, at('serviceAccountName')));
  errs.push(...subdomainIfSet(spec.nodeName, at('nodeName')));
  const deadline = spec.activeDeadlineSeconds;
  if (deadline != null && (deadline < 1 || deadline > maxInt32)) {
    errs.push(fieldError.invalid(at('activeDeadlineSeconds'), deadline, `must be between 1 and ${maxInt32}, inclusive`));
  }
  if (spec.hostname) errs.push(...invalidEach(at('hostname'), spec.hostname, isDNS1123Label(spec.hostname)));
  if (spec.subdomain) errs.push(...invalidEach(at('subdomain'), spec.subdomain, isDNS1123Label(spec.subdomain)));
  if (spec.tolerations?.length) errs.push(...validateTolerations(spec.tolerations, at('tolerations')));
  if (spec.hostAliases?.length) errs.push(...validateHostAliases(spec.hostAliases, at('hostAliases')));
  errs.push(...subdomainIfSet(spec.priorityClassName, at('priorityClassName')));
  if (spec.runtimeClassName != null) {
    errs.push(...invalidEach(at('runtimeClassName'), spec.runtimeClassName, nameIsDNSSubdomain(spec.runtimeClassName, false)));
  }
  if (spec.preemptionPolicy != null) {
    if (!spec.preemptionPolicy) errs.push(fieldError.required(at('preemptionPolicy')));
    else if (!preemptionPolicies.includes(spec.preemptionPolicy)) {
      errs.push(fieldError.notSupported(at('preemptionPolicy'), spec.preemptionPolicy, preemptionPolicies));
    }
  }
  if (spec.overhead) errs.push(...validateContainerResources({ limits: spec.overhead }, new Set(), at('overhead')));
  if (spec.os) errs.push(...validateOS(spec, path));
  return errs;
}

export function validateRestartPolicy(policy: string | undefined, path: string): FieldError[] {
  if (!policy) return [fieldError.required(path)];
  return restartPolicies.includes(policy) ? [] : [fieldError.notSupported(path, policy, restartPolicies)];
}

function subdomainIfSet(name: string | undefined, path: string): FieldError[] {
  return name ? invalidEach(path, name, nameIsDNSSubdomain(name, false)) : [];
}

/** On the host's network a container listens on the host port itself, so the two must agree. */
function validateHostNetworkPorts(spec: PodSpec, path: string, resourceIsPod: boolean): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      const hostPort = port.hostPort ?? 0;
      if ((resourceIsPod || hostPort !== 0) && hostPort !== port.containerPort) {
        errs.push(fieldError.invalid(`${index(child(path, 'containers'), ci)}.ports[${pi}].hostPort`, hostPort,
          'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

/** A pull secret reference carries a name and nothing else. */
function validateImagePullSecrets(secrets: PodSpec['imagePullSecrets'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (secrets ?? []).forEach((ref, i) => {
    const extra = Object.entries(ref).some(([k, v]) => k !== 'name' && v !== undefined && v !== null && v !== '');
    if (extra) errs.push(fieldError.invalid(index(path, i), ref, 'only name may be set'));
  });
  return errs;
}

function validateSchedulingGates(gates: PodSpec['schedulingGates'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    errs.push(...invalidEach(index(path, i), g.name ?? '', isQualifiedName(g.name ?? '')));
    if (seen.has(g.name)) errs.push(fieldError.duplicate(index(path, i), g.name));
    seen.add(g.name);
  });
  return errs;
}

/**
 * Dynamic resource claims: unique DNS-label names, each naming exactly one claim or claim template. Both the
 * v1.30 shape (`source.*`) and the later flat one are read.
 */
function validatePodResourceClaims(claims: PodSpec['resourceClaims'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (claims ?? []).forEach((claim, i) => {
    const p = index(path, i);
    if (!claim.name) errs.push(fieldError.required(child(p, 'name')));
    else if (seen.has(claim.name)) errs.push(fieldError.duplicate(child(p, 'name'), claim.name));
    else {
      errs.push(...invalidEach(child(p, 'name'), claim.name, isDNS1123Label(claim.name)));
      seen.add(claim.name);
    }
    const flat = claim as { resourceClaimName?: string; resourceClaimTemplateName?: string };
    const claimName = flat.resourceClaimName ?? claim.source?.resourceClaimName;
    const templateName = flat.resourceClaimTemplateName ?? claim.source?.resourceClaimTemplateName;
    if (claimName != null && templateName != null) {
      errs.push(fieldError.invalid(p, claim, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    }
    if (claimName == null && templateName == null) {
      errs.push(fieldError.invalid(p, claim, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    }
    if (claimName != null) errs.push(...invalidEach(child(p, 'resourceClaimName'), claimName, nameIsDNSSubdomain(claimName, false)));
    if (templateName != null) {
      errs.push(...invalidEach(child(p, 'resourceClaimTemplateName'), templateName, nameIsDNSSubdomain(templateName, false)));
    }
  });
  return errs;
}

const operatingSystems = ['linux', 'windows'];

function validateOS(spec: PodSpec, path: string): FieldError[] {
  const name = spec.os?.name;
  if (!name) return [fieldError.required(child(path, 'os.name'), 'cannot be empty')];
  if (!operatingSystems.includes(name)) return [fieldError.notSupported(child(path, 'os'), name, operatingSystems)];
  return validateLinuxOnlyOptions(spec, path);
}

