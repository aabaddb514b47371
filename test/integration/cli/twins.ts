// Comparing verbs that change objects: kubectl and skiffctl cannot both create `web` in one namespace, so each
// gets a namespace of its own (the twins), the same arguments and input, and their outputs are compared with the
// namespace names (and the program names in hints) made the same.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestApiserver } from '../../helpers/apiserver.ts';
import { run, skiffctlCommand, withoutAges, type RunOptions, type RunResult } from './harness.ts';

const skiffctlArgv = skiffctlCommand();

export interface Twins {
  /** kubectl's namespace and skiffctl's. */
  kns: string;
  sns: string;
  dir: string;
  /** Writes a file into the test's directory and returns its absolute path. */
  file(name: string, text: string): string;
  /** Runs both, each in its namespace (`-n` added first unless `noNamespace`), and returns [kubectl, skiffctl]. */
  both(args: string[], opts?: { input?: string; noNamespace?: boolean; env?: NodeJS.ProcessEnv }): Promise<[RunResult, RunResult]>;
  kubectl(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  skiffctl(args: string[], opts?: RunOptions): Promise<RunResult>;
}

let created = 0;

export async function makeTwins(api: TestApiserver, prefix: string): Promise<Twins> {
  const n = created++;
  const kns = `${prefix}-k${n}`;
  const sns = `${prefix}-s${n}`;
  for (const ns of [kns, sns]) {
    const res = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    assert.equal(res.status, 201, res.text);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `twins-${prefix}-`));
  const base = ['--kubeconfig', api.kubeconfig];
  const kubectl = (args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> => run('kubectl', [...base, ...args], opts);
  const skiffctl = (args: string[], opts: RunOptions = {}): Promise<RunResult> =>
    run(skiffctlArgv[0], [...skiffctlArgv.slice(1), ...base, ...args], opts);
  return {
    kns, sns, dir,
    file(name, text) {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    kubectl,
    skiffctl,
    async both(args, opts = {}) {
      const ns = (name: string): string[] => (opts.noNamespace ? [] : ['-n', name]);
      const k = await kubectl([...ns(kns), ...args], opts);
      const s = await skiffctl([...ns(sns), ...args], opts);
      return [k, normalize(s, sns, kns)];
    },
  };
}

/** skiffctl's output as if it had run in kubectl's namespace and were called kubectl. */
function normalize(r: RunResult, from: string, to: string): RunResult {
  const fix = (t: string): string => t.split(from).join(to).replace(/skiffctl/g, 'kubectl');
  return { ...r, stdout: fix(r.stdout), stderr: fix(r.stderr) };
}

/** Drops klog lines (kubectl's warnings carry a time and a pid), which differ by nature. */
export function withoutKlog(text: string): string {
  return text.split('\n').filter((l) => !/^[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /.test(l)).join('\n');
}

/** The same stdout, stderr and exit code. */
export function assertSame(k: RunResult, s: RunResult, what: string, opts: { ages?: boolean } = {}): void {
  const clean = (t: string): string => (opts.ages ? withoutAges(withoutKlog(t)) : withoutKlog(t));
  assert.equal(clean(s.stdout), clean(k.stdout), `stdout of ${what}`);
  assert.equal(clean(s.stderr), clean(k.stderr), `stderr of ${what}`);
  assert.equal(s.code, k.code, `exit code of ${what}`);
}

/** An object as both tools left it, without what differs by nature (uid, times, versions, namespace). */
export function comparable(json: string): unknown {
  const obj = JSON.parse(json) as { metadata?: Record<string, unknown>; status?: unknown };
  for (const key of ['creationTimestamp', 'uid', 'resourceVersion', 'namespace', 'managedFields', 'generation']) delete obj.metadata?.[key];
  const annotations = obj.metadata?.annotations as Record<string, string> | undefined;
  const applied = annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (annotations && applied) {
    annotations['kubectl.kubernetes.io/last-applied-configuration'] = applied.replace(/"namespace":"[^"]*"/, '"namespace":"-"');
  }
  delete obj.status;
  return obj;
}
