// Node validation (core/v1), after Kubernetes' ValidateNode(Update). A node's pod CIDRs and provider ID are
// assigned once (by the node IPAM controller and the cloud provider) and then fixed: pods already hold IPs
// from those ranges.
import type { NodeStatus, Taint } from 'kubernetes-types/core/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { Node } from '../types.ts';
import { child, index, invalidEach, key, oneOf } from './common.ts';
import { isQualifiedName, isValidCIDR, isValidLabelValue } from './names.ts';
import { validateResourceQuantity } from './resources.ts';

const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const podCIDRChangeForbidden = 'node updates may not change podCIDR except from "" to valid';

export function validateNode(node: Node): FieldError[] {
  const errs = validateTaints(node.spec?.taints ?? [], 'spec.taints');
  errs.push(...validateNodeResources(node.status));
  const cidrs = node.spec?.podCIDRs ?? [];
  cidrs.forEach((cidr, i) => errs.push(...invalidEach(index('spec.podCIDRs', i), cidr, isValidCIDR(cidr))));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => (c.includes(':') ? 'IPv6' : 'IPv4')));
    if (cidrs.length > 2 || families.size !== cidrs.length) {
      errs.push(fieldError.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    }
    const seen = new Set<string>();
    cidrs.forEach((cidr, i) => {
      if (seen.has(cidr)) errs.push(fieldError.duplicate(index('spec.podCIDRs', i), cidr));
      seen.add(cidr);
    });
  }
  return errs;
}

/** Taints: a label-like key and value, a known effect, and one taint per key and effect. */
export function validateTaints(taints: Taint[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((taint, i) => {
    const taintPath = index(path, i);
    errs.push(...(taint.key ? invalidEach(child(taintPath, 'key'), taint.key, isQualifiedName(taint.key))
      : [fieldError.required(child(taintPath, 'key'))]));
    const valueErrors = isValidLabelValue(taint.value ?? '');
    if (valueErrors.length > 0) errs.push(fieldError.invalid(child(taintPath, 'value'), taint.value, valueErrors.join(';')));
    errs.push(...oneOf(taint.effect, child(taintPath, 'effect'), taintEffects));
    const identity = `${taint.key}\u0000${taint.effect}`;
    if (seen.has(identity)) {
      errs.push({ ...fieldError.duplicate(taintPath, taint), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    seen.add(identity);
  });
  return errs;
}

function validateNodeResources(status: NodeStatus | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, value] of Object.entries(status?.capacity ?? {})) {
    errs.push(...validateResourceQuantity(name, value, key('status.capacity', name)));
  }
  for (const [name, value] of Object.entries(status?.allocatable ?? {})) {
    errs.push(...validateResourceQuantity(name, value, key('status.allocatable', name)));
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validateNode on updates as well. */
export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs: FieldError[] = [];
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const cidrs = node.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== cidrs.length || oldCIDRs.some((c, i) => c !== cidrs[i]))) {
    errs.push(fieldError.forbidden('spec.podCIDRs', podCIDRChangeForbidden));
  }
  const oldProvider = old.spec?.providerID ?? '';
  if (oldProvider && oldProvider !== (node.spec?.providerID ?? '')) {
    errs.push(fieldError.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  if ((node.spec?.externalID ?? '') !== (old.spec?.externalID ?? '')) {
    errs.push(fieldError.forbidden('spec.externalID', 'may not be updated'));
  }
  return errs;
}

/** The kubelet reports status; its quantities must be valid and its addresses unique. */
export function validateNodeStatusUpdate(node: Node): FieldError[] {
  const errs = validateNodeResources(node.status);
  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((address, i) => {
    const identity = `${address.type}\u0000${address.address}`;
    if (seen.has(identity)) errs.push(fieldError.duplicate(index('status.addresses', i), address));
    seen.add(identity);
  });
  return errs;
}
