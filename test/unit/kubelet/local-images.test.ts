import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { busyboxRootfsEntries, importChanges, isStaticElf, pauseEntrypoint } from '../../../kubelet/runtime/local-images.ts';
import { tarArchive } from '../../../kubelet/runtime/tar-writer.ts';

describe('tar writer', () => {
  test('system tar reads back directories, files with modes, and symlinks', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-tar-'));
    try {
      const archive = tarArchive([
        { type: 'directory', name: 'bin' },
        { type: 'directory', name: 'tmp', mode: 0o1777 },
        { type: 'file', name: 'bin/tool', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
        { type: 'file', name: 'empty', data: Buffer.alloc(0) },
        { type: 'file', name: 'big', data: Buffer.alloc(1500, 7) },
        { type: 'symlink', name: 'bin/sh', target: 'tool' },
      ]);
      assert.equal(archive.length % 512, 0);
      writeFileSync(path.join(dir, 'a.tar'), archive);
      execFileSync('tar', ['-xf', 'a.tar', '--no-same-owner'], { cwd: dir });
      assert.equal(readFileSync(path.join(dir, 'bin/tool'), 'utf8'), '#!/bin/sh\necho hi\n');
      assert.equal(statSync(path.join(dir, 'bin/tool')).mode & 0o777, 0o755);
      assert.equal(statSync(path.join(dir, 'tmp')).mode & 0o7777, 0o1777);
      assert.equal(readlinkSync(path.join(dir, 'bin/sh')), 'tool');
      assert.deepEqual(readFileSync(path.join(dir, 'big')), Buffer.alloc(1500, 7));
      assert.equal(readFileSync(path.join(dir, 'empty')).length, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same entries give the same bytes (layers dedupe)', () => {
    const entries = [{ type: 'file' as const, name: 'x', data: Buffer.from('x') }];
    assert.deepEqual(tarArchive(entries), tarArchive(entries));
  });

  test('over-long names are refused', () => {
    assert.throws(() => tarArchive([{ type: 'directory', name: 'a'.repeat(120) }]), /over 100 bytes/);
  });
});

describe('busybox root fs', () => {
  test('busybox stays a real file; applets are links to it; /tmp is sticky', () => {
    const entries = busyboxRootfsEntries(Buffer.from('ELF'), ['sh', 'sleep', 'httpd', '[']);
    const bin = entries.find((e) => e.name === 'bin/busybox');
    assert.equal(bin?.type, 'file');
    assert.equal(entries.filter((e) => e.name === 'bin/busybox').length, 1);
    for (const applet of ['sh', 'sleep', 'httpd', '[']) {
      assert.deepEqual(entries.find((e) => e.name === `bin/${applet}`), { type: 'symlink', name: `bin/${applet}`, target: 'busybox' });
    }
    assert.deepEqual(entries.find((e) => e.name === 'tmp'), { type: 'directory', name: 'tmp', mode: 0o1777 });
  });

  test('static ELF check: the host\'s busybox-static passes, node (dynamically linked) does not', () => {
    assert.equal(isStaticElf(readFileSync('/bin/busybox')), true);
    assert.equal(isStaticElf(readFileSync(process.execPath)), false);
    assert.equal(isStaticElf(Buffer.from('#!/bin/sh\n')), false);
  });

  test('image changes: PATH=/bin, JSON-form entrypoint and cmd, quoted labels', () => {
    assert.deepEqual(importChanges({ entrypoint: pauseEntrypoint, cmd: ['sh'], env: { A: 'x y' }, labels: { 'skiff.local-image': 'p' } }), [
      'ENV PATH=/bin',
      'ENV A="x y"',
      `ENTRYPOINT ${JSON.stringify(pauseEntrypoint)}`,
      'CMD ["sh"]',
      'LABEL "skiff.local-image"="p"',
    ]);
  });
});
