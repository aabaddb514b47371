// kube's admission.NewForbidden: an admission plugin's refusal as a 403 naming the resource and the object
// (`pods "web-1" is forbidden: exceeded quota: ...`). An object still without a name is named by its generateName.
import { errors, type ApiError } from '../api/errors.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';

export function admissionForbidden(a: AdmissionAttributes, reason: string): ApiError {
  const meta = a.object?.metadata;
  return errors.forbiddenObject(a.ri.group, a.ri.plural, meta?.name || meta?.generateName || a.name || 'Unknown', reason);
}
