// The path and query parameters of Kubernetes' REST operations, as its OpenAPI document lists them. kubectl reads
// them: it sends `fieldValidation=Strict` only when a kind's PATCH operation lists `fieldValidation`.

export type ParameterType = 'string' | 'integer' | 'boolean';

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  type: ParameterType;
  description: string;
  required?: boolean;
}

const query = (name: string, type: ParameterType, description: string): Parameter => ({ name, in: 'query', type, description });

export const namespaceParam: Parameter = {
  name: 'namespace', in: 'path', type: 'string', required: true,
  description: 'object name and auth scope, such as for teams and projects',
};

export function nameParam(kind: string): Parameter {
  return { name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${kind}` };
}

export const proxyPathParam: Parameter = {
  name: 'path', in: 'path', type: 'string', required: true, description: 'path to the resource',
};

export const params = {
  pretty: query('pretty', 'string', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'string', 'When present, indicates that modifications should not be persisted. An invalid or '
    + 'unrecognized dryRun directive will result in an error response and no further processing of the request. Valid '
    + 'values are: - All: all dry run stages will be processed'),
  fieldManager: query('fieldManager', 'string', 'fieldManager is a name associated with the actor or entity that is '
    + 'making these changes. The value must be less than or 128 characters long, and only contain printable characters. '
    + 'It is required for apply requests (application/apply-patch) and optional otherwise.'),
  fieldValidation: query('fieldValidation', 'string', 'fieldValidation instructs the server on how to handle objects in '
    + 'the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: unknown fields are '
    + 'silently dropped and the last of duplicate fields wins. - Warn (the default): a warning header is sent for each '
    + 'unknown or duplicate field; the request still succeeds. - Strict: the request fails with a BadRequest error '
    + 'listing every unknown and duplicate field.'),
  force: query('force', 'boolean', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting '
    + 'fields owned by other people. Force flag must be unset for non-apply patch requests.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer', 'The duration in seconds before the object should be '
    + 'deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, '
    + 'the default grace period for the specified type will be used.'),
  orphanDependents: query('orphanDependents', 'boolean', 'Deprecated: please use the PropagationPolicy. Should the '
    + 'dependent objects be orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string', "Whether and how garbage collection will be performed: "
    + "'Orphan', 'Background' or 'Foreground'."),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean', 'allowWatchBookmarks requests watch events with type '
    + '"BOOKMARK". Servers may send bookmarks at their discretion.'),
  continue: query('continue', 'string', 'The continue option should be set when retrieving more results from the server. '
    + 'Its value is the continue token of a previous list result with identical query parameters.'),
  fieldSelector: query('fieldSelector', 'string', 'A selector to restrict the list of returned objects by their fields. '
    + 'Defaults to everything.'),
  labelSelector: query('labelSelector', 'string', 'A selector to restrict the list of returned objects by their labels. '
    + 'Defaults to everything.'),
  limit: query('limit', 'integer', 'limit is a maximum number of responses to return for a list call. If more items '
    + 'exist, the server will set the `continue` field on the list metadata.'),
  resourceVersion: query('resourceVersion', 'string', 'resourceVersion sets a constraint on what resource versions a '
    + 'request may be served from. Defaults to unset.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string', 'resourceVersionMatch determines how resourceVersion is '
    + 'applied to list calls. Defaults to unset.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean', 'With watch=true, start the watch stream with synthetic '
    + 'events for the current state, followed by a bookmark annotated "k8s.io/initial-events-end".'),
  timeoutSeconds: query('timeoutSeconds', 'integer', 'Timeout for the list/watch call. This limits the duration of the '
    + 'call, regardless of any activity or inactivity.'),
  watch: query('watch', 'boolean', 'Watch for changes to the described resources and return them as a stream of add, '
    + 'update, and remove notifications. Specify resourceVersion.'),
  container: query('container', 'string', 'The container for which to stream logs or run the command. Defaults to the '
    + 'only container if there is one container in the pod.'),
  follow: query('follow', 'boolean', 'Follow the log stream of the pod. Defaults to false.'),
  limitBytes: query('limitBytes', 'integer', 'If set, the number of bytes to read from the server before terminating the '
    + 'log output.'),
  previous: query('previous', 'boolean', 'Return previous terminated container logs. Defaults to false.'),
  sinceSeconds: query('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show '
    + 'logs.'),
  tailLines: query('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
  timestamps: query('timestamps', 'boolean', 'If true, add an RFC3339 timestamp at the beginning of every line of log '
    + 'output. Defaults to false.'),
  command: query('command', 'string', 'Command is the remote command to execute. argv array. Not executed within a shell.'),
  stdin: query('stdin', 'boolean', 'Redirect the standard input stream of the pod for this call. Defaults to false.'),
  stdout: query('stdout', 'boolean', 'Redirect the standard output stream of the pod for this call.'),
  stderr: query('stderr', 'boolean', 'Redirect the standard error stream of the pod for this call.'),
  tty: query('tty', 'boolean', 'TTY if true indicates that a tty will be allocated for the call. Defaults to false.'),
  ports: query('ports', 'integer', 'List of ports to forward.'),
  proxyPath: query('path', 'string', 'Path is the URL path to use for the current proxy request.'),
} satisfies Record<string, Parameter>;

const p = params;

/** Query parameters by operation, in the order Kubernetes lists them. */
export const listParams = [p.allowWatchBookmarks, p.continue, p.fieldSelector, p.labelSelector, p.limit, p.resourceVersion,
  p.resourceVersionMatch, p.sendInitialEvents, p.timeoutSeconds, p.watch];
export const writeParams = [p.dryRun, p.fieldManager, p.fieldValidation];
export const patchParams = [p.dryRun, p.fieldManager, p.fieldValidation, p.force];
export const deleteParams = [p.dryRun, p.gracePeriodSeconds, p.orphanDependents, p.propagationPolicy];
export const deleteCollectionParams = [...deleteParams, p.continue, p.fieldSelector, p.labelSelector, p.limit,
  p.resourceVersion, p.resourceVersionMatch, p.sendInitialEvents, p.timeoutSeconds];
export const logParams = [p.container, p.follow, p.limitBytes, p.previous, p.sinceSeconds, p.tailLines, p.timestamps];
export const execParams = [p.command, p.container, p.stderr, p.stdin, p.stdout, p.tty];
export const attachParams = [p.container, p.stderr, p.stdin, p.stdout, p.tty];
export const portForwardParams = [p.ports];
