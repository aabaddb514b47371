import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../apiserver/api/errors.ts';
import { kubeletPortForwardPath, kubeletRefusal, kubeletStreamPath } from '../../../apiserver/server/stream-proxy.ts';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

describe('kubeletStreamPath', () => {
  it('passes the command and turns the stream flags into kube\'s kubelet parameters', () => {
    assert.equal(kubeletStreamPath('exec', 'default', 'web', 'app', q('command=sh&command=-c&command=echo%20hi&stdin=true&stdout=true&tty=true&container=app')),
      '/exec/default/web/app?command=sh&command=-c&command=echo+hi&input=1&output=1&tty=1');
    assert.equal(kubeletStreamPath('attach', 'ns', 'p', 'c', q('stdout=1&stderr=true&stdin=false')), '/attach/ns/p/c?output=1&error=1');
  });

  it('refuses requests kube-apiserver refuses', () => {
    assert.throws(() => kubeletStreamPath('exec', 'ns', 'p', 'c', q('command=ls&stdin=false')),
      (e: ApiError) => e.code === 400 && e.message === 'you must specify at least 1 of stdin, stdout, stderr');
    assert.throws(() => kubeletStreamPath('exec', 'ns', 'p', 'c', q('stdout=true')), (e: ApiError) => e.code === 400);
  });
});

describe('kubeletPortForwardPath', () => {
  it('names the pod alone, passing on ports when a client gives them', () => {
    assert.equal(kubeletPortForwardPath('default', 'web', q('')), '/portForward/default/web');
    assert.equal(kubeletPortForwardPath('ns', 'p', q('ports=8080&ports=9090&container=x')), '/portForward/ns/p?ports=8080&ports=9090');
  });
});

describe('kubeletRefusal', () => {
  it('keeps the kubelet\'s code and text', () => {
    const e = kubeletRefusal(404, 'container not found ("app")\n');
    assert.equal(e.status.code, 404);
    assert.equal(e.status.reason, 'NotFound');
    assert.equal(e.status.message, 'container not found ("app")');
    assert.equal(kubeletRefusal(500, '').status.message, 'the kubelet answered 500');
  });
});
