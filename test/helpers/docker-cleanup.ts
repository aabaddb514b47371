// Everything a Docker test creates (containers, networks, images) carries a label unique to that test file; cleanup
// removes whatever carries it, so a failed or interrupted test leaves nothing behind and never touches another
// test's (or a running kubelet's) objects.
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';

export const testLabelKey = 'skiff.test';

/** `{ 'skiff.test': '<name>-<random>' }`, to merge into every label set the test creates. */
export function newTestLabel(name: string): Record<string, string> {
  return { [testLabelKey]: `${name}-${randomBytes(4).toString('hex')}` };
}

export interface CleanupReport {
  containers: number;
  networks: number;
  images: number;
}

function selector(label: Record<string, string>): string[] {
  return Object.entries(label).map(([k, v]) => `${k}=${v}`);
}

/** Removes every container (running or not), network and image carrying all of `label`. */
export async function removeLabelled(label: Record<string, string>, socketPath = '/var/run/docker.sock'): Promise<CleanupReport> {
  if (Object.keys(label).length === 0) throw new Error('refusing to clean up with an empty label selector');
  const docker = new Docker({ socketPath });
  const filters = { label: selector(label) };
  const report: CleanupReport = { containers: 0, networks: 0, images: 0 };
  const errors: unknown[] = [];
  const ignoreGone = (err: unknown): void => {
    if ((err as { statusCode?: number }).statusCode !== 404) errors.push(err);
  };

  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map(async (c) => {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).then(() => { report.containers++; }, ignoreGone);
  }));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) {
    await docker.getNetwork(n.Id).remove().then(() => { report.networks++; }, ignoreGone);
  }
  const images = await docker.listImages({ filters });
  for (const i of images) {
    await docker.getImage(i.Id).remove({ force: true }).then(() => { report.images++; }, ignoreGone);
  }
  if (errors.length > 0) throw new AggregateError(errors, `cleanup of ${selector(label).join(',')} left objects behind`);
  return report;
}
