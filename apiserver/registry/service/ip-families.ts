// ipFamilyPolicy and ipFamilies of a Service, filled in from what the cluster is configured with before any address
// is allocated (kube's initIPFamilyFields). Pure: the families the cluster serves are passed in.
import type { ServiceSpec } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../../api/errors.ts';
import type { Service } from '../../api/types.ts';
import { semanticEqual } from '../../api/validation/common.ts';

export type IPFamily = 'IPv4' | 'IPv6';

export function familyOf(ip: string): IPFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function otherFamily(family: string): IPFamily {
  return family === 'IPv4' ? 'IPv6' : 'IPv4';
}

function headlessWithoutSelector(spec: ServiceSpec): boolean {
  return spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
}

/**
 * Fills spec.ipFamilyPolicy and spec.ipFamilies (and trims a dual-stack service being made single-stack), or says
 * why the request can't be served by this cluster. `configured` is the families of the service CIDRs, primary first.
 */
export function initIPFamilyFields(service: Service, old: Service | undefined, configured: readonly IPFamily[]): FieldError[] {
  const spec = service.spec;
  if (!spec || spec.type === 'ExternalName') return [];
  const oldSpec = old?.spec;

  // On create, no policy means single-stack; on update it means "as before" (a PUT that leaves it out keeps it).
  // A headless Service without a selector has no addresses of its own, so it may list both families.
  if (!spec.ipFamilyPolicy) {
    if (oldSpec?.ipFamilyPolicy) spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    else spec.ipFamilyPolicy = headlessWithoutSelector(spec) ? 'RequireDualStack' : 'SingleStack';
  }
  const policy = spec.ipFamilyPolicy;
  const errs: FieldError[] = [];

  if (oldSpec) {
    if (policy === 'SingleStack') {
      // Asking for single-stack while passing back both values is a clear wish to drop the secondary one.
      if (semanticEqual(spec.clusterIPs, oldSpec.clusterIPs) && (spec.clusterIPs?.length ?? 0) > 1) spec.clusterIPs = spec.clusterIPs!.slice(0, 1);
      if (semanticEqual(spec.ipFamilies, oldSpec.ipFamilies) && (spec.ipFamilies?.length ?? 0) > 1) spec.ipFamilies = spec.ipFamilies!.slice(0, 1);
    } else {
      if (reduced(spec.clusterIPs, oldSpec.clusterIPs)) {
        errs.push(fieldError.invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary cluster IP"));
      }
      if (reduced(spec.ipFamilies, oldSpec.ipFamilies)) {
        errs.push(fieldError.invalid('spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary IP family"));
      }
    }
  }

  if (policy === 'SingleStack') {
    if (spec.clusterIPs?.length === 2) {
      errs.push(fieldError.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if (spec.ipFamilies?.length === 2) {
      errs.push(fieldError.invalid('spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
  }

  // The family of each given address, where ipFamilies does not say it already.
  const families = [...(spec.ipFamilies ?? [])];
  const ips = spec.clusterIPs ?? [];
  for (let i = 0; i < ips.length && ips[i] !== 'None'; i++) {
    if (i < families.length) continue;
    const family = familyOf(ips[i]);
    if (configured.includes(family)) families.push(family);
    else errs.push(fieldError.invalid(`spec.clusterIPs[${i}]`, ips, `${family} is not configured on this cluster`));
  }
  if (errs.length > 0) return errs;

  if (headlessWithoutSelector(spec)) {
    if (families.length === 0) families.push(configured[0]);
    if (families.length < 2 && policy !== 'SingleStack') families.push(otherFamily(families[0]));
    spec.ipFamilies = families;
    return [];
  }

  if (policy === 'RequireDualStack' && configured.length < 2) {
    errs.push(fieldError.invalid('spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
  }
  families.forEach((family, i) => {
    if (!configured.includes(family as IPFamily)) errs.push(fieldError.invalid(`spec.ipFamilies[${i}]`, family, 'not configured on this cluster'));
  });
  if (errs.length > 0) return errs;

  if (families.length === 0) families.push(configured[0]);
  if (policy !== 'SingleStack' && families.length === 1 && configured.length === 2) families.push(otherFamily(families[0]));
  spec.ipFamilies = families;
  return [];
}

/** The client sent fewer values than were stored (sending none means "unchanged", not "fewer"). */
function reduced(values: readonly string[] | undefined, old: readonly string[] | undefined): boolean {
  const n = values?.length ?? 0;
  return n > 0 && n < (old?.length ?? 0);
}
