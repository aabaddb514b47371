// Request-body decoding as kube-apiserver does it: parse (reporting duplicate keys), check against the type's schema
// (type errors are 400s, unknown fields are dropped), then apply the request's fieldValidation directive.
// The order callers follow, as kube-apiserver's handlers do:
//   parseBody -> checkAgainstSchema -> typeErrors[0] is a 400 -> applyFieldValidation (Strict throws, Warn warns).
import { ForbiddenKeyError, JsonSyntaxError, parseJson } from './decode-json.ts';
import { YamlSyntaxError, parseYaml } from './decode-yaml.ts';
import { errors, fieldError, invalid } from './errors.ts';

export { checkAgainstSchema, type SchemaCheck } from './decode-schema.ts';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

/** kube-apiserver keeps at most this many strict-decoding errors per request. */
const maxStrictErrors = 100;

/**
 * Parses a request body. Malformed input, and keys that would poison a prototype, are a 400 BadRequest. With
 * `expectedKind` (the kind the endpoint takes) the message is kube-apiserver's whole sentence, `the object provided
 * is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: ... ({"kind ...)`; without
 * it, the part after the colon.
 */
export function parseBody(
  raw: string, contentType: 'json' | 'yaml', expectedKind?: string,
): { value: unknown; duplicates: string[] } {
  try {
    return contentType === 'json' ? parseJson(raw) : parseYaml(raw);
  } catch (e) {
    if (e instanceof ForbiddenKeyError) {
      throw errors.badRequest(`the request body contains the forbidden key "${e.message}"`);
    }
    if (!(e instanceof JsonSyntaxError) && !(e instanceof YamlSyntaxError)) throw e;
    const cause = e instanceof JsonSyntaxError ? `couldn't get version/kind; json parse error: ${e.message}` : e.message;
    if (!expectedKind) throw errors.badRequest(cause);
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${expectedKind}): ${cause} (${summarize(raw)})`);
  }
}

/**
 * Acts on the unknown and duplicate fields of a decoded body as `fieldValidation` says. Strict: a 400 listing all
 * of them. Warn: the texts for `Warning: 299 - "<text>"` headers, one per field. Ignore: nothing. Duplicates inside
 * an unknown field are not reported, as Go skips unknown values without looking into them.
 * With `target` (the kind and version being decoded) the Strict message is kube-apiserver's whole sentence,
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`.
 */
export function applyFieldValidation(
  mode: FieldValidationMode, unknownFields: string[], duplicates: string[],
  target?: { kind: string; version: string },
): string[] {
  if (mode === 'Ignore') return [];
  const underUnknown = (path: string) => unknownFields.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`));
  const problems = [
    ...unknownFields.map((path) => `unknown field ${goQuote(path)}`),
    ...duplicates.filter((path) => !underUnknown(path)).map((path) => `duplicate field ${goQuote(path)}`),
  ];
  const reported = [...new Set(problems)].slice(0, maxStrictErrors);
  if (mode === 'Warn' || reported.length === 0) return reported;
  const message = `strict decoding error: ${reported.join(', ')}`;
  throw errors.badRequest(target ? `${target.kind} in version "${target.version}" cannot be handled as a ${target.kind}: ${message}` : message);
}

/**
 * Reads the `fieldValidation` query parameter. An unknown value is what kube-apiserver makes of it: a 422 on the
 * request's options (`CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "foo": ...`).
 */
export function fieldValidationMode(
  value: string | undefined, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
): FieldValidationMode {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw invalid(options, 'meta.k8s.io', '', [fieldError.notSupported('fieldValidation', value, ['', 'Ignore', 'Strict', 'Warn'])]);
}

/** Go's strconv.Quote for the ASCII paths and keys found in manifests. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** kube-apiserver's summary of a body it could not read: JSON objects as text, anything else as hex. */
function summarize(raw: string): string {
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length === 0) return '<empty>';
  const head = bytes.subarray(0, 30);
  const more = bytes.length > 30 ? ' ...' : '';
  return bytes[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}
