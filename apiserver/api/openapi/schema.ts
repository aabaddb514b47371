// The schema shape Skiff keeps for every API type: an OpenAPI v3 component schema, as Kubernetes publishes
// under /openapi/v3. One set of these documents drives request decoding (type errors, unknown fields),
// strategic merge patch (merge keys), the served OpenAPI documents and `kubectl explain`.

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface Schema {
  type?: SchemaType;
  description?: string;
  format?: string;
  /** A reference to another definition: `#/components/schemas/io.k8s.api.core.v1.Container`. */
  $ref?: string;
  /** OpenAPI v3 wraps a described $ref this way: `allOf: [{ $ref }]`. */
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  /** A map with free keys (labels, data): the schema of each value. */
  additionalProperties?: Schema | boolean;
  items?: Schema;
  enum?: (string | number | boolean)[];
  default?: unknown;
  readOnly?: boolean;
  /** Accepts an integer or a string (IntOrString: ports, maxSurge). */
  'x-kubernetes-int-or-string'?: true;
  /** Anything goes (RawExtension, JSON): no type checks, no unknown-field checks below. */
  'x-kubernetes-preserve-unknown-fields'?: true;
  /** Strategic merge patch: the field that identifies a list element (`name` for containers). */
  'x-kubernetes-patch-merge-key'?: string;
  /** Strategic merge patch: `merge`, `retainKeys`, or `merge,retainKeys`. */
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

/** Every definition by its Kubernetes name (`io.k8s.api.core.v1.Pod`). */
export type Definitions = Record<string, Schema>;

export const refPrefix = '#/components/schemas/';
