// Shell completion as a user gets it: the bash script sourced into a real bash, completing verbs, resource types
// and object names from the server through `skiffctl __complete`.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApiserver, type TestApiserver } from '../../helpers/apiserver.ts';
import { run, skiffctl, skiffctlCommand } from './harness.ts';

let api: TestApiserver;
let dir: string;

before(async () => {
  api = await startApiserver();
  await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'alpha' } } });
  await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'beta' } } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'skiffctl-completion-'));
  // `skiffctl` on PATH, as an installed one would be.
  const bin = path.join(dir, 'skiffctl');
  writeFileSync(bin, `#!/bin/sh\nexec ${skiffctlCommand().map((a) => `'${a}'`).join(' ')} "$@"\n`);
  chmodSync(bin, 0o755);
});
after(async () => {
  await api.stop();
  api.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** What bash offers for the command line `words` (the last word is the one being completed). */
async function bashComplete(words: string[]): Promise<string[]> {
  const script = (await skiffctl(['completion', 'bash'])).stdout;
  writeFileSync(path.join(dir, 'completion.bash'), script);
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const program = `source '${path.join(dir, 'completion.bash')}'
COMP_WORDS=(skiffctl ${quoted}); COMP_CWORD=${words.length}
_skiffctl_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, KUBECONFIG: api.kubeconfig };
  const res = await run('bash', ['-c', program], { env });
  assert.equal(res.code, 0, res.stderr);
  return res.stdout.split('\n').filter((l) => l !== '');
}

describe('skiffctl completion', () => {
  it('bash: verbs, then resource types, then object names', async () => {
    assert.deepEqual(await bashComplete(['ge']), ['get']);
    assert.ok((await bashComplete([''])).includes('describe'));
    const types = await bashComplete(['get', '']);
    for (const t of ['pods', 'po', 'deployments', 'deploy', 'configmaps', 'cm', 'nodes']) assert.ok(types.includes(t), t);
    assert.deepEqual(await bashComplete(['get', 'dep']), ['deploy', 'deployments']);
    assert.deepEqual(await bashComplete(['get', 'configmaps', '']), ['alpha', 'beta']);
    assert.deepEqual(await bashComplete(['describe', 'cm/a']), ['cm/alpha']);
    assert.deepEqual(await bashComplete(['get', 'pods', '-o', 'ya']), ['yaml']);
    assert.deepEqual(await bashComplete(['config', 'use-context', '']), ['skiff']);
    assert.ok((await bashComplete(['get', '--show-l'])).includes('--show-labels'));
    assert.deepEqual(await bashComplete(['completion', '']), ['bash', 'zsh']);
  });

  it('zsh: a compdef script that asks skiffctl for candidates', async () => {
    const res = await skiffctl(['completion', 'zsh']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /^#compdef skiffctl$/m);
    assert.match(res.stdout, /skiffctl __complete/);
  });

  it('an unknown shell is an error', async () => {
    const res = await skiffctl(['completion', 'fish']);
    assert.equal(res.code, 1);
    assert.equal(res.stderr, 'error: Unsupported shell type "fish".\n');
  });
});
