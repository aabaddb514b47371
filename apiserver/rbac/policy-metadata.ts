// The metadata kube puts on its bootstrap policy objects, shared by the policy tables and their reconciliation.

/** "false" on a bootstrap object stops the apiserver from putting back what an administrator took out. */
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
export const bootstrapLabel: Readonly<Record<string, string>> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

export function bootstrapMetadata(name: string, labels: Record<string, string> = {}): {
  name: string; labels: Record<string, string>; annotations: Record<string, string>;
} {
  return { name, labels: { ...bootstrapLabel, ...labels }, annotations: { [autoUpdateAnnotation]: 'true' } };
}
