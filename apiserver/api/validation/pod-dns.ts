// How a pod resolves names: dnsPolicy, dnsConfig and hostAliases, after Kubernetes' validateDNSPolicy,
// validatePodDNSConfig and ValidateHostAliases. The limits come from glibc's resolver.
import { fieldError, type FieldError } from '../errors.ts';
import type { PodSpec } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { isDNS1123Subdomain, isValidIP } from './names.ts';

export const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
export const maxDNSNameservers = 3;
export const maxDNSSearchPaths = 32;
export const maxDNSSearchListChars = 2048;

export function validateDNSPolicy(policy: string | undefined, path: string): FieldError[] {
  if (!policy) return [fieldError.required(path)];
  return dnsPolicies.includes(policy) ? [] : [fieldError.notSupported(path, policy, dnsPolicies)];
}

export function validateDNSConfig(spec: PodSpec, path: string): FieldError[] {
  const config = spec.dnsConfig;
  // With policy None the pod gets no resolver configuration except what dnsConfig says.
  if (spec.dnsPolicy === 'None') {
    if (!config) return [fieldError.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!config.nameservers?.length) {
      return [fieldError.required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
    }
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers = config.nameservers ?? [];
  if (nameservers.length > maxDNSNameservers) {
    errs.push(fieldError.invalid(child(path, 'nameservers'), nameservers, `must not have more than ${maxDNSNameservers} nameservers`));
  }
  nameservers.forEach((ns, i) => errs.push(...invalidEach(index(child(path, 'nameservers'), i), ns, isValidIP(ns))));
  const searches = config.searches ?? [];
  if (searches.length > maxDNSSearchPaths) {
    errs.push(fieldError.invalid(child(path, 'searches'), searches, `must not have more than ${maxDNSSearchPaths} search paths`));
  }
  if (searches.join(' ').length > maxDNSSearchListChars) {
    errs.push(fieldError.invalid(child(path, 'searches'), searches,
      `must not have more than ${maxDNSSearchListChars} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    // A trailing dot marks a fully qualified name; it is not part of the name itself.
    const name = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...invalidEach(index(child(path, 'searches'), i), name, isDNS1123Subdomain(name)));
  });
  (config.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(fieldError.required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return errs;
}

export function validateHostAliases(aliases: PodSpec['hostAliases'], path: string): FieldError[] {
  const errs: FieldError[] = [];
  (aliases ?? []).forEach((alias, i) => {
    const p = index(path, i);
    errs.push(...invalidEach(child(p, 'ip'), alias.ip ?? '', isValidIP(alias.ip ?? '')));
    (alias.hostnames ?? []).forEach((h, j) => errs.push(...invalidEach(index(child(p, 'hostnames'), j), h, isDNS1123Subdomain(h))));
  });
  return errs;
}
