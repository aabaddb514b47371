// Real kubectl (Debian's) pointed at one test cluster: the one way tests run it, so that its output and its
// failures read the same everywhere.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Kubectl {
  /** Runs kubectl and answers its stdout; a failure throws with kubectl's stderr. */
  (...args: string[]): Promise<string>;
  /** kubectl expected to fail: answers its stderr and stdout; throws if it succeeded. */
  fails(...args: string[]): Promise<string>;
  /** `kubectl apply -f -` of a manifest. */
  apply(yaml: string): Promise<string>;
}

export function kubectlFor(kubeconfig: string, opts: { cacheDir?: string; timeoutMs?: number } = {}): Kubectl {
  const base = ['--kubeconfig', kubeconfig, ...(opts.cacheDir ? ['--cache-dir', opts.cacheDir] : [])];
  const timeout = opts.timeoutMs ?? 120_000;
  const kubectl = (async (...args: string[]) => {
    try {
      return (await run('kubectl', [...base, ...args], { timeout })).stdout;
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')} failed: ${err.stderr || err.message}\n${err.stdout ?? ''}`);
    }
  }) as Kubectl;
  kubectl.fails = async (...args: string[]) => {
    try {
      await run('kubectl', [...base, ...args], { timeout });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string };
      return `${err.stderr ?? ''}${err.stdout ?? ''}`;
    }
    throw new Error(`kubectl ${args.join(' ')} should have failed`);
  };
  kubectl.apply = (yaml: string) => new Promise((resolve, reject) => {
    const child = execFile('kubectl', [...base, 'apply', '-f', '-'], { timeout },
      (err, stdout, stderr) => (err ? reject(new Error(`kubectl apply failed: ${stderr || err.message}`)) : resolve(stdout)));
    child.stdin!.end(yaml);
  });
  return kubectl;
}
