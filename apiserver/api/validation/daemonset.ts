// DaemonSet validation (apps/v1), after Kubernetes' ValidateDaemonSet; apps/v1 makes the selector immutable.
import type { DaemonSetUpdateStrategy } from 'kubernetes-types/apps/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { DaemonSet } from '../types.ts';
import { immutable, nonNegative } from './common.ts';
import { validateControllerSelector, validateLongRunningTemplate, validateSelectorMatchesTemplate } from './controller-template.ts';
import { collisionCountErrors } from './replica-status.ts';
import { intOrPercentValue, notMoreThan100Percent, validateIntOrPercent } from './int-or-percent.ts';

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = ds.spec;
  if (!spec) return [fieldError.required('spec')];
  return [
    ...validateControllerSelector(spec.selector, 'spec.selector', 'daemonset'),
    ...validateSelectorMatchesTemplate(spec.selector, spec.template?.metadata?.labels, 'spec.template'),
    ...validateLongRunningTemplate(spec.template, 'spec.template', 'DaemonSet'),
    ...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'),
    ...validateDaemonSetUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'),
    ...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'),
  ];
}

/** Only the checks that need the old object; the handler runs validateDaemonSet on updates as well. */
export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return immutable(ds.spec?.selector, old.spec?.selector, 'spec.selector');
}

export function validateDaemonSetUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: string): FieldError[] {
  switch (strategy?.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (!ru) return [fieldError.required(`${path}.rollingUpdate`)];
      const ruPath = `${path}.rollingUpdate`;
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${ruPath}.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${ruPath}.maxSurge`),
        ...notMoreThan100Percent(ru.maxUnavailable, `${ruPath}.maxUnavailable`),
        ...notMoreThan100Percent(ru.maxSurge, `${ruPath}.maxSurge`),
      ];
      // A node runs one daemon pod: an update either surges a new one next to it or takes the old one down
      // first, never both, and it must do one of them.
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(fieldError.invalid(`${ruPath}.maxSurge`, ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(fieldError.required(`${ruPath}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      }
      return errs;
    }
    default:
      return [fieldError.notSupported(path, strategy ?? null, ['OnDelete', 'RollingUpdate'])];
  }
}

export function validateDaemonSetStatusUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  const status = ds.status;
  if (!status) return [];
  const counters = [
    'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady',
    'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable',
  ] as const;
  const errs = counters.flatMap((name) => nonNegative(status[name], `status.${name}`));
  errs.push(...collisionCountErrors(status.collisionCount, old.status?.collisionCount));
  return errs;
}
