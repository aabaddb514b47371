// The single and plural IP fields of a pod's status, kept in step as Kubernetes' v1 conversion keeps them:
// older kubelets and clients know only podIP/hostIP, newer ones the lists. The single field wins when both are
// sent and disagree, since only an old kubelet would send a stale list.
import type { PodStatus } from '../types.ts';

export function syncPodStatusIPs(status: PodStatus): void {
  if (status.podIP && status.podIPs?.[0]?.ip !== status.podIP) status.podIPs = [{ ip: status.podIP }];
  else if (!status.podIP && status.podIPs?.length) status.podIP = status.podIPs[0].ip;
  if (status.hostIP && status.hostIPs?.[0]?.ip !== status.hostIP) status.hostIPs = [{ ip: status.hostIP }];
  else if (!status.hostIP && status.hostIPs?.length) status.hostIP = status.hostIPs[0].ip;
}
