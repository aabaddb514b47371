// Field selectors (`spec.nodeName=n1,status.phase!=Failed`). Parsing follows apimachinery's fields.ParseSelector;
// which fields a resource accepts follows kube-apiserver 1.32, where a kind's field label conversion function
// decides (pkg/apis/*/v1/conversion.go) and kinds without one accept only metadata.name and metadata.namespace.
// The values matched come from each kind's GetAttrs/ToSelectableFields (pkg/registry/*/strategy.go).
import { errors } from './errors.ts';
import type { KubeObject } from './types.ts';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

// ---- parsing ----

/** The terms of a field selector, whatever the resource; bad syntax is a 400 BadRequest. */
export function parseFieldTerms(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  // Terms are sorted before parsing, as Kubernetes does, so the first bad term reported is the same.
  for (const term of splitTerms(s).sort(compareStrings)) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push({ field: split.field, operator: split.operator === '!=' ? '!=' : '=', value: unescapeValue(split.value) });
  }
  return reqs;
}

/** Parses a field selector for a resource; bad syntax or a field the resource does not offer is a 400 BadRequest. */
export function parseFieldSelector(s: string, plural: string): FieldRequirement[] {
  const convert = fieldLabelConversion(plural);
  return parseFieldTerms(s).map((r) => {
    const field = convert(r.field);
    if (typeof field !== 'string') throw errors.badRequest(field.error);
    return { ...r, field };
  });
}

// Go compares strings byte by byte: compare UTF-8 bytes, not UTF-16 code units.
function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Splits on commas that no backslash escapes; the escapes stay for unescapeValue. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    if (escaped) escaped = false;
    else if (s[i] === '\\') escaped = true;
    else if (s[i] === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

const termOperators = ['!=', '==', '='] as const;

/** The first operator from the left splits the term; nothing is trimmed ("a =b" selects field "a "). */
function splitTerm(term: string): { field: string; operator: string; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), operator: op, value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** `\\`, `\,` and `\=` are the only escapes; an unescaped ',' or '=' in a value is an error. */
function unescapeValue(v: string): string {
  if (!/[\\,=]/.test(v)) return v;
  let out = '';
  let escaped = false;
  for (const ch of v) {
    if (escaped) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v: its code point as a number.
      throw errors.badRequest(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (escaped) throw errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

// ---- which fields each resource accepts ----

type Conversion = (field: string) => string | { error: string };

/** Kinds with their own conversion function, which also words the error. */
function accepting(fields: readonly string[], error: (field: string) => string, aliases: Record<string, string> = {}): Conversion {
  const allowed = new Set(fields);
  return (field) => {
    if (allowed.has(field)) return field;
    if (Object.hasOwn(aliases, field)) return aliases[field];
    return { error: error(field) };
  };
}

const notSupported = (field: string) => `field label not supported: ${field}`;

const conversions: Readonly<Record<string, Conversion>> = {
  pods: accepting([
    'metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName',
    'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName',
  ], notSupported, { 'spec.host': 'spec.nodeName' }), // spec.host: what pre-1.0 clients sent
  // Nodes and namespaces are cluster-scoped: their conversions accept no metadata.namespace.
  nodes: accepting(['metadata.name', 'spec.unschedulable'], notSupported),
  namespaces: accepting(['status.phase', 'metadata.name'], notSupported),
  replicationcontrollers: accepting(['metadata.name', 'metadata.namespace', 'status.replicas'], notSupported),
  events: accepting([
    'involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
    'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason',
    'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name',
  ], notSupported),
  secrets: accepting(['type', 'metadata.namespace', 'metadata.name'], notSupported),
  services: accepting(['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'], notSupported),
  jobs: accepting(['metadata.name', 'metadata.namespace', 'status.successful'],
    (field) => `field label "${field}" not supported for batchv1.Job`),
};

// runtime.DefaultMetaV1FieldSelectorConversion. ReplicaSets fall here too: their strategy lists status.replicas,
// but apps/v1 registers no conversion for it, so kube-apiserver rejects it (kubernetes#135136).
const metadataOnly = accepting(['metadata.name', 'metadata.namespace'],
  (field) => `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);

function fieldLabelConversion(plural: string): Conversion {
  return Object.hasOwn(conversions, plural) ? conversions[plural] : metadataOnly;
}

/** The fields `plural` accepts in a field selector (aliases aside). */
export function supportedFields(plural: string): string[] {
  const probe = fieldLabelConversion(plural);
  return candidateFields.filter((f) => probe(f) === f);
}

// ---- the field set of an object ----

type Extract = (obj: KubeObject) => string;

const get = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>(
  (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
/** A string field; unset is "" as Go's zero value. */
const str = (path: string): Extract => (obj) => {
  const v = get(obj, path);
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
};
/** A bool field as fmt.Sprint/strconv.FormatBool print it; unset is "false". */
const bool = (path: string): Extract => (obj) => String(get(obj, path) === true);
/** An int32 field as strconv.Itoa prints it; unset is "0". */
const int = (path: string): Extract => (obj) => {
  const v = get(obj, path);
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
};

/** The primary pod IP: status.podIP when set (it wins over podIPs in conversion), else the first of podIPs. */
const podIP: Extract = (obj) => {
  const primary = str('status.podIP')(obj);
  if (primary) return primary;
  const ips = get(obj, 'status.podIPs');
  const first: unknown = Array.isArray(ips) ? ips[0] : undefined;
  return first !== null && typeof first === 'object' ? str('ip')(first as KubeObject) : '';
};

/** An event's source: source.component, or the reporting controller when that is empty. */
const eventSource: Extract = (obj) => str('source.component')(obj) || str('reportingComponent')(obj);

/**
 * Fields beyond metadata.name/namespace, per resource. A field a resource accepts but does not list here (pods'
 * status.podIPs, as in Kubernetes) reads as "": it matches `=` only the empty value.
 */
const extraFields: Readonly<Record<string, Readonly<Record<string, Extract>>>> = {
  pods: {
    'spec.nodeName': str('spec.nodeName'),
    'spec.restartPolicy': str('spec.restartPolicy'),
    'spec.schedulerName': str('spec.schedulerName'),
    'spec.serviceAccountName': str('spec.serviceAccountName'),
    'spec.hostNetwork': bool('spec.hostNetwork'),
    'status.phase': str('status.phase'),
    'status.podIP': podIP,
    'status.nominatedNodeName': str('status.nominatedNodeName'),
  },
  events: {
    'involvedObject.kind': str('involvedObject.kind'),
    'involvedObject.namespace': str('involvedObject.namespace'),
    'involvedObject.name': str('involvedObject.name'),
    'involvedObject.uid': str('involvedObject.uid'),
    'involvedObject.apiVersion': str('involvedObject.apiVersion'),
    'involvedObject.resourceVersion': str('involvedObject.resourceVersion'),
    'involvedObject.fieldPath': str('involvedObject.fieldPath'),
    reason: str('reason'),
    reportingComponent: str('reportingComponent'),
    source: eventSource,
    type: str('type'),
  },
  nodes: { 'spec.unschedulable': bool('spec.unschedulable') },
  secrets: { type: str('type') },
  namespaces: { 'status.phase': str('status.phase') },
  replicasets: { 'status.replicas': int('status.replicas') },
  replicationcontrollers: { 'status.replicas': int('status.replicas') },
  jobs: { 'status.successful': int('status.succeeded') },
  services: { 'spec.clusterIP': str('spec.clusterIP'), 'spec.type': str('spec.type') },
};

const candidateFields = [...new Set([
  'metadata.name', 'metadata.namespace', 'status.podIPs',
  ...Object.values(extraFields).flatMap((fields) => Object.keys(fields)),
])];

/** The field set of an object, for matching (the kind's GetAttrs). */
export function fieldsOf(plural: string, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
  const extra = Object.hasOwn(extraFields, plural) ? extraFields[plural] : {};
  for (const [field, extract] of Object.entries(extra)) fields[field] = extract(obj);
  return fields;
}

/** Every requirement holds; a field missing from the set reads as "" (fields.Set.Get). */
export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}
