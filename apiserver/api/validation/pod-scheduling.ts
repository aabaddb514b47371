// Where a pod may run: node and pod (anti-)affinity, tolerations and topology spread constraints, after
// Kubernetes' validateAffinity, ValidateNodeSelector, ValidateTolerations and validateTopologySpreadConstraints.
import { fieldError, type FieldError } from '../errors.ts';
import { validateLabelSelector } from '../labels.ts';
import type {
  Affinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm, TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from '../pod-types.ts';
import type { LabelSelector, Toleration } from '../types.ts';
import { child, index, invalidEach } from './common.ts';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from './names.ts';

export function validateAffinity(affinity: Affinity | undefined, path: string): FieldError[] {
  if (!affinity) return [];
  const errs: FieldError[] = [];
  const node = affinity.nodeAffinity;
  if (node) {
    const p = child(path, 'nodeAffinity');
    if (node.requiredDuringSchedulingIgnoredDuringExecution) {
      errs.push(...validateNodeSelector(node.requiredDuringSchedulingIgnoredDuringExecution, false,
        child(p, 'requiredDuringSchedulingIgnoredDuringExecution')));
    }
    (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      const tp = index(child(p, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...weight(term.weight, child(tp, 'weight')));
      // A preference that matches no node is harmless, so its label values are not checked.
      errs.push(...validateNodeSelectorTerm(term.preference, true, child(tp, 'preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = affinity[kind];
    if (!a) continue;
    const p = child(path, kind);
    (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      errs.push(...validatePodAffinityTerm(term, index(child(p, 'requiredDuringSchedulingIgnoredDuringExecution'), i)));
    });
    (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: WeightedPodAffinityTerm, i) => {
      const tp = index(child(p, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      errs.push(...weight(term.weight, child(tp, 'weight')));
      errs.push(...validatePodAffinityTerm(term.podAffinityTerm, child(tp, 'podAffinityTerm')));
    });
  }
  return errs;
}

function weight(w: number | undefined, path: string): FieldError[] {
  return w == null || w <= 0 || w > 100 ? [fieldError.invalid(path, w ?? 0, 'must be in the range 1-100')] : [];
}

export function validateNodeSelector(selector: NodeSelector, allowInvalidValues: boolean, path: string): FieldError[] {
  const termsPath = child(path, 'nodeSelectorTerms');
  const terms = selector.nodeSelectorTerms ?? [];
  if (terms.length === 0) return [fieldError.required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => validateNodeSelectorTerm(term, allowInvalidValues, index(termsPath, i)));
}

function validateNodeSelectorTerm(term: NodeSelectorTerm | undefined, allowInvalidValues: boolean, path: string): FieldError[] {
  return [
    ...(term?.matchExpressions ?? []).flatMap((rq, i) =>
      validateNodeSelectorRequirement(rq, allowInvalidValues, index(child(path, 'matchExpressions'), i))),
    ...(term?.matchFields ?? []).flatMap((rq, i) => validateNodeFieldRequirement(rq, index(child(path, 'matchFields'), i))),
  ];
}

export function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, allowInvalidValues: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  const valuesPath = child(path, 'values');
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldError.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldError.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldError.required(valuesPath, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldError.invalid(child(path, 'operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  errs.push(...invalidEach(child(path, 'key'), rq.key ?? '', isQualifiedName(rq.key ?? '')));
  if (!allowInvalidValues) {
    values.forEach((v, i) => errs.push(...invalidEach(index(valuesPath, i), v, isValidLabelValue(v))));
  }
  return errs;
}

/** Node fields a selector may match: only the node's name. */
function validateNodeFieldRequirement(rq: NodeSelectorRequirement, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (rq.operator === 'In' || rq.operator === 'NotIn') {
    if ((rq.values ?? []).length !== 1) {
      errs.push(fieldError.required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(fieldError.invalid(child(path, 'operator'), rq.operator ?? '', 'not a valid selector operator'));
  }
  if (rq.key !== 'metadata.name') {
    errs.push(fieldError.invalid(child(path, 'key'), rq.key ?? '', 'not a valid field selector key'));
  } else {
    (rq.values ?? []).forEach((v, i) => errs.push(...invalidEach(index(child(path, 'values'), i), v, nameIsDNSSubdomain(v, false))));
  }
  return errs;
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: string): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, child(path, 'labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, child(path, 'namespaceSelector')),
  ];
  // Kubernetes reports bad namespace names at `namespace`, singular.
  for (const ns of term.namespaces ?? []) errs.push(...invalidEach(child(path, 'namespace'), ns, nameIsDNSLabel(ns, false)));
  errs.push(...validateMatchAndMismatchLabelKeys(path, term.matchLabelKeys, term.mismatchLabelKeys, term.labelSelector));
  if (!term.topologyKey) errs.push(fieldError.required(child(path, 'topologyKey'), 'can not be empty'));
  errs.push(...invalidEach(child(path, 'topologyKey'), term.topologyKey ?? '', isQualifiedName(term.topologyKey ?? '')));
  return errs;
}

function validateLabelKeys(path: string, keys: string[] | undefined, selector: LabelSelector | undefined): FieldError[] {
  if (!keys?.length) return [];
  if (!selector) return [fieldError.forbidden(path, 'must not be specified when labelSelector is not set')];
  return keys.flatMap((k, i) => invalidEach(index(path, i), k, isQualifiedName(k)));
}

function validateMatchAndMismatchLabelKeys(
  path: string, matchKeys: string[] | undefined, mismatchKeys: string[] | undefined, selector: LabelSelector | undefined,
): FieldError[] {
  const errs = [
    ...validateLabelKeys(child(path, 'matchLabelKeys'), matchKeys, selector),
    ...validateLabelKeys(child(path, 'mismatchLabelKeys'), mismatchKeys, selector),
  ];
  if (selector) {
    // By now the pod's values for matchLabelKeys were merged into the selector (PrepareForCreate), so a key the
    // user also wrote into the selector shows up twice.
    const keyIndex = new Map((matchKeys ?? []).map((k, i) => [k, i]));
    const selectorKeys = new Set(Object.keys(selector.matchLabels ?? {}));
    for (const expr of selector.matchExpressions ?? []) {
      const i = keyIndex.get(expr.key);
      if (i !== undefined && selectorKeys.has(expr.key)) {
        errs.push(fieldError.invalid(index(path, i), expr.key, 'exists in both matchLabelKeys and labelSelector'));
      }
      selectorKeys.add(expr.key);
    }
  }
  const mismatch = new Set(mismatchKeys ?? []);
  (matchKeys ?? []).forEach((k, i) => {
    if (mismatch.has(k)) errs.push(fieldError.invalid(index(child(path, 'matchLabelKeys'), i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  return errs;
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(tolerations: Toleration[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = index(path, i);
    const operatorPath = child(p, 'operator');
    if (t.key) errs.push(...invalidEach(child(p, 'key'), t.key, isQualifiedName(t.key)));
    // An empty key matches every taint, which only makes sense with Exists.
    if (!t.key && t.operator !== 'Exists') {
      errs.push(fieldError.invalid(operatorPath, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds != null && t.effect !== 'NoExecute') {
      errs.push(fieldError.invalid(child(p, 'effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? '') {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(t.value ?? '');
        if (msgs.length > 0) errs.push(fieldError.invalid(operatorPath, t.value ?? '', msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value) errs.push(fieldError.invalid(operatorPath, t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldError.notSupported(operatorPath, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !taintEffects.includes(t.effect)) errs.push(fieldError.notSupported(child(p, 'effect'), t.effect, taintEffects));
  });
  return errs;
}

const whenUnsatisfiableActions = ['DoNotSchedule', 'ScheduleAnyway'];
const nodeInclusionPolicies = ['Honor', 'Ignore'];

export function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = index(path, i);
    if (!(c.maxSkew > 0)) errs.push(fieldError.invalid(child(p, 'maxSkew'), c.maxSkew ?? 0, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(fieldError.required(child(p, 'topologyKey'), 'can not be empty'));
    if (!whenUnsatisfiableActions.includes(c.whenUnsatisfiable)) {
      errs.push(fieldError.notSupported(child(p, 'whenUnsatisfiable'), c.whenUnsatisfiable ?? '', whenUnsatisfiableActions));
    }
    // {topologyKey, whenUnsatisfiable} names one kind of spreading; the same kind twice would conflict.
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(fieldError.duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains != null) {
      if (c.minDomains <= 0) errs.push(fieldError.invalid(child(p, 'minDomains'), c.minDomains, 'must be greater than zero'));
      if (c.whenUnsatisfiable !== 'DoNotSchedule') {
        errs.push(fieldError.invalid(child(p, 'minDomains'), c.minDomains,
          `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable ?? ''}`));
      }
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[policy];
      if (v != null && !nodeInclusionPolicies.includes(v)) errs.push(fieldError.notSupported(child(p, policy), v, nodeInclusionPolicies));
    }
    errs.push(...validateSpreadMatchLabelKeys(c, child(p, 'matchLabelKeys')));
    errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return errs;
}

function validateSpreadMatchLabelKeys(c: TopologySpreadConstraint, path: string): FieldError[] {
  const keys = c.matchLabelKeys ?? [];
  if (keys.length === 0) return [];
  const errs: FieldError[] = [];
  const selectorKeys = new Set([
    ...Object.keys(c.labelSelector?.matchLabels ?? {}),
    ...(c.labelSelector?.matchExpressions ?? []).map((e) => e.key),
  ]);
  if (!c.labelSelector) errs.push(fieldError.forbidden(path, 'must not be specified when labelSelector is not set'));
  keys.forEach((k, i) => {
    errs.push(...invalidEach(index(path, i), k, isQualifiedName(k)));
    if (selectorKeys.has(k)) errs.push(fieldError.invalid(index(path, i), k, 'exists in both matchLabelKeys and labelSelector'));
  });
  return errs;
}
