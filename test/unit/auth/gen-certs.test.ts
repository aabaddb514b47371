// The gen-certs command as deploy scripts run it: a real process, real files, openssl as the judge.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { modeOf, openssl, tempDir } from './helpers.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const command = path.join(repoRoot, 'apiserver/server/gen-certs.ts');

function genCerts(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', command, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('gen-certs', () => {
  it('issues a client certificate for a kubelet, creating the CA on first use', () => {
    const dir = tempDir();
    const r = genCerts(['--dir', dir, '--cn', 'system:node:worker-1', '--org', 'system:nodes', '--client']);
    assert.equal(r.status, 0, r.stderr);
    const certPath = path.join(dir, 'system-node-worker-1.crt');
    const keyPath = path.join(dir, 'system-node-worker-1.key');
    assert.equal(r.stdout, `${certPath}\n${keyPath}\n`);
    assert.equal(modeOf(keyPath), 0o600);
    assert.equal(modeOf(path.join(dir, 'ca.key')), 0o600);
    assert.equal(modeOf(certPath), 0o644);
    const cert = new X509Certificate(readFileSync(certPath));
    assert.equal(cert.subject, 'O=system:nodes\nCN=system:node:worker-1');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.checkPrivateKey(createPrivateKey(readFileSync(keyPath))), 'the key is the certificate\'s');
    assert.equal(openssl(['verify', '-CAfile', path.join(dir, 'ca.crt'), '-purpose', 'sslclient', certPath]).status, 0);
  });

  it('issues a serving certificate from an existing CA in another directory, with IP and DNS SANs', () => {
    const caDir = tempDir();
    assert.equal(genCerts(['--dir', caDir, '--cn', 'admin', '--org', 'system:masters', '--client']).status, 0);
    const caBefore = readFileSync(path.join(caDir, 'ca.crt'), 'utf8');
    const dir = path.join(tempDir(), 'kubelet-pki');
    const r = genCerts(['--dir', dir, '--ca-dir', caDir, '--cn', 'worker-1', '--serving', '--san', 'worker-1',
      '--san', '192.0.2.21', '--san', 'fd00::21', '--days', '30', '--name', 'kubelet']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(path.join(caDir, 'ca.crt'), 'utf8'), caBefore, 'the CA is reused');
    assert.equal(existsSync(path.join(dir, 'ca.crt')), false, 'no second CA');
    assert.equal(modeOf(dir), 0o700);
    const certPath = path.join(dir, 'kubelet.crt');
    const cert = new X509Certificate(readFileSync(certPath));
    assert.equal(cert.checkHost('worker-1', { subject: 'never' }), 'worker-1');
    assert.equal(cert.checkIP('192.0.2.21'), '192.0.2.21');
    assert.equal(cert.checkIP('fd00::21'), 'fd00::21');
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `${days}`);
    assert.equal(openssl(['verify', '-CAfile', path.join(caDir, 'ca.crt'), '-purpose', 'sslserver', certPath]).status, 0);
    assert.equal(modeOf(path.join(dir, 'kubelet.key')), 0o600);
  });

  it('refuses incomplete or contradictory arguments with exit code 2 and one line', () => {
    const dir = tempDir();
    for (const [args, message] of [
      [['--cn', 'x', '--client'], /--dir is required/],
      [['--dir', dir, '--client'], /--cn is required/],
      [['--dir', dir, '--cn', 'x'], /exactly one of --client and --serving/],
      [['--dir', dir, '--cn', 'x', '--client', '--serving'], /exactly one of --client and --serving/],
      [['--dir', dir, '--cn', 'x', '--serving'], /at least one --san/],
      [['--dir', dir, '--cn', 'x', '--client', '--san', 'y'], /--san applies to --serving/],
      [['--dir', dir, '--cn', 'x', '--client', '--days', '0'], /--days must be a positive whole number/],
      [['--dir', dir, '--cn', 'x', '--client', '--days', '1.5'], /--days must be a positive whole number/],
      [['--dir', dir, '--cn', 'x', '--client', '--days', '-1'], /Option '--days' argument is ambiguous/],
      [['--dir', dir, '--cn', 'x', '--client', '--bogus'], /Unknown option '--bogus'/],
    ] as [string[], RegExp][]) {
      const r = genCerts(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });
});
