// The scheduler's picture of the cluster (kube's scheduler cache and snapshot in one): a NodeInfo per node with the
// pods on it, bound or assumed. It is built once and then kept current with O(1)-ish updates — node added, updated
// or removed, pod added, assumed or removed — so a scheduler placing thousands of pods never rebuilds it.
// Pods whose node is not (or no longer) known wait aside, as kube keeps them on a node-less NodeInfo, and count
// again when the node appears. Nodes are listed zone by zone in turn, as kube's node tree lists them, so a search
// that stops early (percentageOfNodesToScore) still sees every zone.
import type { Node, Pod } from '../../apiserver/api/types.ts';
import { AffinityTermIndex } from './affinity-term-index.ts';
import { addPodToNodeInfo, newNodeInfo, removePodFromNodeInfo, withNode } from './node-info.ts';
import { PodCountIndex, type PodMatcher } from './pod-count-index.ts';
import { isTerminated, podInfoOf, podKey } from './pod-info.ts';
import type { NodeInfo, PodInfo } from './types.ts';

export const zoneLabel = 'topology.kubernetes.io/zone';
export const regionLabel = 'topology.kubernetes.io/region';

/** kube's utilnode.GetZoneKey: region and zone together name a zone. */
function zoneKeyOf(labels: Readonly<Record<string, string>>): string {
  const zone = labels[zoneLabel] ?? labels['failure-domain.beta.kubernetes.io/zone'] ?? '';
  const region = labels[regionLabel] ?? labels['failure-domain.beta.kubernetes.io/region'] ?? '';
  return zone === '' && region === '' ? '' : `${region}:\x00:${zone}`;
}

export class Snapshot {
  private readonly infos = new Map<string, NodeInfo>();
  /** pod key → the node it is on (or waits for). */
  private readonly podNode = new Map<string, string>();
  /** node name → pods naming a node the snapshot does not hold. */
  private readonly waiting = new Map<string, Map<string, PodInfo>>();
  /** zone key → node names in the order they were added; zones in the order first seen. */
  private readonly zones = new Map<string, string[]>();
  private readonly nodeZone = new Map<string, string>();
  private ordered: NodeInfo[] | undefined;
  private readonly nsLabels = new Map<string, Readonly<Record<string, string>>>();
  private readonly podCounts = new PodCountIndex();
  readonly affinityTerms = new AffinityTermIndex();
  /** Where the next search for feasible nodes starts (kube's nextStartNodeIndex), so every node gets its turn. */
  nextStartNodeIndex = 0;

  readonly namespaceLabelsOf = (namespace: string): Readonly<Record<string, string>> | undefined => this.nsLabels.get(namespace);

  /** The nodes, zone by zone in turn. */
  nodeList(): readonly NodeInfo[] {
    if (!this.ordered) this.ordered = this.interleaveZones();
    return this.ordered;
  }

  get numNodes(): number {
    return this.infos.size;
  }

  get(nodeName: string): NodeInfo | undefined {
    return this.infos.get(nodeName);
  }

  /** The node a pod is on, assumed or bound (or waits for, if that node is unknown). */
  nodeNameOf(pod: Pod | string): string | undefined {
    return this.podNode.get(typeof pod === 'string' ? pod : podKey(pod));
  }

  /** Pods that name a node the snapshot does not hold, by that node's name. */
  podsWaitingForNodes(): ReadonlyMap<string, ReadonlyMap<string, PodInfo>> {
    return this.waiting;
  }

  /** Adds a node or replaces it (labels, taints, allocatable, conditions); its pods stay. */
  addNode(node: Node): void {
    const name = node.metadata?.name ?? '';
    const previous = this.infos.get(name);
    if (previous) {
      this.infos.set(name, withNode(previous, node));
      this.placeInZone(name, node.metadata?.labels ?? {});
      this.ordered = undefined;
      return;
    }
    const ni = newNodeInfo(node);
    this.infos.set(name, ni);
    this.placeInZone(name, ni.labels);
    this.ordered = undefined;
    const waiting = this.waiting.get(name);
    if (waiting) {
      this.waiting.delete(name);
      for (const pod of waiting.values()) this.attach(ni, pod);
    }
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  /** Adds or replaces a node (what a node informer's add and update both mean). */
  setNode(node: Node): void {
    this.addNode(node);
  }

  /** Removes a node; its pods wait for it to come back, as kube keeps them until they are deleted. */
  removeNode(nodeName: string): void {
    const ni = this.infos.get(nodeName);
    if (!ni) return;
    for (const pod of [...ni.pods.values()]) {
      this.detach(ni, pod.key);
      this.wait(nodeName, pod);
    }
    this.infos.delete(nodeName);
    this.removeFromZone(nodeName);
    this.ordered = undefined;
  }

  /**
   * Adds or replaces a pod as the informer reports it: a pod bound to a node counts there, a terminated
   * (Succeeded/Failed) pod counts nowhere. An update of a still unbound pod changes nothing: if the pod is
   * assumed, its binding is on its way.
   */
  addPod(pod: Pod): void {
    if (isTerminated(pod)) {
      this.removePod(pod);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) this.place(podInfoOf(pod), nodeName);
  }

  updatePod(pod: Pod): void {
    this.addPod(pod);
  }

  /** Counts a pod on a node before its binding is confirmed (kube's AssumePod); addPod later replaces it. */
  assumePod(pod: Pod, nodeName: string): void {
    if (isTerminated(pod)) {
      this.removePod(pod);
      return;
    }
    this.place(podInfoOf(pod), nodeName);
  }

  /**
   * Removes a pod (deleted, or an assumed pod whose binding failed: kube's ForgetPod). Returns whether the pod
   * was counted on a node, i.e. whether resources were freed.
   */
  removePod(pod: Pod | string): boolean {
    const key = typeof pod === 'string' ? pod : podKey(pod);
    const nodeName = this.podNode.get(key);
    if (nodeName === undefined) return false;
    this.podNode.delete(key);
    const ni = this.infos.get(nodeName);
    if (ni) {
      this.detach(ni, key);
      return true;
    }
    const waiting = this.waiting.get(nodeName);
    waiting?.delete(key);
    if (waiting?.size === 0) this.waiting.delete(nodeName);
    return false;
  }

  forgetPod(pod: Pod | string): boolean {
    return this.removePod(pod);
  }

  /** Records a namespace's labels (for namespaceSelector in pod affinity terms); undefined forgets it. */
  setNamespaceLabels(namespace: string, labels: Readonly<Record<string, string>> | undefined): void {
    const before = this.nsLabels.get(namespace);
    if (labels === undefined) this.nsLabels.delete(namespace);
    else this.nsLabels.set(namespace, { ...labels });
    if (JSON.stringify(before) !== JSON.stringify(labels)) this.podCounts.dropNamespaceDependent();
  }

  /** Per node name, how many pods on it `matcher` selects (nodes with none are absent). */
  countMatchingPods(matcher: PodMatcher): ReadonlyMap<string, number> {
    return this.podCounts.counts(matcher, () => this.allPlacedPods(), this.namespaceLabelsOf);
  }

  private *allPlacedPods(): Iterable<readonly [string, PodInfo]> {
    for (const ni of this.infos.values()) for (const pod of ni.pods.values()) yield [ni.name, pod] as const;
  }

  private place(pod: PodInfo, nodeName: string): void {
    const current = this.podNode.get(pod.key);
    if (current !== undefined) this.removePod(pod.key);
    this.podNode.set(pod.key, nodeName);
    const ni = this.infos.get(nodeName);
    if (ni) this.attach(ni, pod);
    else this.wait(nodeName, pod);
  }

  private wait(nodeName: string, pod: PodInfo): void {
    let pods = this.waiting.get(nodeName);
    if (!pods) {
      pods = new Map();
      this.waiting.set(nodeName, pods);
    }
    pods.set(pod.key, pod);
  }

  private attach(ni: NodeInfo, pod: PodInfo): void {
    addPodToNodeInfo(ni, pod);
    this.podCounts.podAdded(ni.name, pod, this.namespaceLabelsOf);
    this.affinityTerms.podAdded(ni.name, pod);
  }

  private detach(ni: NodeInfo, key: string): void {
    const pod = removePodFromNodeInfo(ni, key);
    if (!pod) return;
    this.podCounts.podRemoved(ni.name, pod, this.namespaceLabelsOf);
    this.affinityTerms.podRemoved(ni.name, pod);
  }

  private placeInZone(nodeName: string, labels: Readonly<Record<string, string>>): void {
    const zone = zoneKeyOf(labels);
    if (this.nodeZone.get(nodeName) === zone) return;
    this.removeFromZone(nodeName);
    this.nodeZone.set(nodeName, zone);
    let names = this.zones.get(zone);
    if (!names) {
      names = [];
      this.zones.set(zone, names);
    }
    names.push(nodeName);
  }

  private removeFromZone(nodeName: string): void {
    const zone = this.nodeZone.get(nodeName);
    if (zone === undefined) return;
    this.nodeZone.delete(nodeName);
    const names = this.zones.get(zone);
    if (!names) return;
    const i = names.indexOf(nodeName);
    if (i >= 0) names.splice(i, 1);
    if (names.length === 0) this.zones.delete(zone);
  }

  private interleaveZones(): NodeInfo[] {
    const lists = [...this.zones.values()];
    const out: NodeInfo[] = [];
    const longest = Math.max(0, ...lists.map((l) => l.length));
    for (let i = 0; i < longest; i++) {
      for (const names of lists) {
        if (i < names.length) out.push(this.infos.get(names[i])!);
      }
    }
    return out;
  }
}

/** A snapshot of `nodes` with every assigned, non-terminated pod of `pods` counted on its node. */
export function buildSnapshot(nodes: readonly Node[], pods: readonly Pod[]): Snapshot {
  const s = new Snapshot();
  for (const n of nodes) s.addNode(n);
  for (const p of pods) s.addPod(p);
  return s;
}

/** Counts `pod` on `nodeName` ahead of its binding, so the next attempt sees the resources it takes. */
export function assumePod(snapshot: Snapshot, pod: Pod, nodeName: string): void {
  snapshot.assumePod(pod, nodeName);
}
