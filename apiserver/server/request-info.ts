// Turns a request path into what it addresses, as kube-apiserver's RequestInfoFactory does:
//   /api/v1/namespaces/{ns}/{resource}/{name}/{subresource}
//   /apis/{group}/{version}/{resource}/{name}/{subresource}        (cluster-scoped)
// Everything the router needs to pick a handler and the authorizer needs to decide is here.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'proxy';

export interface ResourceRequest {
  group: string;
  version: string;
  /** Namespace from the path; '' when absent. For `namespaces/{name}` it is the namespace's own name. */
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  verb: Verb;
}

// Subresources of the namespace object itself; any other segment after /namespaces/{ns}/ is a resource.
const namespaceSubresources = new Set(['status', 'finalize']);

/** Parses an API path; returns undefined for paths that are not resource requests (discovery, /version...). */
export function parseResourcePath(method: string, path: string, watchParam: boolean): ResourceRequest | undefined {
  const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
  if (segments.some((s) => s === undefined)) return undefined;
  const parts = segments as string[];
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length < 3) return undefined;
    group = '';
    rest = parts.slice(1);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return undefined;
    group = parts[1];
    rest = parts.slice(2);
  } else {
    return undefined;
  }
  const version = rest[0];
  rest = rest.slice(1);

  // The deprecated /watch/ and /proxy/ prefix forms name the verb in the path.
  let watchPrefix = false;
  let proxyPrefix = false;
  if (rest[0] === 'watch' || rest[0] === 'proxy') {
    // `/api/v1/watch` alone names no resource.
    if (rest.length === 1) return undefined;
    watchPrefix = rest[0] === 'watch';
    proxyPrefix = rest[0] === 'proxy';
    rest = rest.slice(1);
  }

  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  if (rest.length === 0) return undefined;
  // Segments past the subresource belong to it (a proxied path), as in kube's RequestInfo.
  const [resource, name = '', subresourceSegment = ''] = rest;
  const subresource = proxyPrefix ? '' : subresourceSegment;
  if (proxyPrefix) return { group, version, namespace, resource, name, subresource, verb: 'proxy' };

  let verb: Verb;
  switch (method) {
    case 'GET':
    case 'HEAD':
      // ?watch turns a list into a watch; one object is watched under the deprecated /watch/ prefix (a named
      // GET with ?watch is a plain get, as in kube-apiserver).
      if (name === '') verb = watchParam || watchPrefix ? 'watch' : 'list';
      else verb = watchPrefix && subresource === '' ? 'watch' : 'get';
      break;
    case 'POST': verb = 'create'; break;
    case 'PUT': verb = 'update'; break;
    case 'PATCH': verb = 'patch'; break;
    case 'DELETE': verb = name === '' ? 'deletecollection' : 'delete'; break;
    default: return undefined;
  }
  return { group, version, namespace, resource, name, subresource, verb };
}

/** kube's boolean query parameters: present and not "0" or "false" (any case) means true; `?watch` alone too. */
export function watchRequested(value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  return value !== '0' && value.toLowerCase() !== 'false';
}

function decodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}
