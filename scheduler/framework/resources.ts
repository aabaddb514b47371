// Resource accounting as kube-scheduler does it (component-helpers' PodRequests): app containers run together, so
// their requests add up; init containers run one at a time, so the pod needs the largest of them — except sidecars
// (init containers with restartPolicy Always), which keep running and add to everything started after them.
// Quantities are summed exactly (as nano-unit bigints) and converted once, as kube sums Quantities and then takes
// MilliValue/Value.
import { milliValue, parseQuantity, value } from '../../apiserver/api/quantity.ts';
import type { Container, Node, Pod } from '../../apiserver/api/types.ts';
import type { Allocatable, ResourceAmounts } from './types.ts';

type ResourceList = Readonly<Record<string, string>> | undefined;
type NanoList = Map<string, bigint>;

/** kube's DefaultMilliCPURequest and DefaultMemoryRequest: what a container without requests counts as when scoring. */
export const defaultMilliCPURequest = 100;
export const defaultMemoryRequest = 200 * 1024 * 1024;

const nonMissingDefaults: ReadonlyMap<string, bigint> = new Map([
  ['cpu', BigInt(defaultMilliCPURequest) * 1_000_000n],
  ['memory', BigInt(defaultMemoryRequest) * 1_000_000_000n],
]);

/** Extended resources (a domain-prefixed name), hugepages and attachable volumes: kube's IsScalarResourceName. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  return name.includes('/') && !name.startsWith('requests.');
}

function nanoOf(text: string): bigint | undefined {
  try {
    return parseQuantity(text).nano;
  } catch {
    // The apiserver validates quantities; an unparsable one in a cached object is ignored rather than fatal.
    return undefined;
  }
}

function listOf(rl: ResourceList, nonMissing: ReadonlyMap<string, bigint> | undefined): NanoList {
  const out: NanoList = new Map();
  for (const [name, text] of Object.entries(rl ?? {})) {
    const nano = nanoOf(text);
    if (nano !== undefined) out.set(name, nano);
  }
  // applyNonMissing: only a request that is absent takes the default; an explicit "0" stays 0.
  if (nonMissing) for (const [name, nano] of nonMissing) if (!out.has(name)) out.set(name, nano);
  return out;
}

function addInto(target: NanoList, source: NanoList): void {
  for (const [name, nano] of source) target.set(name, (target.get(name) ?? 0n) + nano);
}

function maxInto(target: NanoList, source: NanoList): void {
  for (const [name, nano] of source) {
    const current = target.get(name);
    if (current === undefined || nano > current) target.set(name, nano);
  }
}

function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** The pod's requests per resource name, in nano-units, following the sidecar KEP's formula. */
function aggregateRequests(pod: Pod, nonMissing: ReadonlyMap<string, bigint> | undefined): NanoList {
  const reqs: NanoList = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, listOf(c.resources?.requests, nonMissing));
  const sidecarsSoFar: NanoList = new Map();
  const initPeak: NanoList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = listOf(c.resources?.requests, nonMissing);
    let whileRunning: NanoList;
    if (isSidecar(c)) {
      // A sidecar keeps running alongside the app containers, and alongside every init container after it.
      addInto(reqs, own);
      addInto(sidecarsSoFar, own);
      whileRunning = sidecarsSoFar;
    } else {
      whileRunning = new Map(own);
      addInto(whileRunning, sidecarsSoFar);
    }
    maxInto(initPeak, whileRunning);
  }
  maxInto(reqs, initPeak);
  addInto(reqs, listOf(pod.spec?.overhead, undefined));
  return reqs;
}

function milliOf(nano: bigint | undefined): number {
  return nano === undefined ? 0 : milliValue({ nano, format: 'DecimalSI' });
}

function unitsOf(nano: bigint | undefined): number {
  return nano === undefined ? 0 : value({ nano, format: 'DecimalSI' });
}

/** The pod's requests as kube's NodeResourcesFit sees them: cpu, memory, ephemeral-storage and scalar resources. */
export function podRequests(pod: Pod): ResourceAmounts {
  const reqs = aggregateRequests(pod, undefined);
  const scalar = new Map<string, number>();
  for (const [name, nano] of reqs) if (isScalarResourceName(name)) scalar.set(name, unitsOf(nano));
  return {
    milliCPU: milliOf(reqs.get('cpu')),
    memory: unitsOf(reqs.get('memory')),
    ephemeralStorage: unitsOf(reqs.get('ephemeral-storage')),
    scalar,
  };
}

/** CPU and memory with 100m / 200Mi for every container (app or init) that requests none. */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  const reqs = aggregateRequests(pod, nonMissingDefaults);
  return { milliCPU: milliOf(reqs.get('cpu')), memory: unitsOf(reqs.get('memory')) };
}

/** status.allocatable, or status.capacity when a node reports no allocatable (the apiserver defaults one to the other). */
export function nodeAllocatable(node: Node): Allocatable {
  const list = node.status?.allocatable ?? node.status?.capacity ?? {};
  const scalar = new Map<string, number>();
  let milliCPU = 0;
  let memory = 0;
  let ephemeralStorage = 0;
  let allowedPodNumber = 0;
  for (const [name, text] of Object.entries(list)) {
    const nano = nanoOf(text);
    if (nano === undefined) continue;
    if (name === 'cpu') milliCPU = milliOf(nano);
    else if (name === 'memory') memory = unitsOf(nano);
    else if (name === 'ephemeral-storage') ephemeralStorage = unitsOf(nano);
    else if (name === 'pods') allowedPodNumber = unitsOf(nano);
    else if (isScalarResourceName(name)) scalar.set(name, unitsOf(nano));
  }
  return { milliCPU, memory, ephemeralStorage, allowedPodNumber, scalar };
}
