// Where a packet to a ClusterIP goes when no rule catches it: the service CIDR is routed to an empty local bridge
// (dummy links are not available on every host), so such a packet dies on this host ("No route to host") instead
// of following the default route out of it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function ensureServiceRoute(bridge: string, cidrs: string[]): Promise<void> {
  try {
    await run('ip', ['link', 'show', bridge]);
  } catch {
    await run('ip', ['link', 'add', bridge, 'type', 'bridge']).catch(async (err: Error) => {
      // Another kubelet on this host may have made it in the meantime.
      await run('ip', ['link', 'show', bridge]).catch(() => { throw err; });
    });
  }
  await run('ip', ['link', 'set', bridge, 'up']);
  for (const cidr of cidrs) await run('ip', ['route', 'replace', cidr, 'dev', bridge]);
}

export async function removeServiceRoute(bridge: string, cidrs: string[]): Promise<void> {
  for (const cidr of cidrs) await run('ip', ['route', 'del', cidr, 'dev', bridge]).catch(() => undefined);
}
