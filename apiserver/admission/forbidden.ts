// kube's admission.NewForbidden: an admission plugin's refusal as a 403 naming the resource and the object
// (`pods "web-1" is forbidden: exceeded quota: ...`). An object still without a name is named by its generateName.
import { ApiError } from '../api/errors.ts';
import type { AdmissionAttributes } from '../registry/registry.ts';

export function admissionForbidden(a: AdmissionAttributes, reason: string): ApiError {
  const meta = a.object?.metadata;
  const name = meta?.name || meta?.generateName || a.name || 'Unknown';
  const resource = a.ri.group ? `${a.ri.plural}.${a.ri.group}` : a.ri.plural;
  return new ApiError(403, 'Forbidden', `${resource} "${name}" is forbidden: ${reason}`,
    { name, group: a.ri.group || undefined, kind: a.ri.plural });
}
