// The part of a kubelet's GET /stats/summary (kube's stats/v1alpha1 Summary) the resource metrics API is built
// from. Only what is read is declared; every field may be missing in what a kubelet sends, so all are optional.

export interface SummaryCPU {
  time?: string;
  /** The rate over the kubelet's last sampling interval; absent until it has two samples. */
  usageNanoCores?: number;
  usageCoreNanoSeconds?: number;
}

export interface SummaryMemory {
  time?: string;
  /** usage minus inactive file cache: what metrics-server reports as memory. */
  workingSetBytes?: number;
}

export interface SummaryContainer {
  name?: string;
  startTime?: string;
  cpu?: SummaryCPU;
  memory?: SummaryMemory;
}

export interface SummaryPod {
  podRef?: { name?: string; namespace?: string; uid?: string };
  containers?: SummaryContainer[];
}

export interface Summary {
  node?: { nodeName?: string; cpu?: SummaryCPU; memory?: SummaryMemory };
  pods?: SummaryPod[];
}
