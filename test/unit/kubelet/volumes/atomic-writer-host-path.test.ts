import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeAtomically } from '../../../../kubelet/volumes/atomic-writer.ts';
import { checkHostPathType } from '../../../../kubelet/volumes/host-path.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'skiff-vol-unit-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeAtomically', () => {
  it('lays files out behind a ..data symlink and swaps it when the content changes', async () => {
    const dir = path.join(root, 'cm');
    assert.equal(await writeAtomically(dir, [{ path: 'a', content: Buffer.from('1'), mode: 0o644 }, { path: 'sub/b', content: Buffer.from('2'), mode: 0o600 }]), true);
    assert.equal(readFileSync(path.join(dir, 'a'), 'utf8'), '1');
    assert.equal(readFileSync(path.join(dir, 'sub/b'), 'utf8'), '2');
    assert.ok(lstatSync(path.join(dir, 'a')).isSymbolicLink());
    assert.equal(statSync(path.join(dir, 'sub/b')).mode & 0o777, 0o600);
    const first = readlinkSync(path.join(dir, '..data'));
    assert.equal(await writeAtomically(dir, [{ path: 'a', content: Buffer.from('1'), mode: 0o644 }, { path: 'sub/b', content: Buffer.from('2'), mode: 0o600 }]), false, 'same content: nothing rewritten');
    assert.equal(await writeAtomically(dir, [{ path: 'a', content: Buffer.from('changed'), mode: 0o644 }]), true);
    assert.notEqual(readlinkSync(path.join(dir, '..data')), first);
    assert.equal(readFileSync(path.join(dir, 'a'), 'utf8'), 'changed');
    assert.deepEqual(readdirSync(dir).filter((e) => !e.startsWith('..')), ['a'], 'keys that went away are removed');
    assert.equal(readdirSync(dir).filter((e) => e.startsWith('..') && e !== '..data').length, 1, 'old timestamped dirs are removed');
  });

  it('refuses paths that escape the volume', async () => {
    await assert.rejects(writeAtomically(path.join(root, 'bad'), [{ path: '../x', content: Buffer.from(''), mode: 0o644 }]), /may not contain '\.\.'/);
    await assert.rejects(writeAtomically(path.join(root, 'bad'), [{ path: '/etc/x', content: Buffer.from(''), mode: 0o644 }]), /must be relative/);
  });
});

describe('hostPath type checks', () => {
  it('creates for the *OrCreate types and checks the others with kube\'s message', async () => {
    const d = path.join(root, 'made/dir');
    await checkHostPathType(d, 'DirectoryOrCreate');
    assert.ok(statSync(d).isDirectory());
    const f = path.join(root, 'file');
    await checkHostPathType(f, 'FileOrCreate');
    assert.ok(statSync(f).isFile());
    writeFileSync(f, 'x');
    await assert.rejects(checkHostPathType(f, 'Directory'), { message: `hostPath type check failed: ${f} is not a directory` });
    await assert.rejects(checkHostPathType(d, 'File'), /is not a file/);
    await assert.rejects(checkHostPathType(f, 'Socket'), /is not a socket file/);
    await assert.rejects(checkHostPathType(path.join(root, 'missing'), 'Directory'), /is not a directory/);
    await checkHostPathType('/dev/null', 'CharDevice');
    await checkHostPathType(path.join(root, 'anything'), '');
  });
});
