import assert from 'node:assert/strict';
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { authenticateRequest, bearerToken, parseTokenFile, TokenAuthenticator } from '../../../apiserver/server/authn.ts';
import { tempDir } from './helpers.ts';

describe('parseTokenFile', () => {
  it('reads token,user,uid and an optional quoted list of groups', () => {
    const tokens = parseTokenFile([
      'tok-admin,admin,uid-1,"system:masters,ops"',
      'tok-dev,dev,uid-2,developers',
      'tok-bot,bot,',
      '"tok,quoted","name ""with"" quotes",uid-4',
    ].join('\n'));
    assert.deepEqual([...tokens.keys()], ['tok-admin', 'tok-dev', 'tok-bot', 'tok,quoted']);
    assert.deepEqual(tokens.get('tok-admin'), { name: 'admin', uid: 'uid-1', groups: ['system:masters', 'ops'] });
    assert.deepEqual(tokens.get('tok-dev'), { name: 'dev', uid: 'uid-2', groups: ['developers'] });
    assert.deepEqual(tokens.get('tok-bot'), { name: 'bot', groups: [] }, 'an empty uid is left out');
    assert.deepEqual(tokens.get('tok,quoted'), { name: 'name "with" quotes', uid: 'uid-4', groups: [] });
  });

  it('skips blank lines, accepts CRLF and a BOM, and ignores columns after the groups', () => {
    const tokens = parseTokenFile('\uFEFF\r\ntok1,u1,1\r\n\r\n   \r\ntok2,u2,2,"g1,,g2,",extra,columns\r\n');
    assert.deepEqual(tokens.get('tok1'), { name: 'u1', uid: '1', groups: [] });
    assert.deepEqual(tokens.get('tok2'), { name: 'u2', uid: '2', groups: ['g1', 'g2'] });
    assert.equal(tokens.size, 2);
  });

  it('keeps spaces, as Go encoding/csv does', () => {
    const tokens = parseTokenFile('tok, spaced user ,uid,"a, b"');
    assert.deepEqual(tokens.get('tok'), { name: ' spaced user ', uid: 'uid', groups: ['a', ' b'] });
  });

  it('has no comment syntax: a # line is a record, as in kube', () => {
    assert.throws(() => parseTokenFile('# tokens for the lab\ntok,u,1'), /^Error: line 1: must have at least 3 columns \(token, user name, user uid\), found 1$/);
    assert.ok(parseTokenFile('#tok,u,1').has('#tok'));
  });

  it('lets a quoted field span lines and numbers errors by the line a record starts on', () => {
    const tokens = parseTokenFile('tok1,u1,1,"a,\nb"\ntok2,u2,2');
    assert.deepEqual(tokens.get('tok1')?.groups, ['a', '\nb']);
    assert.throws(() => parseTokenFile('tok1,u1,1,"a,\nb"\n\ntok2,u2'), /^Error: line 4: must have at least 3 columns/);
  });

  it('rejects too few columns, empty tokens and user names, and duplicate tokens, naming the line', () => {
    assert.throws(() => parseTokenFile('tok1,u1,1\ntok2,u2'), /^Error: line 2: must have at least 3 columns .*found 2$/);
    assert.throws(() => parseTokenFile('tok1,u1,1\n\n,u2,2'), /^Error: line 3: empty token$/);
    assert.throws(() => parseTokenFile('tok1,,1'), /^Error: line 1: empty user name$/);
    assert.throws(() => parseTokenFile('tok1,u1,1\ntok2,u2,2\ntok1,u3,3'), /^Error: line 3: duplicate token \(first used on line 1\)$/);
  });

  it('rejects broken quoting', () => {
    assert.throws(() => parseTokenFile('tok,u,1,"unterminated'), /line 1: quoted field is never closed/);
    assert.throws(() => parseTokenFile('tok,u,1\ntok2,u"2,2'), /line 2: bare " in a field that is not quoted/);
    assert.throws(() => parseTokenFile('tok,u,"1"x'), /line 1: unexpected character after a closing quote/);
  });

  it('never puts a token into an error message', () => {
    const secret = 'S3CRET-token-value';
    for (const text of [`${secret},u`, `${secret},u,1\n${secret},v,2`, `${secret}",u,1`]) {
      assert.throws(() => parseTokenFile(text), (err: Error) => !err.message.includes(secret) && !err.message.includes('S3CRET'));
    }
  });
});

function tokenFile(content: string, mode = 0o600): string {
  const file = path.join(tempDir(), 'tokens.csv');
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
  return file;
}

function recordingLog(): { info: string[]; warn: string[]; log: { info(m: string): void; warn(m: string): void } } {
  const info: string[] = [];
  const warn: string[] = [];
  return { info, warn, log: { info: (m) => info.push(m), warn: (m) => warn.push(m) } };
}

describe('TokenAuthenticator', () => {
  it('authenticates known tokens and nothing else', () => {
    const auth = new TokenAuthenticator(tokenFile('tok-a,alice,1,"g1,g2"\ntok-b,bob,2\n'));
    assert.equal(auth.size, 2);
    assert.deepEqual(auth.authenticate('tok-a'), { name: 'alice', uid: '1', groups: ['g1', 'g2'] });
    assert.deepEqual(auth.authenticate('tok-b'), { name: 'bob', uid: '2', groups: [] });
    for (const wrong of ['tok-c', 'tok-a ', 'TOK-A', 'tok-', '', 'alice']) assert.equal(auth.authenticate(wrong), undefined, wrong);
  });

  it('hands out users that cannot be changed', () => {
    const auth = new TokenAuthenticator(tokenFile('tok,alice,1,g1\n'));
    const user = auth.authenticate('tok')!;
    assert.throws(() => { user.groups.push('system:masters'); }, TypeError);
    assert.throws(() => { (user as { name: string }).name = 'root'; }, TypeError);
    assert.deepEqual(auth.authenticate('tok'), { name: 'alice', uid: '1', groups: ['g1'] });
  });

  it('refuses to start from a missing or invalid file', () => {
    assert.throws(() => new TokenAuthenticator(path.join(tempDir(), 'absent.csv')), { code: 'ENOENT' });
    const bad = tokenFile('tok,u\n');
    assert.throws(() => new TokenAuthenticator(bad), new RegExp(`^Error: token file ${bad}: line 1: must have at least 3 columns`));
  });

  it('picks up edits: added and revoked tokens, in-place writes and atomic replacement', () => {
    const file = tokenFile('tok-1,one,1\n');
    const { info, log } = recordingLog();
    const auth = new TokenAuthenticator(file, { recheckIntervalMs: 0, log });
    assert.equal(auth.authenticate('tok-1')?.name, 'one');

    // Same length, written in place right away: a modification-time check could miss this one.
    writeFileSync(file, 'tok-2,two,2\n');
    assert.equal(auth.authenticate('tok-1'), undefined, 'revoked');
    assert.equal(auth.authenticate('tok-2')?.name, 'two', 'added');

    const next = `${file}.new`;
    writeFileSync(next, 'tok-3,three,3\ntok-2,two,2\n', { mode: 0o600 });
    renameSync(next, file);
    assert.equal(auth.authenticate('tok-3')?.name, 'three');
    assert.equal(auth.authenticate('tok-2')?.name, 'two');
    assert.equal(auth.size, 2);
    assert.equal(info.length, 2, info.join('\n'));
    assert.ok(info.every((m) => !m.includes('tok-')), 'log lines carry no tokens');
  });

  it('keeps the last good tokens while the file is invalid or missing, and reports it once', () => {
    const file = tokenFile('tok-1,one,1\n');
    const { warn, log } = recordingLog();
    const auth = new TokenAuthenticator(file, { recheckIntervalMs: 0, log });

    writeFileSync(file, 'tok-1,one,1\ntok-1,again,2\n');
    assert.equal(auth.authenticate('tok-1')?.name, 'one');
    assert.equal(auth.authenticate('tok-1')?.name, 'one');
    assert.equal(warn.length, 1);
    assert.match(warn[0], /line 2: duplicate token .*keeping the 1 tokens loaded before/);

    rmSync(file);
    assert.equal(auth.authenticate('tok-1')?.name, 'one');
    assert.equal(auth.authenticate('tok-1')?.name, 'one');
    assert.equal(warn.length, 2);
    assert.match(warn[1], /cannot be read \(ENOENT\)/);

    writeFileSync(file, 'tok-9,nine,9\n', { mode: 0o600 });
    assert.equal(auth.authenticate('tok-1'), undefined);
    assert.equal(auth.authenticate('tok-9')?.name, 'nine');
    assert.ok(warn.every((m) => !m.includes('tok-')), 'warnings carry no tokens');
  });

  it('looks at the file at most once per interval', () => {
    const file = tokenFile('tok-1,one,1\n');
    const auth = new TokenAuthenticator(file, { recheckIntervalMs: 60_000 });
    writeFileSync(file, 'tok-2,two,2\n');
    assert.equal(auth.authenticate('tok-2'), undefined, 'not yet');
    auth.reloadIfChanged(Date.now() + 60_000);
    assert.equal(auth.authenticate('tok-2')?.name, 'two');
  });

  it('warns when the file is readable by others', () => {
    const { warn, log } = recordingLog();
    new TokenAuthenticator(tokenFile('tok,u,1\n', 0o644), { log });
    assert.equal(warn.length, 1);
    assert.match(warn[0], /mode 644.*should be 0600/);
    const quiet = recordingLog();
    new TokenAuthenticator(tokenFile('tok,u,1\n', 0o600), { log: quiet.log });
    assert.deepEqual(quiet.warn, []);
  });
});

describe('bearer token authentication', () => {
  const tokens = new TokenAuthenticator(tokenFile('good-token,alice,uid-1,"devs"\nmaster-token,root,0,"system:masters,system:authenticated"\n'));
  const request = (authorization?: string) => ({
    headers: authorization === undefined ? {} : { authorization },
    socket: new Socket(),
  });

  it('a known token is its user, plus system:authenticated', async () => {
    assert.deepEqual(await authenticateRequest(request('Bearer good-token'), { tokens }),
      { name: 'alice', uid: 'uid-1', groups: ['devs', 'system:authenticated'] });
    assert.deepEqual(await authenticateRequest(request('bearer good-token'), { tokens }),
      { name: 'alice', uid: 'uid-1', groups: ['devs', 'system:authenticated'] }, 'the scheme is case-insensitive');
  });

  it('system:authenticated is not added twice', async () => {
    assert.deepEqual(await authenticateRequest(request('Bearer master-token'), { tokens }),
      { name: 'root', uid: '0', groups: ['system:masters', 'system:authenticated'] });
  });

  it('an unknown token is invalid', async () => {
    assert.equal(await authenticateRequest(request('Bearer wrong-token'), { tokens }), 'invalid');
    assert.equal(await authenticateRequest(request('Bearer good-token'), {}), 'invalid', 'no token file configured');
  });

  it('a malformed Authorization header is invalid', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'good-token', 'Bearer good-token extra', 'Bearergood-token']) {
      assert.equal(await authenticateRequest(request(header), { tokens }), 'invalid', JSON.stringify(header));
    }
  });

  it('no credentials at all is anonymous (null); so is a blank header', async () => {
    assert.equal(await authenticateRequest(request(), { tokens }), null);
    assert.equal(await authenticateRequest(request('   '), { tokens }), null);
    assert.equal(await authenticateRequest(request(), { tokens, clientCA: true }), null, 'a plain socket carries no certificate');
  });

  it('bearerToken extracts exactly one token', () => {
    assert.equal(bearerToken('Bearer abc.def-123'), 'abc.def-123');
    assert.equal(bearerToken('  BEARER   abc  '), 'abc');
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken('Token abc'), undefined);
  });
});
