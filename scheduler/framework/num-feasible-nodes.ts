// kube's percentageOfNodesToScore: on big clusters the scheduler stops filtering once it has found enough feasible
// nodes, because scoring every node buys little. With the default (0, adaptive) it looks for 50% of the nodes,
// one point less per 125 nodes, never under 5% and never under 100 nodes.
export const minFeasibleNodesToFind = 100;
export const minFeasibleNodesPercentageToFind = 5;

export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = Math.max(minFeasibleNodesPercentageToFind, 50 - Math.trunc(numAllNodes / 125));
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return Math.max(minFeasibleNodesToFind, numNodes);
}
