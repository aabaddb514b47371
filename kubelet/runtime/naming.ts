// Docker names and labels for pod containers, as dockershim made them. A name says which pod and container (and
// which attempt) a Docker container is; Docker refuses a second container with the same name, so a kubelet that
// crashes between "create" and "record" cannot end up with two copies. Labels carry the same facts plus what a
// restarted kubelet needs to adopt a container instead of recreating it.
//
// The parse back is unambiguous because every part is a DNS-1123 name or a UID, none of which may hold '_'.

export const kubePrefix = 'k8s';
export const nameDelimiter = '_';
/** The container name dockershim gives the sandbox, in its name and in `io.kubernetes.container.name`. */
export const sandboxContainerName = 'POD';

export const labels = {
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  podUid: 'io.kubernetes.pod.uid',
  containerName: 'io.kubernetes.container.name',
  /** The container's attempt: restartCount for app containers, the sandbox's own attempt for a sandbox. */
  restartCount: 'io.kubernetes.container.restartCount',
  type: 'io.kubernetes.docker.type',
  sandboxId: 'io.kubernetes.sandbox.id',
  /** Hash of the container spec it was created from; a different hash means the spec changed: restart it. */
  specHash: 'io.kubernetes.container.hash',
  terminationMessagePath: 'io.kubernetes.container.terminationMessagePath',
  terminationMessagePolicy: 'io.kubernetes.container.terminationMessagePolicy',
  /** Lets a kubelet that no longer has the pod (deleted while it was down) still stop it with the right grace. */
  terminationGracePeriod: 'io.kubernetes.pod.terminationGracePeriod',
  /** The node whose kubelet owns the container: several kubelets on one Docker host adopt only their own. */
  node: 'skiff.node',
} as const;

export type ContainerType = 'podsandbox' | 'container';

export interface PodRef {
  name: string;
  namespace: string;
  uid: string;
}

export interface ParsedName {
  type: ContainerType;
  /** `POD` for a sandbox. */
  containerName: string;
  pod: PodRef;
  attempt: number;
}

// Docker's own rule for names (moby RestrictedNameChars); checked so a bad part fails here, with a clear message.
const dockerNameChars = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const partChars = /^[a-zA-Z0-9][a-zA-Z0-9.-]*$/;

function checkPart(what: string, part: string): void {
  if (!partChars.test(part)) {
    throw new Error(`cannot name a Docker container after ${what} ${JSON.stringify(part)}: it must be a DNS-1123 name or UID`);
  }
}

function checkAttempt(attempt: number): void {
  if (!Number.isSafeInteger(attempt) || attempt < 0) throw new Error(`invalid attempt ${attempt}`);
}

function joinName(containerName: string, pod: PodRef, attempt: number): string {
  checkPart('container', containerName);
  checkPart('pod', pod.name);
  checkPart('namespace', pod.namespace);
  checkPart('pod uid', pod.uid);
  checkAttempt(attempt);
  return [kubePrefix, containerName, pod.name, pod.namespace, pod.uid, String(attempt)].join(nameDelimiter);
}

/** `k8s_POD_<pod>_<namespace>_<uid>_<attempt>` */
export function sandboxName(pod: PodRef, attempt: number): string {
  return joinName(sandboxContainerName, pod, attempt);
}

/** `k8s_<container>_<pod>_<namespace>_<uid>_<attempt>` */
export function containerName(pod: PodRef, container: string, attempt: number): string {
  if (container === sandboxContainerName) throw new Error(`"${sandboxContainerName}" is reserved for the sandbox`);
  return joinName(container, pod, attempt);
}

/** Reads a name back (with or without Docker's leading '/'); undefined for containers Skiff did not name. */
export function parseName(name: string): ParsedName | undefined {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!dockerNameChars.test(bare)) return undefined;
  const parts = bare.split(nameDelimiter);
  if (parts.length !== 6 || parts[0] !== kubePrefix) return undefined;
  const [, container, podName, namespace, uid, attemptText] = parts;
  if (![container, podName, namespace, uid].every((p) => partChars.test(p))) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(attemptText)) return undefined;
  const attempt = Number(attemptText);
  if (!Number.isSafeInteger(attempt)) return undefined;
  return {
    type: container === sandboxContainerName ? 'podsandbox' : 'container',
    containerName: container,
    pod: { name: podName, namespace, uid },
    attempt,
  };
}

export interface SandboxLabelInput {
  pod: PodRef;
  attempt: number;
  nodeName: string;
  terminationGracePeriodSeconds?: number;
}

export interface ContainerLabelInput {
  pod: PodRef;
  containerName: string;
  restartCount: number;
  nodeName: string;
  sandboxId: string;
  specHash: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  terminationGracePeriodSeconds?: number;
}

function commonLabels(pod: PodRef, nodeName: string, grace: number | undefined): Record<string, string> {
  const out: Record<string, string> = {
    [labels.podName]: pod.name,
    [labels.podNamespace]: pod.namespace,
    [labels.podUid]: pod.uid,
    [labels.node]: nodeName,
  };
  if (grace !== undefined) out[labels.terminationGracePeriod] = String(grace);
  return out;
}

export function sandboxLabels(input: SandboxLabelInput): Record<string, string> {
  checkAttempt(input.attempt);
  return {
    ...commonLabels(input.pod, input.nodeName, input.terminationGracePeriodSeconds),
    [labels.containerName]: sandboxContainerName,
    [labels.restartCount]: String(input.attempt),
    [labels.type]: 'podsandbox',
  };
}

export function containerLabels(input: ContainerLabelInput): Record<string, string> {
  checkAttempt(input.restartCount);
  const out: Record<string, string> = {
    ...commonLabels(input.pod, input.nodeName, input.terminationGracePeriodSeconds),
    [labels.containerName]: input.containerName,
    [labels.restartCount]: String(input.restartCount),
    [labels.type]: 'container',
    [labels.sandboxId]: input.sandboxId,
    [labels.specHash]: input.specHash,
  };
  if (input.terminationMessagePath !== undefined) out[labels.terminationMessagePath] = input.terminationMessagePath;
  if (input.terminationMessagePolicy !== undefined) out[labels.terminationMessagePolicy] = input.terminationMessagePolicy;
  return out;
}

/** What a restarted kubelet learns from a container's labels. */
export interface ContainerIdentity {
  type: ContainerType;
  pod: PodRef;
  containerName: string;
  /** restartCount for an app container, attempt for a sandbox. */
  attempt: number;
  nodeName: string;
  /** App containers only. */
  sandboxId: string | undefined;
  specHash: string | undefined;
  terminationMessagePath: string | undefined;
  terminationMessagePolicy: string | undefined;
  terminationGracePeriodSeconds: number | undefined;
}

/** Reads the labels back; undefined when a container lacks the ones every Skiff container carries. */
export function parseLabels(l: Record<string, string>): ContainerIdentity | undefined {
  const type = l[labels.type];
  if (type !== 'podsandbox' && type !== 'container') return undefined;
  const name = l[labels.podName];
  const namespace = l[labels.podNamespace];
  const uid = l[labels.podUid];
  const container = l[labels.containerName];
  const nodeName = l[labels.node];
  const attemptText = l[labels.restartCount];
  if (!name || !namespace || !uid || !container || !nodeName || attemptText === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(attemptText)) return undefined;
  const graceText = l[labels.terminationGracePeriod];
  const grace = graceText !== undefined && /^[0-9]+$/.test(graceText) ? Number(graceText) : undefined;
  return {
    type,
    pod: { name, namespace, uid },
    containerName: container,
    attempt: Number(attemptText),
    nodeName,
    sandboxId: type === 'container' ? l[labels.sandboxId] : undefined,
    specHash: type === 'container' ? l[labels.specHash] : undefined,
    terminationMessagePath: l[labels.terminationMessagePath],
    terminationMessagePolicy: l[labels.terminationMessagePolicy],
    terminationGracePeriodSeconds: grace,
  };
}

/** The label filter that lists one node's containers (add `io.kubernetes.pod.uid` for one pod's). */
export function nodeFilter(nodeName: string): Record<string, string> {
  return { [labels.node]: nodeName };
}
