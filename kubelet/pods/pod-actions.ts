// What the pod worker should do next for one pod, decided from the spec and what the runtime holds (kube's
// computePodActions). Pure: the worker carries the actions out, applying restart back-off as it starts containers.
import type { Container, Pod } from '../../apiserver/api/types.ts';
import { latestContainers, runningSandbox, type RuntimeContainer, type RuntimePod } from './runtime-pod.ts';

export interface ContainerToKill {
  id: string;
  name: string;
  /** Why, for the Killing event: `Container x failed liveness probe, will be restarted`. */
  message: string;
}

export interface PodActions {
  /** Stop every container and the sandbox (a new sandbox is needed, or the pod has finished). */
  killPod: boolean;
  createSandbox: boolean;
  /** The attempt number of the sandbox to create. */
  sandboxAttempt: number;
  /** The init container to start next; at most one runs at a time. */
  nextInit: Container | undefined;
  /** App containers (and restartable init containers) to start, in spec order. */
  start: Container[];
  kill: ContainerToKill[];
  /** An init container failed and will not be retried (restartPolicy Never): the pod has failed. */
  initFailed: boolean;
}

export interface ActionInputs {
  pod: Pod;
  runtime: RuntimePod;
  specHash: (c: Container) => string;
  /** Set when a liveness or startup probe asks for the container to be restarted. */
  probeRestart: (containerName: string, containerId: string) => string | undefined;
}

const noActions = (): PodActions => ({
  killPod: false, createSandbox: false, sandboxAttempt: 0, nextInit: undefined, start: [], kill: [], initFailed: false,
});

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

function restartsOnFailure(pod: Pod): boolean {
  return pod.spec?.restartPolicy !== 'Never';
}

function succeeded(c: RuntimeContainer | undefined): boolean {
  return c?.state === 'exited' && c.exitCode === 0;
}

/** Whether an exited app container runs again under the pod's restartPolicy. */
export function shouldRestart(pod: Pod, c: RuntimeContainer): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return !succeeded(c);
  return true;
}

export function computePodActions(inputs: ActionInputs): PodActions {
  const { pod, runtime } = inputs;
  const spec = pod.spec ?? { containers: [] };
  const actions = noActions();
  const sandbox = runningSandbox(runtime);

  if (!sandbox) {
    const newest = runtime.sandboxes[0];
    actions.sandboxAttempt = newest ? newest.attempt + 1 : 0;
    // A pod that must not restart and whose containers already ran is finished, not to be started over.
    if (!restartsOnFailure(pod) && newest && runtime.containers.length > 0) {
      actions.killPod = runtime.containers.some((c) => c.state === 'running');
      return actions;
    }
    actions.createSandbox = true;
    actions.killPod = runtime.containers.some((c) => c.state === 'running') || runtime.sandboxes.some((s) => s.state === 'running');
    const inits = spec.initContainers ?? [];
    if (inits.length > 0) {
      actions.nextInit = inits[0];
      return actions;
    }
    actions.start = spec.containers.filter((c) => !(spec.restartPolicy === 'OnFailure' && succeeded(latestContainers(runtime, c.name).current)));
    return actions;
  }

  // Init containers run one at a time, in order; restartable ones (sidecars) keep running beside the app.
  let initDone = true;
  for (const init of spec.initContainers ?? []) {
    const current = latestContainers(runtime, init.name).current;
    if (current && current.sandboxId !== undefined && current.sandboxId !== sandbox.id) {
      // From an earlier sandbox: does not count for this one.
      actions.nextInit = init;
      initDone = false;
      break;
    }
    if (!current || current.state === 'created' || current.state === 'unknown') {
      actions.nextInit = init;
      initDone = false;
      break;
    }
    if (current.state === 'running') {
      if (isSidecar(init)) {
        const reason = inputs.probeRestart(init.name, current.id);
        if (reason) actions.kill.push({ id: current.id, name: init.name, message: reason });
        continue;
      }
      initDone = false;
      break;
    }
    // Exited.
    if (succeeded(current) && !isSidecar(init)) continue;
    if (!isSidecar(init) && !restartsOnFailure(pod)) {
      actions.initFailed = true;
      actions.killPod = true;
      return actions;
    }
    actions.nextInit = init;
    initDone = false;
    break;
  }
  if (!initDone) return actions;

  let keep = 0;
  for (const c of spec.containers) {
    const current = latestContainers(runtime, c.name).current;
    if (!current || (current.sandboxId !== undefined && current.sandboxId !== sandbox.id && current.state !== 'running')) {
      if (!current || shouldRestart(pod, current)) actions.start.push(c);
      continue;
    }
    if (current.state === 'running') {
      let message: string | undefined;
      let restart = restartsOnFailure(pod);
      if (current.specHash !== undefined && current.specHash !== inputs.specHash(c)) {
        message = `Container ${c.name} definition changed, will be restarted`;
        restart = true;
      } else {
        message = inputs.probeRestart(c.name, current.id);
      }
      if (message === undefined) {
        keep++;
        continue;
      }
      actions.kill.push({ id: current.id, name: c.name, message });
      if (restart) actions.start.push(c);
      continue;
    }
    if (current.state === 'created' || shouldRestart(pod, current)) actions.start.push(c);
  }
  if (keep === 0 && actions.start.length === 0) {
    // Nothing runs and nothing will: the pod has finished, and its sandbox (and any sidecar) goes too.
    actions.killPod = true;
  }
  return actions;
}
