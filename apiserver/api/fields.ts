// Field selectors (`spec.nodeName=n1,status.phase!=Failed`): each resource supports metadata.name and
// metadata.namespace plus the fields its registry strategy exposes in Kubernetes; anything else is a 400.
import { errors } from './errors.ts';
import type { KubeObject } from './types.ts';

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

type Extract = (obj: KubeObject) => string;

const get = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>(
  (o, k) => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
const str = (path: string): Extract => (obj) => {
  const v = get(obj, path);
  return v === undefined || v === null ? '' : String(v);
};
const bool = (path: string): Extract => (obj) => String(get(obj, path) === true);

/** Fields beyond metadata.name/namespace, per resource, as Kubernetes' strategies define them. */
const extraFields: Record<string, Record<string, Extract>> = {
  pods: {
    'spec.nodeName': str('spec.nodeName'),
    'spec.restartPolicy': str('spec.restartPolicy'),
    'spec.schedulerName': str('spec.schedulerName'),
    'spec.serviceAccountName': str('spec.serviceAccountName'),
    'spec.hostNetwork': bool('spec.hostNetwork'),
    'status.phase': str('status.phase'),
    'status.podIP': str('status.podIP'),
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
    source: str('source.component'),
    type: str('type'),
  },
  nodes: { 'spec.unschedulable': bool('spec.unschedulable') },
  secrets: { type: str('type') },
  namespaces: { 'status.phase': str('status.phase') },
  replicasets: { 'status.replicas': str('status.replicas') },
  replicationcontrollers: { 'status.replicas': str('status.replicas') },
  jobs: { 'status.successful': str('status.succeeded') },
  services: { 'spec.clusterIP': str('spec.clusterIP'), 'spec.type': str('spec.type') },
  persistentvolumeclaims: { 'spec.volumeName': str('spec.volumeName') },
};

function supported(plural: string): Set<string> {
  return new Set(['metadata.name', 'metadata.namespace', ...Object.keys(extraFields[plural] ?? {})]);
}

/** Parses a field selector for a resource; bad syntax or an unsupported field is a 400 BadRequest. */
export function parseFieldSelector(s: string, plural: string): FieldRequirement[] {
  const allowed = supported(plural);
  const reqs = parseFieldTerms(s);
  for (const r of reqs) if (!allowed.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  return reqs;
}

/** The terms of a field selector, whatever the resource; bad syntax is a 400 BadRequest. */
export function parseFieldTerms(s: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const term of splitTerms(s)) {
    if (term.trim() === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    reqs.push({ field: m[1].trim(), operator: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  return reqs;
}

// Terms are separated by unescaped commas; `\,` `\=` `\\` are escapes inside values.
function splitTerms(s: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) { current += s[i] + s[i + 1]; i++; continue; }
    if (s[i] === ',') { terms.push(current); current = ''; continue; }
    current += s[i];
  }
  terms.push(current);
  return terms;
}

function unescape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') {
      const n = v[i + 1];
      if (n === '\\' || n === ',' || n === '=') { out += n; i++; continue; }
      throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
    }
    if (v[i] === '=' || v[i] === ',') throw errors.badRequest(`invalid field selector: unescaped '${v[i]}' in value ${JSON.stringify(v)}`);
    out += v[i];
  }
  return out;
}

/** The field set of an object, for matching. */
export function fieldsOf(plural: string, obj: KubeObject): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.name': obj.metadata?.name ?? '',
    'metadata.namespace': obj.metadata?.namespace ?? '',
  };
  for (const [field, extract] of Object.entries(extraFields[plural] ?? {})) fields[field] = extract(obj);
  return fields;
}

export function matchesFields(reqs: FieldRequirement[], fields: Record<string, string>): boolean {
  return reqs.every((r) => (r.operator === '=' ? fields[r.field] === r.value : fields[r.field] !== r.value));
}
