import './ensure-definitions.ts';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resources } from '../../../apiserver/api/resources.ts';
import {
  definitionNameForKind, definitions, resolveSchema, schemaForKind,
} from '../../../apiserver/api/openapi/definitions.ts';
import { generateDefinitions, stableJson } from '../../../apiserver/api/openapi/generate.ts';
import { definitionsFile, packageRoot } from '../../../apiserver/api/openapi/package-root.ts';
import { definitionPatchMetadata, propertyPatchMetadata } from '../../../apiserver/api/openapi/patch-metadata.ts';
import { refPrefix, type Schema } from '../../../apiserver/api/openapi/schema.ts';

const core = 'io.k8s.api.core.v1.';
const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const defs = definitions();
const prop = (definition: string, property: string): Schema => {
  const schema = defs[definition]?.properties?.[property];
  assert.ok(schema, `${definition}.${property} exists`);
  return schema;
};
const refOf = (schema: Schema | undefined) => schema?.$ref ?? schema?.allOf?.[0]?.$ref;

describe('generated definitions', () => {
  it('gives Pod -> spec -> containers the Container items and the name merge key', () => {
    assert.equal(refOf(prop(`${core}Pod`, 'spec')), `${refPrefix}${core}PodSpec`);
    const containers = prop(`${core}PodSpec`, 'containers');
    assert.equal(containers.type, 'array');
    assert.equal(containers.items?.$ref, `${refPrefix}${core}Container`);
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(containers['x-kubernetes-patch-strategy'], 'merge');
    assert.equal(containers['x-kubernetes-list-type'], 'map');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
    assert.deepEqual(defs[`${core}Container`].required, ['name']);
  });

  it('carries the strategic-merge keys kubectl relies on', () => {
    assert.equal(prop(`${core}PodSpec`, 'volumes')['x-kubernetes-patch-strategy'], 'merge,retainKeys');
    assert.equal(prop(`${core}Container`, 'env')['x-kubernetes-patch-merge-key'], 'name');
    assert.equal(prop(`${core}Container`, 'ports')['x-kubernetes-patch-merge-key'], 'containerPort');
    assert.deepEqual(prop(`${core}Container`, 'ports')['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    assert.equal(prop(`${core}Container`, 'volumeMounts')['x-kubernetes-patch-merge-key'], 'mountPath');
    assert.equal(prop(`${core}ServiceSpec`, 'ports')['x-kubernetes-patch-merge-key'], 'port');
    assert.equal(prop(`${core}PodStatus`, 'conditions')['x-kubernetes-patch-merge-key'], 'type');
    assert.equal(prop(`${meta}ObjectMeta`, 'ownerReferences')['x-kubernetes-patch-merge-key'], 'uid');
    assert.equal(prop(`${meta}ObjectMeta`, 'finalizers')['x-kubernetes-patch-strategy'], 'merge');
    // A described reference keeps its patch strategy next to the allOf wrapper, where kubectl looks for it.
    const strategy = prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy');
    assert.equal(strategy['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.equal(strategy.allOf?.[0].$ref, `${refPrefix}io.k8s.api.apps.v1.DeploymentStrategy`);
    assert.equal(defs[`${meta}LabelSelector`]['x-kubernetes-map-type'], 'atomic');
  });

  it('applies every entry of the patch-metadata table', () => {
    for (const [definition, properties] of Object.entries(propertyPatchMetadata)) {
      for (const [property, metadata] of Object.entries(properties)) {
        for (const [key, value] of Object.entries(metadata)) {
          assert.deepEqual(prop(definition, property)[key as keyof Schema], value, `${definition}.${property} ${key}`);
        }
      }
    }
    for (const [definition, metadata] of Object.entries(definitionPatchMetadata)) {
      for (const [key, value] of Object.entries(metadata)) assert.deepEqual(defs[definition][key as keyof Schema], value);
    }
  });

  it('puts a group-version-kind on every served kind and its list', () => {
    for (const ri of resources) {
      for (const kind of [ri.kind, `${ri.kind}List`]) {
        const schema = schemaForKind(ri.group, ri.version, kind);
        assert.ok(schema, `${ri.group}/${ri.version} ${kind}`);
        assert.deepEqual(schema['x-kubernetes-group-version-kind'], [{ group: ri.group, kind, version: ri.version }]);
      }
    }
    assert.deepEqual(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'],
      [{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    assert.deepEqual(prop('io.k8s.api.apps.v1.DeploymentList', 'items').items, { $ref: `${refPrefix}io.k8s.api.apps.v1.Deployment` });
  });

  it('includes the subresource bodies and meta types with their kinds', () => {
    assert.equal(definitionNameForKind('autoscaling', 'v1', 'Scale'), 'io.k8s.api.autoscaling.v1.Scale');
    assert.equal(definitionNameForKind('policy', 'v1', 'Eviction'), 'io.k8s.api.policy.v1.Eviction');
    assert.equal(definitionNameForKind('', 'v1', 'Binding'), `${core}Binding`);
    for (const kind of ['Status', 'APIResourceList', 'APIGroupList', 'APIVersions', 'DeleteOptions', 'WatchEvent']) {
      assert.equal(definitionNameForKind('', 'v1', kind), `${meta}${kind}`, kind);
    }
    assert.equal(definitionNameForKind('apps', 'v1', 'DeleteOptions'), `${meta}DeleteOptions`);
    assert.ok(defs[`${meta}Patch`]);
    assert.equal(definitionNameForKind('apps', 'v1', 'NoSuchKind'), undefined);
    assert.equal(definitionNameForKind('', 'v1', 'PodSpec'), `${core}PodSpec`);
  });

  it('models IntOrString, Quantity, Time and RawExtension as Kubernetes does', () => {
    assert.deepEqual(
      { ...defs['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], description: undefined },
      { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true, description: undefined },
    );
    assert.equal(refOf(prop('io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge')),
      `${refPrefix}io.k8s.apimachinery.pkg.util.intstr.IntOrString`);
    assert.equal(refOf(prop(`${core}ServicePort`, 'targetPort')), `${refPrefix}io.k8s.apimachinery.pkg.util.intstr.IntOrString`);
    const quantity = defs['io.k8s.apimachinery.pkg.api.resource.Quantity'];
    assert.equal(quantity.type, 'string');
    assert.match(quantity.description ?? '', /fixed-point representation/);
    assert.equal(prop(`${core}ResourceRequirements`, 'limits').additionalProperties && typeof prop(`${core}ResourceRequirements`, 'limits').additionalProperties === 'object'
      ? (prop(`${core}ResourceRequirements`, 'limits').additionalProperties as Schema).$ref : undefined,
    `${refPrefix}io.k8s.apimachinery.pkg.api.resource.Quantity`);
    assert.deepEqual([defs[`${meta}Time`].type, defs[`${meta}Time`].format], ['string', 'date-time']);
    assert.deepEqual([defs[`${meta}MicroTime`].type, defs[`${meta}MicroTime`].format], ['string', 'date-time']);
    assert.equal(defs['io.k8s.apimachinery.pkg.runtime.RawExtension']['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(defs[`${meta}FieldsV1`]['x-kubernetes-preserve-unknown-fields'], true);
  });

  it('types numbers as int32 or int64, bytes as format byte, and keeps apiVersion and kind plain strings', () => {
    assert.deepEqual(prop('io.k8s.api.apps.v1.DeploymentSpec', 'replicas'), {
      type: 'integer', format: 'int32', description: prop('io.k8s.api.apps.v1.DeploymentSpec', 'replicas').description,
    });
    assert.equal(prop(`${core}PodSpec`, 'terminationGracePeriodSeconds').format, 'int64');
    assert.equal(prop(`${meta}ObjectMeta`, 'generation').format, 'int64');
    assert.equal(prop(`${core}PodSecurityContext`, 'supplementalGroups').items?.format, 'int64');
    assert.equal((prop(`${core}Secret`, 'data').additionalProperties as Schema).format, 'byte');
    const kind = prop('io.k8s.api.apps.v1.Deployment', 'kind');
    assert.equal(kind.type, 'string');
    assert.equal(kind.enum, undefined);
    assert.match(kind.description ?? '', /REST resource this object represents/);
    const numbers = JSON.stringify(defs).match(/"type":"number"/g);
    assert.equal(numbers, null, 'no served type has a float field');
  });

  it('marks readonly fields readOnly and keeps multi-paragraph descriptions', () => {
    const created = prop(`${meta}ObjectMeta`, 'creationTimestamp');
    assert.equal(created.readOnly, true);
    assert.equal(refOf(created), `${refPrefix}${meta}Time`);
    assert.match(created.description ?? '', /^CreationTimestamp is a timestamp.*\n\nPopulated by the system\. Read-only\./s);
    assert.equal(prop('io.k8s.api.apps.v1.DaemonSet', 'status').readOnly, true);
    assert.equal(prop(`${meta}ObjectMeta`, 'name').readOnly, undefined);
  });

  it('resolves every reference', () => {
    const refs = JSON.stringify(defs).matchAll(/"\$ref":"([^"]+)"/g);
    for (const [, ref] of refs) {
      assert.ok(ref.startsWith(refPrefix), ref);
      assert.ok(defs[ref.slice(refPrefix.length)], `${ref} resolves`);
    }
  });

  it('resolveSchema follows allOf and $ref and keeps the outer extensions', () => {
    const resolved = resolveSchema(prop('io.k8s.api.apps.v1.DeploymentSpec', 'strategy'));
    assert.ok(resolved.properties?.rollingUpdate);
    assert.equal(resolved['x-kubernetes-patch-strategy'], 'retainKeys');
    assert.equal(resolved.allOf, undefined);
    assert.equal(resolveSchema({ $ref: `${refPrefix}${meta}Time` }).format, 'date-time');
    assert.throws(() => resolveSchema({ $ref: `${refPrefix}io.k8s.nothing.Here` }), /unresolvable/);
  });

  it('is deterministic, is what the server reads, and is fast', () => {
    const started = performance.now();
    const first = stableJson(generateDefinitions());
    const elapsed = performance.now() - started;
    assert.equal(stableJson(generateDefinitions()), first);
    assert.ok(elapsed < 5000, `generation took ${Math.round(elapsed)} ms`);
    assert.equal(readFileSync(definitionsFile(packageRoot(import.meta.url)), 'utf8'), first);
    assert.deepEqual(definitions(), JSON.parse(first));
    assert.deepEqual(Object.keys(JSON.parse(first)), Object.keys(JSON.parse(first)).sort());
  });
});
