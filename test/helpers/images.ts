// The images the runtime and kubelet end-to-end tests run: Skiff's pause image and a plain busybox image, both
// built locally from the host's busybox-static (no registry is reachable). Built once per machine: they are the
// node's own local images (a kubelet builds the same pause image), so tests leave them in place for the next run;
// images a test builds for itself carry its test label and go with its cleanup.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pino } from 'pino';
import { DockerRuntime } from '../../kubelet/runtime/docker-runtime.ts';
import { defaultPauseImage, defaultTestImage, ensurePauseImage, ensureTestImage } from '../../kubelet/runtime/local-images.ts';
import { repoRoot } from './apiserver.ts';

export const pauseImage = defaultPauseImage;
export const testImage = defaultTestImage;

let dockerChecked = false;

/** Starts the Docker daemon the way the project's scripts do when nothing answers on the socket. */
export function ensureDocker(): void {
  if (dockerChecked) return;
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore' });
  } catch {
    execFileSync('bash', ['-c', `. ${JSON.stringify(path.join(repoRoot, 'deploy/lib/prereqs.sh'))}; ensure_docker`], { stdio: 'inherit' });
  }
  dockerChecked = true;
}

let built: Promise<void> | undefined;

/** A quiet runtime for tests. */
export function testRuntime(): DockerRuntime {
  return new DockerRuntime({ logger: pino({ level: 'silent' }) });
}

/** Makes sure the daemon runs and both images exist; cheap after the first call. */
export async function ensureTestImages(runtime: DockerRuntime = testRuntime()): Promise<{ pause: string; busybox: string }> {
  ensureDocker();
  built ??= Promise.all([ensurePauseImage(runtime, pauseImage), ensureTestImage(runtime, testImage)]).then(() => {});
  try {
    await built;
  } catch (err) {
    built = undefined;
    throw err;
  }
  return { pause: pauseImage, busybox: testImage };
}
