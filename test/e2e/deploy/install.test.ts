// deploy/install as it runs on lab VMs, below temporary roots (--root, --no-start): a control plane's files, modes
// and flags; its apiserver started from the installed build and files; the join command it prints; a worker
// joining with it (its kubelet client CA fetched from the running apiserver); the units passing systemd-analyze.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { freePort, repoRoot } from '../../helpers/apiserver.ts';

const exec = promisify(execFile);
const install = path.join(repoRoot, 'deploy/install');
const mode = (file: string): number => statSync(file).mode & 0o777;
const read = (file: string): string => readFileSync(file, 'utf8');

interface Result { code: number; stdout: string; stderr: string }

async function run(cmd: string, args: string[], timeout = 120_000): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd: repoRoot, timeout, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * The tests use the checkout's build (--skip-build); it is rebuilt only when a source file is newer than it. A
 * failed rebuild (a half-edited tree) falls back to the existing build when there is one.
 */
function ensureFreshBuild(): void {
  const built = path.join(repoRoot, 'dist/kubelet/main.js');
  const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
  const newer = (dir: string): boolean => readdirSync(dir, { withFileTypes: true }).some((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name !== 'generated' && newer(p);
    return d.name.endsWith('.ts') && statSync(p).mtimeMs > builtAt;
  });
  if (['apiserver', 'kubelet', 'scheduler', 'controllers', 'cli'].some((d) => newer(path.join(repoRoot, d)))) {
    try {
      execFileSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'pipe' });
    } catch (err) {
      if (!existsSync(built)) throw err;
      console.error(`# the rebuild failed; testing the existing build:\n${String((err as { stdout?: Buffer }).stdout ?? '')}`);
    }
  }
}

/** The flags in an env file: `SKIFF_X_ARGS="--a b --c"`. */
function envArgs(file: string): string[] {
  const m = /^SKIFF_[A-Z_]+_ARGS="([^"]*)"$/m.exec(read(file));
  assert.ok(m, `${file} has no SKIFF_*_ARGS line:\n${read(file)}`);
  return m[1].split(' ');
}

/** `--flag value` pairs as a map (a flag without a value maps to ''). */
function flagMap(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith('--')) continue;
    const value = args[i + 1] !== undefined && !args[i + 1].startsWith('--') ? args[i + 1] : '';
    out.set(args[i], value);
  }
  return out;
}

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { token: string } }[];
}

const kubeconfig = (file: string): KubeconfigFile => parse(read(file)) as KubeconfigFile;

function tokensByUser(file: string): Map<string, { token: string; groups: string }> {
  return new Map(read(file).split('\n').filter(Boolean).map((l) => {
    const [token, user, , ...groups] = l.split(',');
    return [user, { token, groups: groups.join(',') }];
  }));
}

function systemdAnalyzeVerify(units: string[]): Result | undefined {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  try {
    const out = execFileSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { code: 0, stdout: out, stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('deploy/install', () => {
  const cp = mkdtempSync(path.join(os.tmpdir(), 'skiff-install-cp-'));
  const wk = mkdtempSync(path.join(os.tmpdir(), 'skiff-install-worker-'));
  const bad = mkdtempSync(path.join(os.tmpdir(), 'skiff-install-bad-'));
  const etc = path.join(cp, 'etc/skiff');
  let port = 0;
  let apiserver: ChildProcess | undefined;
  let apiserverOutput = '';
  let join: { server: string; token: string; caData: string } | undefined;

  before(async () => {
    ensureFreshBuild();
    port = await freePort();
  });

  after(async () => {
    if (apiserver && apiserver.exitCode === null) {
      const exited = new Promise((r) => apiserver!.once('exit', r));
      apiserver.kill('SIGTERM');
      await exited;
    }
    for (const dir of [cp, wk, bad]) rmSync(dir, { recursive: true, force: true });
  });

  it('control-plane writes credentials, kubeconfigs, env files and units with private modes', async () => {
    const r = await run(install, ['control-plane', '--root', cp, '--no-start', '--skip-build', '--advertise-address', '127.0.0.1',
      '--apiserver-port', String(port), '--node-name', 'cp-1', '--dns-upstream', 'none']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /systemctl daemon-reload && systemctl enable --now skiff-apiserver skiff-scheduler skiff-controller-manager skiff-kubelet/);

    for (const dir of ['', 'kubeconfigs', 'pki', 'pki/apiserver', 'pki/kubelet-client-ca']) assert.equal(mode(path.join(etc, dir)), 0o700, `etc/skiff/${dir}`);
    for (const f of ['tokens.csv', 'admin.kubeconfig', 'kubeconfigs/scheduler.kubeconfig', 'kubeconfigs/controller-manager.kubeconfig',
      'kubeconfigs/kubelet-cp-1.kubeconfig', 'pki/apiserver/ca.key', 'pki/kubelet-client-ca/ca.key', 'pki/apiserver-kubelet-client.key']) {
      assert.equal(mode(path.join(etc, f)), 0o600, f);
    }
    // Parents made below --root keep ordinary modes: an image built this way has a usable /etc.
    assert.equal(mode(path.join(cp, 'etc')), 0o755);

    const tokens = tokensByUser(path.join(etc, 'tokens.csv'));
    assert.deepEqual([...tokens.keys()].sort(), ['admin', 'system:bootstrap:skiff-workers', 'system:kube-controller-manager',
      'system:kube-scheduler', 'system:node:cp-1']);
    assert.match(tokens.get('system:bootstrap:skiff-workers')!.groups, /system:nodes/);
    assert.match(tokens.get('system:node:cp-1')!.groups, /system:nodes/);
    for (const { token } of tokens.values()) {
      assert.ok(token.length >= 32);
      assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token), 'no token is printed');
    }

    const caData = Buffer.from(read(path.join(etc, 'pki/apiserver/ca.crt'))).toString('base64');
    const admin = kubeconfig(path.join(etc, 'admin.kubeconfig'));
    assert.equal(admin.clusters[0].cluster.server, `https://127.0.0.1:${port}`);
    assert.equal(admin.clusters[0].cluster['certificate-authority-data'], caData);
    assert.equal(admin.users[0].user.token, tokens.get('admin')!.token);
    assert.equal(kubeconfig(path.join(etc, 'kubeconfigs/kubelet-cp-1.kubeconfig')).users[0].user.token, tokens.get('system:node:cp-1')!.token);

    const api = flagMap(envArgs(path.join(etc, 'apiserver.env')));
    assert.equal(api.get('--secure-port'), String(port));
    assert.equal(api.get('--advertise-address'), '127.0.0.1');
    assert.equal(api.get('--token-auth-file'), '/etc/skiff/tokens.csv');
    assert.equal(api.get('--cert-dir'), '/etc/skiff/pki/apiserver');
    assert.equal(api.get('--data-dir'), '/var/lib/skiff/apiserver');
    assert.equal(api.get('--kubelet-client-key'), '/etc/skiff/pki/apiserver-kubelet-client.key');
    assert.equal(flagMap(envArgs(path.join(etc, 'scheduler.env'))).get('--kubeconfig'), '/etc/skiff/kubeconfigs/scheduler.kubeconfig');
    const cm = flagMap(envArgs(path.join(etc, 'controller-manager.env')));
    assert.equal(cm.get('--cluster-cidr'), '10.244.0.0/16');
    const kubelet = flagMap(envArgs(path.join(etc, 'kubelet.env')));
    assert.equal(kubelet.get('--hostname-override'), 'cp-1');
    assert.equal(kubelet.get('--node-ip'), '127.0.0.1');
    assert.equal(kubelet.get('--host-gw-routes'), '');
    assert.equal(kubelet.get('--client-ca-file'), '/etc/skiff/pki/kubelet-client-ca/ca.crt');
    assert.equal(kubelet.get('--cluster-dns'), '127.0.0.1');
    assert.equal(kubelet.has('--dns-upstream'), false);

    for (const part of ['dist/apiserver/main.js', 'dist/kubelet/main.js', 'node_modules/fastify/package.json', 'package.json',
      'apiserver/api/generated/definitions.json']) {
      assert.ok(existsSync(path.join(cp, 'opt/skiff', part)), part);
    }
    assert.equal(read(path.join(cp, 'etc/sysctl.d/90-skiff.conf')).includes('net.ipv4.ip_forward = 1'), true);
  });

  it('every flag in the env files is one the installed component knows', async () => {
    for (const [component, entry] of [['apiserver', 'apiserver'], ['scheduler', 'scheduler'], ['controller-manager', 'controllers'], ['kubelet', 'kubelet']]) {
      const help = (await run(process.execPath, [path.join(cp, 'opt/skiff/dist', entry, 'main.js'), '--help'])).stdout;
      for (const flag of flagMap(envArgs(path.join(etc, `${component}.env`))).keys()) {
        assert.ok(help.includes(`${flag} `) || help.includes(`${flag}\n`), `${component} has no ${flag}`);
      }
    }
  });

  it('the installed units pass systemd-analyze verify, as do the sources', (t) => {
    const units = readdirSync(path.join(cp, 'etc/systemd/system')).sort();
    assert.deepEqual(units, ['skiff-apiserver.service', 'skiff-controller-manager.service', 'skiff-kubelet.service', 'skiff-scheduler.service']);
    const unit = read(path.join(cp, 'etc/systemd/system/skiff-kubelet.service'));
    assert.match(unit, /^EnvironmentFile=\/etc\/skiff\/kubelet\.env$/m);
    assert.match(unit, /^ExecStart=\S*node \/opt\/skiff\/dist\/kubelet\/main\.js \$SKIFF_KUBELET_ARGS$/m);
    assert.match(unit, /^Restart=always$/m);
    assert.match(unit, /^RestartSec=5$/m);
    assert.match(unit, /^After=.*docker\.service/m);
    assert.match(unit, /^Wants=.*docker\.service/m);
    const files = [...units.map((u) => path.join(cp, 'etc/systemd/system', u)),
      ...readdirSync(path.join(repoRoot, 'deploy/systemd')).map((u) => path.join(repoRoot, 'deploy/systemd', u))];
    const result = systemdAnalyzeVerify(files);
    if (!result) {
      t.skip('systemd-analyze is not installed');
      return;
    }
    assert.equal(result.code, 0, result.stderr);
    // It only warns (exit 0) about a bad setting: any word about our units is a failure.
    assert.doesNotMatch(`${result.stdout}${result.stderr}`, /skiff-/, result.stderr);
  });

  it('a second run keeps every credential', async () => {
    const before = ['tokens.csv', 'pki/apiserver/ca.key', 'pki/kubelet-client-ca/ca.key', 'admin.kubeconfig'].map((f) => read(path.join(etc, f)));
    const r = await run(install, ['control-plane', '--root', cp, '--no-start', '--skip-build']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const again = ['tokens.csv', 'pki/apiserver/ca.key', 'pki/kubelet-client-ca/ca.key', 'admin.kubeconfig'].map((f) => read(path.join(etc, f)));
    assert.deepEqual(again, before);
    // The settings of the first run stay: the port and advertise address were not given this time.
    assert.equal(flagMap(envArgs(path.join(etc, 'apiserver.env'))).get('--secure-port'), String(port));
  });

  it('join-command, against the apiserver started from the installed build and files, prints how workers join', async () => {
    // The env file's paths are the host's: point them into the test root, and listen on loopback only.
    const args = envArgs(path.join(etc, 'apiserver.env'))
      .map((a) => (a.startsWith('/etc/skiff') || a.startsWith('/var/lib/skiff') ? path.join(cp, a) : a));
    apiserver = spawn(process.execPath, [path.join(cp, 'opt/skiff/dist/apiserver/main.js'), ...args, '--bind-address', '127.0.0.1', '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    apiserver.stdout!.on('data', (d: Buffer) => { apiserverOutput += d.toString(); });
    apiserver.stderr!.on('data', (d: Buffer) => { apiserverOutput += d.toString(); });

    const r = await run(install, ['join-command', '--root', cp, '--timeout', '30']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}\n${apiserverOutput}`);
    assert.match(r.stdout, /stored the kubelet client CA in ConfigMap kube-system\/skiff-kubelet-client-ca/);
    const m = /deploy\/install worker --server (\S+) --token (\S+) --ca-data (\S+)$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    join = { server: m[1], token: m[2], caData: m[3] };
    assert.equal(join.server, `https://127.0.0.1:${port}`);
    assert.equal(join.token, tokensByUser(path.join(etc, 'tokens.csv')).get('system:bootstrap:skiff-workers')!.token);
    assert.equal(Buffer.from(join.caData, 'base64').toString(), read(path.join(etc, 'pki/apiserver/ca.crt')));
    // The apiserver's serving certificate came from the CA install made.
    assert.ok(existsSync(path.join(etc, 'pki/apiserver/apiserver.crt')));
  });

  it('worker joins with that command: kubeconfig, the kubelet client CA from the cluster, kubelet env and unit', async () => {
    assert.ok(join, 'needs the join command');
    const r = await run(install, ['worker', '--root', wk, '--no-start', '--skip-build', '--server', join.server, '--token', join.token,
      '--ca-data', join.caData, '--node-name', 'worker-1', '--node-ip', '127.0.0.2', '--dns-upstream', 'none']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const wetc = path.join(wk, 'etc/skiff');
    assert.equal(mode(wetc), 0o700);
    const kc = path.join(wetc, 'kubeconfigs/kubelet-worker-1.kubeconfig');
    assert.equal(mode(kc), 0o600);
    assert.equal(kubeconfig(kc).users[0].user.token, join.token);
    assert.equal(kubeconfig(kc).clusters[0].cluster.server, join.server);
    assert.equal(read(path.join(wetc, 'pki/kubelet-client-ca/ca.crt')), read(path.join(etc, 'pki/kubelet-client-ca/ca.crt')));
    assert.equal(existsSync(path.join(wetc, 'pki/kubelet-client-ca/ca.key')), false, 'a worker never holds a CA key');
    assert.equal(existsSync(path.join(wetc, 'tokens.csv')), false);
    const kubelet = flagMap(envArgs(path.join(wetc, 'kubelet.env')));
    assert.equal(kubelet.get('--kubeconfig'), '/etc/skiff/kubeconfigs/kubelet-worker-1.kubeconfig');
    assert.equal(kubelet.get('--hostname-override'), 'worker-1');
    assert.equal(kubelet.get('--node-ip'), '127.0.0.2');
    assert.equal(kubelet.get('--cluster-cidr'), '10.244.0.0/16');
    assert.equal(kubelet.get('--host-gw-routes'), '');
    assert.deepEqual(readdirSync(path.join(wk, 'etc/systemd/system')), ['skiff-kubelet.service']);
    assert.ok(!r.stdout.includes(join.token) && !r.stderr.includes(join.token), 'the token is not printed');
    const verify = systemdAnalyzeVerify([path.join(wk, 'etc/systemd/system/skiff-kubelet.service')]);
    if (verify) assert.equal(verify.code, 0, verify.stderr);
  });

  it('worker with a wrong token or CA says what is wrong and writes no kubelet env', async () => {
    assert.ok(join, 'needs the join command');
    const wrongToken = await run(install, ['worker', '--root', bad, '--no-start', '--skip-build', '--server', join.server,
      '--token', 'not-a-token', '--ca-data', join.caData, '--node-name', 'worker-2', '--node-ip', '127.0.0.3']);
    assert.notEqual(wrongToken.code, 0);
    assert.match(wrongToken.stderr, /refused the token/);
    assert.equal(existsSync(path.join(bad, 'etc/skiff/kubelet.env')), false);

    const otherCA = Buffer.from(read(path.join(etc, 'pki/kubelet-client-ca/ca.crt'))).toString('base64');
    const wrongCA = await run(install, ['worker', '--root', bad, '--no-start', '--skip-build', '--server', join.server,
      '--token', join.token, '--ca-data', otherCA, '--node-name', 'worker-2', '--node-ip', '127.0.0.3']);
    assert.notEqual(wrongCA.code, 0);
    assert.match(wrongCA.stderr, /does not present a certificate from --ca-data/);

    const notPem = await run(install, ['worker', '--root', bad, '--no-start', '--skip-build', '--server', join.server,
      '--token', join.token, '--ca-data', 'bm90IGEgY2VydA==']);
    assert.notEqual(notPem.code, 0);
    assert.match(notPem.stderr, /--ca-data is not a base64-encoded PEM certificate/);
  });
});
