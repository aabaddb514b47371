// The pod's API status from what the runtime holds (kube's generateAPIPodStatus and getPhase): container states,
// restart counts, the phase and the four conditions. Pure, so every rule is a unit test.
import { podQOSClass } from '../../apiserver/api/defaults/pod-qos.ts';
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../../apiserver/api/types.ts';
import { isSidecar } from './pod-actions.ts';
import { latestContainers, runningSandbox, type RuntimeContainer, type RuntimePod } from './runtime-pod.ts';

/** Why a container is not running, when the worker knows better than the runtime (back-off, pull errors). */
export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface StatusInputs {
  pod: Pod;
  runtime: RuntimePod;
  /** Per container name: the worker's reason it is waiting (CrashLoopBackOff, ErrImagePull, CreateContainerConfigError...). */
  waiting: Map<string, WaitingReason>;
  isReady: (containerName: string, containerId: string) => boolean;
  isStarted: (containerName: string, containerId: string) => boolean;
  podIP: string | undefined;
  hostIP: string;
  nowIso: string;
  /** The pod failed for a reason of the kubelet's (DeadlineExceeded, an unrunnable spec...). */
  failure?: { reason: string; message: string };
  /** The pod was deleted and everything in it has stopped: report a terminal phase. */
  terminal?: boolean;
}

const dockerId = (id: string) => `docker://${id}`;
const iso = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

function terminatedState(c: RuntimeContainer): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      startedAt: iso(c.startedAt),
      finishedAt: iso(c.finishedAt),
      containerID: dockerId(c.id),
    },
  };
}

function containerStatus(inputs: StatusInputs, spec: Container, defaultWaiting: string, willRestart: (c: RuntimeContainer) => boolean): ContainerStatus {
  const { current, previous } = latestContainers(inputs.runtime, spec.name);
  const override = inputs.waiting.get(spec.name);
  const base: ContainerStatus = {
    name: spec.name, image: spec.image ?? '', imageID: '', ready: false, restartCount: current?.attempt ?? 0,
    started: false, state: { waiting: { reason: override?.reason ?? defaultWaiting, ...(override?.message ? { message: override.message } : {}) } },
  };
  if (previous && previous.state === 'exited') base.lastState = terminatedState(previous);
  if (!current) return base;
  base.imageID = current.imageId ? `docker-pullable://${current.imageId}` : '';
  base.containerID = dockerId(current.id);
  if (current.state === 'running') {
    base.state = { running: { startedAt: iso(current.startedAt) } };
    base.started = inputs.isStarted(spec.name, current.id);
    base.ready = base.started && inputs.isReady(spec.name, current.id);
    return base;
  }
  if (current.state === 'exited' && override && willRestart(current)) {
    // Waiting to run again: the exit moves to lastState (CrashLoopBackOff shows here).
    base.lastState = terminatedState(current);
    return base;
  }
  if (current.state === 'exited') {
    base.state = terminatedState(current);
    return base;
  }
  // Created but never started (the start failed).
  return base;
}

function condition(pod: Pod, type: string, ok: boolean, nowIso: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const old = pod.status?.conditions?.find((c) => c.type === type);
  return {
    type, status,
    lastProbeTime: null as unknown as undefined,
    lastTransitionTime: old && old.status === status ? old.lastTransitionTime : nowIso,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

/** kube's getPhase over the app container statuses. */
export function podPhase(pod: Pod, statuses: ContainerStatus[], initPending: boolean, initFailed: boolean, terminal = false): string {
  if (initFailed) return 'Failed';
  if (terminal) {
    const allSucceeded = statuses.length > 0 && statuses.every((s) => s.state?.terminated?.exitCode === 0);
    return allSucceeded && !initPending ? 'Succeeded' : 'Failed';
  }
  if (initPending) return 'Pending';
  let running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

export function generatePodStatus(inputs: StatusInputs): PodStatus {
  const { pod, nowIso } = inputs;
  const spec = pod.spec ?? { containers: [] };
  const restartsOnFailure = spec.restartPolicy !== 'Never';
  const initStatuses = (spec.initContainers ?? []).map((c) =>
    containerStatus(inputs, c, 'PodInitializing', (rc) => isSidecar(c) || (restartsOnFailure && rc.exitCode !== 0)));
  const initPendingNames: string[] = [];
  let initFailed = false;
  (spec.initContainers ?? []).forEach((c, i) => {
    const s = initStatuses[i];
    if (isSidecar(c)) {
      if (!s.started) initPendingNames.push(c.name);
      return;
    }
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) return;
    if (t && !restartsOnFailure) initFailed = true;
    initPendingNames.push(c.name);
  });
  const initPending = initPendingNames.length > 0 && !initFailed;
  const appWaiting = initPending || initFailed ? 'PodInitializing' : 'ContainerCreating';
  const statuses = spec.containers.map((c) => containerStatus(inputs, c, appWaiting, (rc) => {
    const policy = spec.restartPolicy ?? 'Always';
    return policy === 'Always' || (policy === 'OnFailure' && rc.exitCode !== 0);
  }));

  const oldPhase = pod.status?.phase;
  let phase = inputs.failure ? 'Failed' : podPhase(pod, statuses, initPending, initFailed, inputs.terminal);
  // A pod that finished stays finished (kube never moves a terminal phase back).
  if (oldPhase === 'Succeeded' || oldPhase === 'Failed') phase = oldPhase;
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const notReady = [...initStatuses.filter((s, i) => isSidecar(spec.initContainers![i]) && !s.ready), ...statuses.filter((s) => !s.ready)]
    .map((s) => s.name);
  const containersReady = notReady.length === 0;
  const gates = (spec.readinessGates ?? []).filter((g) => pod.status?.conditions?.find((c) => c.type === g.conditionType)?.status !== 'True');
  const ready = containersReady && gates.length === 0;
  const completed = terminal ? 'PodCompleted' : undefined;
  const notReadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  const sandboxUp = runningSandbox(inputs.runtime) !== undefined;

  const carried = (pod.status?.conditions ?? []).filter((c) =>
    !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(c.type ?? ''));
  const conditions: PodCondition[] = [
    condition(pod, 'PodReadyToStartContainers', sandboxUp, nowIso),
    condition(pod, 'Initialized', !initPending && !initFailed, nowIso,
      initPending || initFailed ? 'ContainersNotInitialized' : completed && (spec.initContainers?.length ?? 0) > 0 ? completed : undefined,
      initPending || initFailed ? `containers with incomplete status: [${initPendingNames.join(' ')}]` : undefined),
    condition(pod, 'Ready', ready && !terminal, nowIso,
      completed ?? (ready ? undefined : containersReady ? 'ReadinessGatesNotReady' : 'ContainersNotReady'),
      completed || ready ? undefined : containersReady ? `corresponding condition of pod readiness gate "${gates[0].conditionType}" does not exist.` : notReadyMessage),
    condition(pod, 'ContainersReady', containersReady && !terminal, nowIso,
      completed ?? (containersReady ? undefined : 'ContainersNotReady'), completed || containersReady ? undefined : notReadyMessage),
    pod.status?.conditions?.find((c) => c.type === 'PodScheduled') ?? condition(pod, 'PodScheduled', true, nowIso),
    ...carried,
  ];

  const status: PodStatus = {
    phase,
    conditions,
    hostIP: inputs.hostIP,
    hostIPs: [{ ip: inputs.hostIP }],
    startTime: pod.status?.startTime ?? nowIso,
    qosClass: pod.status?.qosClass ?? podQOSClass(spec),
    containerStatuses: statuses,
  };
  if (inputs.podIP) {
    status.podIP = inputs.podIP;
    status.podIPs = [{ ip: inputs.podIP }];
  }
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  if (inputs.failure) {
    status.reason = inputs.failure.reason;
    status.message = inputs.failure.message;
  } else if (pod.status?.reason && terminal) {
    status.reason = pod.status.reason;
    status.message = pod.status.message;
  }
  return status;
}
