// Pod and container security contexts, after Kubernetes' validatePodSpecSecurityContext and
// ValidateSecurityContext: ids in range, known enum values, profiles that name a local file only when asked,
// and combinations that cannot work. Whether a setting is *allowed* is Pod Security admission's job, not this.
import { fieldError, type FieldError } from '../errors.ts';
import type { SecurityContext } from '../pod-types.ts';
import type { PodSpec } from '../types.ts';
import { child, index } from './common.ts';
import { validateLocalDescendingPath } from './pod-paths.ts';

const maxId = 2147483647;
const idRangeMessage = `must be between 0 and ${maxId}, inclusive`;

function validateId(id: number | undefined, path: string): FieldError[] {
  if (id == null || (id >= 0 && id <= maxId)) return [];
  return [fieldError.invalid(path, id, idRangeMessage)];
}

export function validatePodSecurityContext(spec: PodSpec, specPath: string): FieldError[] {
  const sc = spec.securityContext;
  if (!sc) return [];
  const path = child(specPath, 'securityContext');
  const errs = [
    ...validateId(sc.fsGroup, child(path, 'fsGroup')),
    ...validateId(sc.runAsUser, child(path, 'runAsUser')),
    ...validateId(sc.runAsGroup, child(path, 'runAsGroup')),
  ];
  (sc.supplementalGroups ?? []).forEach((gid, i) => errs.push(...validateId(gid, index(child(path, 'supplementalGroups'), i))));
  // Kubernetes keeps shareProcessNamespace inside the security context internally, hence the path.
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(fieldError.invalid(child(path, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  if (sc.sysctls?.length) errs.push(...validateSysctls(spec, child(path, 'sysctls')));
  if (sc.fsGroupChangePolicy != null && !['Always', 'OnRootMismatch'].includes(sc.fsGroupChangePolicy)) {
    errs.push(fieldError.notSupported(child(path, 'fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(path, 'seccompProfile')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(path, 'appArmorProfile')));
  return errs;
}

/** `hostUsers`: false means a user namespace, which Kubernetes refuses to combine with host namespaces. */
export function validateHostUsers(spec: PodSpec, specPath: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  // The odd capitals are Kubernetes' own paths for these two.
  if (spec.hostNetwork) errs.push(fieldError.forbidden(child(specPath, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID) errs.push(fieldError.forbidden(child(specPath, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC) errs.push(fieldError.forbidden(child(specPath, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  return errs;
}

export function validateContainerSecurityContext(sc: SecurityContext | undefined, hostUsers: boolean, path: string): FieldError[] {
  if (!sc) return [];
  const errs = [
    ...validateId(sc.runAsUser, child(path, 'runAsUser')),
    ...validateId(sc.runAsGroup, child(path, 'runAsGroup')),
  ];
  if (sc.procMount != null) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
      errs.push(fieldError.notSupported(child(path, 'procMount'), sc.procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && sc.procMount === 'Unmasked') {
      errs.push(fieldError.invalid(child(path, 'procMount'), sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(path, 'seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) {
      errs.push(fieldError.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    }
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
      errs.push(fieldError.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(path, 'appArmorProfile')));
  return errs;
}

type SeccompProfile = NonNullable<SecurityContext['seccompProfile']>;
type AppArmorProfile = NonNullable<SecurityContext['appArmorProfile']>;

function validateSeccompProfile(sp: SeccompProfile | undefined, path: string): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!sp.type) errs.push(fieldError.required(child(path, 'type'), 'type is required when seccompProfile is set'));
  else if (!types.includes(sp.type)) errs.push(fieldError.notSupported(child(path, 'type'), sp.type, types));
  if (sp.type === 'Localhost') {
    if (sp.localhostProfile == null) {
      errs.push(fieldError.required(child(path, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    } else {
      errs.push(...validateLocalDescendingPath(sp.localhostProfile, child(path, 'localhostProfile')));
    }
  } else if (sp.localhostProfile != null) {
    errs.push(fieldError.invalid(child(path, 'localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfile(profile: AppArmorProfile | undefined, path: string): FieldError[] {
  if (!profile) return [];
  const localPath = child(path, 'localhostProfile');
  switch (profile.type) {
    case 'Localhost': {
      const local = profile.localhostProfile;
      if (local == null) return [fieldError.required(localPath, 'must be set when AppArmor type is Localhost')];
      const errs: FieldError[] = [];
      if (local.trim() !== local) errs.push(fieldError.invalid(localPath, local, 'must not be padded with whitespace'));
      else if (local === '') errs.push(fieldError.required(localPath, 'must be set when AppArmor type is Localhost'));
      // PATH_MAX - 1: the profile name becomes a path on the node.
      if (local.length > 4095) errs.push(fieldError.tooLong(localPath, '', 4095));
      return errs;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      return profile.localhostProfile == null ? []
        : [fieldError.invalid(localPath, profile.localhostProfile, 'can only be set when AppArmor type is Localhost')];
    case '':
    case undefined:
      return [fieldError.required(child(path, 'type'), 'type is required when appArmorProfile is set')];
    default:
      return [fieldError.notSupported(child(path, 'type'), profile.type, ['Localhost', 'RuntimeDefault', 'Unconfined'])];
  }
}

const sysctlSegment = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const sysctlFormat = `^(${sysctlSegment}[\\./])*${sysctlSegment}$`;
const sysctlName = new RegExp(sysctlFormat);
const sysctlMaxLength = 253;
/** IPC-namespaced sysctls (everything else that is namespaced lives under net.*). */
const ipcSysctls = ['kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni'];

function validateSysctls(spec: PodSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (spec.securityContext?.sysctls ?? []).forEach((s, i) => {
    const namePath = child(index(path, i), 'name');
    const name = s.name ?? '';
    if (!name) errs.push(fieldError.required(namePath));
    else if (name.length > sysctlMaxLength || !sysctlName.test(name)) {
      errs.push(fieldError.invalid(namePath, name, `must have at most ${sysctlMaxLength} characters and match regex ${sysctlFormat}`));
    } else if (seen.has(name)) errs.push(fieldError.duplicate(namePath, name));
    // A namespaced sysctl would change the host's own setting when the pod shares that namespace.
    const normalized = name.replaceAll('/', '.');
    if (spec.hostNetwork && normalized.startsWith('net.')) {
      errs.push(fieldError.invalid(namePath, name, "may not be specified when 'hostNetwork' is true"));
    } else if (spec.hostIPC && (ipcSysctls.includes(normalized) || normalized.startsWith('fs.mqueue.'))) {
      errs.push(fieldError.invalid(namePath, name, "may not be specified when 'hostIPC' is true"));
    }
    seen.add(name);
  });
  return errs;
}

/** Linux pods cannot carry Windows options. */
export function validateLinuxOnlyOptions(spec: PodSpec, specPath: string): FieldError[] {
  if (spec.os?.name !== 'linux') return [];
  const errs: FieldError[] = [];
  const forbidden = 'windows options cannot be set for a linux pod';
  if (spec.securityContext?.windowsOptions) {
    errs.push(fieldError.forbidden(child(specPath, 'securityContext.windowsOptions'), forbidden));
  }
  const groups = [['initContainers', spec.initContainers], ['containers', spec.containers], ['ephemeralContainers', spec.ephemeralContainers]] as const;
  for (const [field, list] of groups) {
    (list ?? []).forEach((c, i) => {
      if (c.securityContext?.windowsOptions) {
        errs.push(fieldError.forbidden(child(index(child(specPath, field), i), 'securityContext.windowsOptions'), forbidden));
      }
    });
  }
  return errs;
}

