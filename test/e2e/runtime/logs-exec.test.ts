// Logs (tail, timestamps, since, stream selection, follow), exec (exit code and output, stdin, TTY and resize,
// timeouts) and stats against the real daemon.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isRuntimeError } from '../../../kubelet/runtime/runtime.ts';
import { createFixture, readText, waitFor, type Fixture } from './runtime-fixture.ts';

let fx: Fixture;

before(async () => {
  fx = await createFixture('runtime-logs-exec');
});

after(async () => {
  await fx?.cleanup();
});

async function run(script: string, over: Parameters<Fixture['containerConfig']>[3] = {}): Promise<string> {
  const pod = fx.newPod();
  const sandbox = await fx.runtime.createSandbox(fx.sandboxConfig(pod));
  const id = await fx.runtime.createContainer(fx.containerConfig(pod, 'app', sandbox.id, { command: ['sh', '-c', script], ...over }));
  await fx.runtime.startContainer(id);
  return id;
}

const logsOf = async (id: string, options: Parameters<Fixture['runtime']['containerLogs']>[1] = {}): Promise<string> =>
  readText(await fx.runtime.containerLogs(id, options));

describe('logs', () => {
  let id: string;

  before(async () => {
    // Docker reads stdout and stderr through separate pipes, so lines written to both within the same instant
    // may be logged in either order; the pauses make the expected order certain.
    id = await run('echo one; echo two; sleep 0.1; echo three >&2; sleep 0.1; echo four; echo done; exec sleep 3600');
    await waitFor('the output', async () => ((await logsOf(id)).includes('done') ? true : undefined));
  });

  test('stdout and stderr merged in the order Docker received them', async () => {
    assert.equal(await logsOf(id), 'one\ntwo\nthree\nfour\ndone\n');
  });

  test('tail', async () => {
    assert.equal(await logsOf(id, { tail: 3 }), 'three\nfour\ndone\n');
    assert.equal(await logsOf(id, { tail: 0 }), '');
  });

  test('one stream only', async () => {
    assert.equal(await logsOf(id, { stderr: false }), 'one\ntwo\nfour\ndone\n');
    assert.equal(await logsOf(id, { stdout: false }), 'three\n');
  });

  test('timestamps prefix each line with an RFC 3339 nano time', async () => {
    const lines = (await logsOf(id, { timestamps: true, tail: 2 })).trimEnd().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z (four|done)$/);
  });

  test('since drops earlier lines', async () => {
    assert.equal(await logsOf(id, { since: new Date(Date.now() + 60_000) }), '');
    assert.equal(await logsOf(id, { since: new Date(Date.now() - 600_000) }), 'one\ntwo\nthree\nfour\ndone\n');
  });

  test('follow streams new lines as they are written, and ends when the reader stops', async () => {
    const ticker = await run('i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.1; done');
    const stream = await fx.runtime.containerLogs(ticker, { follow: true });
    let seen = '';
    for await (const chunk of stream) {
      seen += String(chunk);
      if ((seen.match(/tick/g) ?? []).length >= 5) break; // breaking destroys the stream and its connection
    }
    assert.match(seen, /^tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n/);
    assert.ok(stream.destroyed);
  });

  test('follow ends by itself when the container exits', async () => {
    const short = await run('echo a; sleep 0.3; echo b');
    assert.equal(await readText(await fx.runtime.containerLogs(short, { follow: true })), 'a\nb\n');
  });

  test('a TTY container\'s log is plain text', async () => {
    const ttyId = await run('echo from-a-tty; exec sleep 3600', { tty: true });
    await waitFor('tty output', async () => ((await logsOf(ttyId)).includes('from-a-tty') ? true : undefined));
    assert.equal(await logsOf(ttyId), 'from-a-tty\r\n');
  });
});

describe('exec', () => {
  let id: string;

  before(async () => {
    id = await run('exec sleep 3600');
  });

  test('execSync returns the exit code and both outputs', async () => {
    const r = await fx.runtime.execSync(id, ['sh', '-c', 'echo out; echo err >&2; exit 3'], 5000);
    assert.deepEqual(r, { exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    const ok = await fx.runtime.execSync(id, ['true'], 5000);
    assert.equal(ok.exitCode, 0);
  });

  test('a missing command fails with a non-zero code and Docker\'s message', async () => {
    const r = await fx.runtime.execSync(id, ['no-such-command'], 5000);
    assert.equal(r.exitCode, 126);
    assert.match(r.stdout, /executable file not found/);
  });

  test('output is capped at 10 KiB per stream', async () => {
    const r = await fx.runtime.execSync(id, ['sh', '-c', 'i=0; while [ $i -lt 4000 ]; do echo 0123456789; i=$((i+1)); done'], 10_000);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.length, 10 * 1024);
  });

  test('a command that outlives its timeout is reported and killed', async (t) => {
    const t0 = performance.now();
    const r = await fx.runtime.execSync(id, ['sh', '-c', 'echo started; exec sleep 31'], 500);
    const ms = performance.now() - t0;
    t.diagnostic(`timed-out exec returned after ${ms.toFixed(0)} ms`);
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.ok(ms < 2000, `${ms} ms`);
    await waitFor('the timed-out command to be gone', async () => {
      const ps = await fx.runtime.execSync(id, ['ps', '-o', 'args'], 5000);
      return ps.stdout.includes('sleep 31') ? undefined : true;
    }, 5000);
  });

  test('interactive exec: stdin in, output out, exit code at the end', async () => {
    const session = await fx.runtime.execInContainer(id, ['sh', '-c', 'cat; echo bye >&2; exit 4'], { stdin: true });
    assert.ok(session.stdin);
    session.stdin.write('hello\n');
    session.stdin.end('world\n');
    const [out, err, code] = await Promise.all([readText(session.stdout), readText(session.stderr), session.wait()]);
    assert.deepEqual([out, err, code], ['hello\nworld\n', 'bye\n', 4]);
  });

  test('TTY exec: resize reaches the terminal', async () => {
    const session = await fx.runtime.execInContainer(id,
      ['sh', '-c', 'while [ "$(stty size 2>/dev/null)" != "40 120" ]; do sleep 0.05; done; stty size; exit 0'], { tty: true });
    await session.resize({ cols: 120, rows: 40 });
    const [out, err, code] = await Promise.all([readText(session.stdout), readText(session.stderr), session.wait()]);
    assert.equal(out.trim(), '40 120');
    assert.equal(err, '');
    assert.equal(code, 0);
  });

  test('exec in a missing container is NotFound', async () => {
    await assert.rejects(fx.runtime.execSync('no-such-container-skiff', ['true'], 1000), (err) => isRuntimeError(err, 'NotFound'));
  });
});

test('stats: CPU time and working set of a busy container', async () => {
  const id = await run('i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exec sleep 3600');
  const stats = await waitFor('some CPU use', async () => {
    const s = await fx.runtime.containerStats(id);
    return s.cpuUsageNanoseconds > 10_000_000 ? s : undefined;
  });
  assert.ok(stats.memoryWorkingSetBytes > 0);
  assert.ok(Math.abs(stats.timestamp.getTime() - Date.now()) < 60_000);
});
