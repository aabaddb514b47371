// What a stopped cluster leaves on the host and `down`/`reset` remove: the pods' containers (the kubelet leaves them
// running when it stops, as kube's does) and the tmpfs volumes mounted under the state directory.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';

/** Force-removes every container a kubelet of these nodes made; answers how many. */
export async function removeNodeContainers(nodes: string[]): Promise<number> {
  if (nodes.length === 0) return 0;
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  let removed = 0;
  for (const node of nodes) {
    const containers = await docker.listContainers({ all: true, filters: { label: [`skiff.node=${node}`] } }).catch(() => []);
    await Promise.all(containers.map(async (c) => {
      await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
      removed++;
    }));
  }
  return removed;
}

/** Removes the pods' Docker network (and so its bridge) once nothing is attached to it. */
export async function removePodNetwork(name: string): Promise<void> {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  await docker.getNetwork(name).remove().catch(() => undefined);
}

/** Unmounts whatever is mounted below `dir` (emptyDir tmpfs volumes), deepest first, so the tree can be deleted. */
export function unmountBelow(dir: string): void {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => Boolean(m) && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', [m]);
    } catch {
      execFileSync('umount', ['-l', m]);
    }
  }
}
