// Generic ephemeral volumes: a PersistentVolumeClaim template the pod owns, after Kubernetes'
// validateEphemeralVolumeSource. The claim is created as `<pod>-<volume>`, so that name must be valid too.
import { fieldError, type FieldError } from '../errors.ts';
import type { Volume } from '../types.ts';
import { child } from './common.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePersistentVolumeClaimSpec } from './persistentvolumeclaim.ts';
import { validateTemplateObjectMeta } from './pod-template-meta.ts';

export function validateEphemeralVolume(volume: Volume, volumePath: string, podName: string | undefined): FieldError[] {
  const path = child(volumePath, 'ephemeral');
  const template = volume.ephemeral?.volumeClaimTemplate;
  if (!template) return [fieldError.required(child(path, 'volumeClaimTemplate'))];
  const templatePath = child(path, 'volumeClaimTemplate');
  const errs = [
    ...validateTemplateObjectMeta(template.metadata, child(templatePath, 'metadata')),
    ...validatePersistentVolumeClaimSpec(template.spec, child(templatePath, 'spec')),
  ];
  if (podName && volume.name) {
    const claimName = `${podName}-${volume.name}`;
    for (const msg of nameIsDNSSubdomain(claimName, false)) {
      errs.push(fieldError.invalid(child(volumePath, 'name'), volume.name, `PVC name "${claimName}": ${msg}`));
    }
  }
  return errs;
}
