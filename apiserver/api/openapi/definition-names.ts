// Where a type lives in kubernetes-types and what Kubernetes' OpenAPI document calls it. The names are the Go
// package paths Kubernetes publishes (`io.k8s.api.core.v1.Pod`), so documents and $refs match the real API.

/** kubernetes-types renders IntOrString inline as `number | string`; the definition is ours to add. */
export const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const timeName = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const microTimeName = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
export const metaV1Prefix = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

/** `core/v1` -> `io.k8s.api.core.v1`; `meta/v1` -> `io.k8s.apimachinery.pkg.apis.meta.v1`. */
export function packageForModule(module: string): string {
  const dotted = module.replaceAll('/', '.');
  if (module === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (module === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (module === 'runtime' || module === 'version') return `io.k8s.apimachinery.pkg.${module}`;
  if (module.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.${dotted}`;
  return `io.k8s.api.${dotted}`;
}

export function definitionName(module: string, typeName: string): string {
  return `${packageForModule(module)}.${typeName}`;
}

/**
 * The kubernetes-types module of an API group-version: the core group is `core`, the others are named by the
 * first label of the group (`coordination.k8s.io` -> `coordination`, `autoscaling` -> `autoscaling`).
 */
export function moduleForGroupVersion(group: string, version: string): string {
  const directory = group === '' ? 'core' : group.split('.')[0];
  return `${directory}/${version}`;
}

/** The Go type name at the end of a definition name: `io.k8s.api.apps.v1.DeploymentSpec` -> `DeploymentSpec`. */
export function goTypeName(definition: string): string {
  return definition.slice(definition.lastIndexOf('.') + 1);
}

/** Go's reflect name of the type, package-qualified as in decode errors: `v1.PodSpec`, `resource.Quantity`. */
export function goQualifiedTypeName(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}
