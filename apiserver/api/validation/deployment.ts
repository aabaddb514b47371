// Deployment validation (apps/v1), after Kubernetes' ValidateDeployment and the apps/v1 selector immutability
// its strategy adds on update.
import type { DeploymentStrategy, DeploymentStatus } from 'kubernetes-types/apps/v1.d.ts';
import { fieldError, type FieldError } from '../errors.ts';
import type { Deployment } from '../types.ts';
import { immutable, nonNegative } from './common.ts';
import { validateControllerSelector, validateLongRunningTemplate, validateSelectorMatchesTemplate } from './controller-template.ts';
import { intOrPercentValue, notMoreThan100Percent, validateIntOrPercent } from './int-or-percent.ts';
import { collisionCountErrors, validateReplicaCounts } from './replica-status.ts';

export function validateDeployment(deployment: Deployment): FieldError[] {
  const spec = deployment.spec;
  if (!spec) return [fieldError.required('spec')];
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateControllerSelector(spec.selector, 'spec.selector', 'deployment'));
  errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template?.metadata?.labels, 'spec.template'));
  errs.push(...validateLongRunningTemplate(spec.template, 'spec.template', 'Deployment'));
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...nonNegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (typeof spec.progressDeadlineSeconds === 'number') {
    errs.push(...nonNegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(fieldError.invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds,
        'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** Only the checks that need the old object; the handler runs validateDeployment on updates as well. */
export function validateDeploymentUpdate(deployment: Deployment, old: Deployment): FieldError[] {
  return immutable(deployment.spec?.selector, old.spec?.selector, 'spec.selector');
}

export function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: string): FieldError[] {
  const supported = ['Recreate', 'RollingUpdate'];
  switch (strategy?.type) {
    case 'Recreate':
      return strategy.rollingUpdate
        ? [fieldError.forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case 'RollingUpdate': {
      const ru = strategy.rollingUpdate;
      if (!ru) return [fieldError.required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const errs = [
        ...validateIntOrPercent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`),
        ...validateIntOrPercent(ru.maxSurge, `${path}.rollingUpdate.maxSurge`),
      ];
      // Nothing could ever be replaced if no pod may be missing and none may be added.
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldError.invalid(`${path}.rollingUpdate.maxUnavailable`, ru.maxUnavailable ?? 0,
          'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notMoreThan100Percent(ru.maxUnavailable, `${path}.rollingUpdate.maxUnavailable`));
      return errs;
    }
    default:
      return [fieldError.notSupported(path, strategy ?? null, supported)];
  }
}

export function validateDeploymentStatusUpdate(deployment: Deployment, old: Deployment): FieldError[] {
  const status: DeploymentStatus = deployment.status ?? {};
  const errs = validateReplicaCounts(status, 'status', [
    'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas',
  ]);
  errs.push(...nonNegative(status.observedGeneration, 'status.observedGeneration'));
  errs.push(...collisionCountErrors(status.collisionCount, old.status?.collisionCount));
  return errs;
}
