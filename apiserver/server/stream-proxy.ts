// pods/exec, pods/attach and pods/portforward: as kube-apiserver's ExecLocation/AttachLocation/PortForwardLocation
// and its upgrade-aware proxy do, find the pod's node (and container), then forward the client's upgrade request
// to the kubelet (authenticated with the apiserver's kubelet client certificate) and, once the kubelet switches
// protocols, splice the two connections. The bytes are passed through untouched, so the framing and subprotocol
// are the client's and kubelet's (for port-forward, SPDY inside a WebSocket or a plain SPDY upgrade).
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, errors, type StatusReason } from '../api/errors.ts';
import type { Node, Pod, StoredObject } from '../api/types.ts';
import { kubeletAddress, kubeletRequestOptions, logContainer, type KubeletClientConfig } from './kubelet-proxy.ts';
import type { PendingUpgrade } from './upgrade-routing.ts';

export type StreamVerb = 'exec' | 'attach' | 'portforward';

/** Query-string booleans as kube converts them: present and not "false"/"0" means true. */
function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v.toLowerCase() !== 'false' && v !== '0';
}

/**
 * The kubelet path for a PodExecOptions / PodAttachOptions query, with kube's parameter names for the kubelet
 * (input, output, error, tty, command).
 */
export function kubeletStreamPath(verb: Exclude<StreamVerb, 'portforward'>, namespace: string, pod: string, container: string, q: URLSearchParams): string {
  const stdin = flag(q, 'stdin');
  const stdout = flag(q, 'stdout');
  const stderr = flag(q, 'stderr');
  const tty = flag(q, 'tty');
  if (!stdin && !stdout && !stderr) throw errors.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const params = new URLSearchParams();
  if (verb === 'exec') {
    const command = q.getAll('command');
    if (command.length === 0) throw errors.badRequest('you must specify at least one command for the container');
    for (const c of command) params.append('command', c);
  }
  if (stdin) params.set('input', '1');
  if (stdout) params.set('output', '1');
  if (stderr) params.set('error', '1');
  if (tty) params.set('tty', '1');
  return `/${verb}/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}?${params}`;
}

/**
 * The kubelet path for a PodPortForwardOptions query: the pod alone (kubectl names the ports inside the stream);
 * `ports` is passed on when a client gives it, as kube's streamParams does.
 */
export function kubeletPortForwardPath(namespace: string, pod: string, q: URLSearchParams): string {
  const params = new URLSearchParams();
  for (const port of q.getAll('ports')) params.append('ports', port);
  const query = params.size > 0 ? `?${params}` : '';
  return `/portForward/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}${query}`;
}

/** Headers the kubelet needs to accept the same upgrade the client asked for. */
const forwardedHeaders = ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'x-stream-protocol-version'];

/** Turns a kubelet's refusal into the Status the client sees. */
export function kubeletRefusal(code: number, text: string): ApiError {
  const message = text.trim() || `the kubelet answered ${code}`;
  const reasons: Record<number, StatusReason> = { 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' };
  return new ApiError(code >= 400 && code < 600 ? code : 502, reasons[code] ?? 'InternalError', message);
}

export async function proxyPodStream(
  getObject: (plural: 'pods' | 'nodes', namespace: string, name: string) => Promise<StoredObject>,
  config: KubeletClientConfig, verb: StreamVerb, namespace: string, name: string, q: URLSearchParams,
  req: IncomingMessage, takeUpgrade: () => PendingUpgrade | undefined,
): Promise<void> {
  const pod = await getObject('pods', namespace, name) as StoredObject & Pod;
  const container = verb === 'portforward' ? '' : logContainer(pod, name, q.get('container') ?? undefined);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const path = verb === 'portforward'
    ? kubeletPortForwardPath(namespace, name, q)
    : kubeletStreamPath(verb, namespace, name, container, q);
  if (!req.headers.upgrade) throw errors.badRequest('Upgrade request required');
  const node = await getObject('nodes', '', nodeName) as StoredObject & Node;
  const { host, port } = kubeletAddress(node, config.preferredAddressTypes);

  const headers: Record<string, string> = {};
  for (const h of forwardedHeaders) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  const { response, socket: kubelet, head: kubeletHead } = await new Promise<{ response: IncomingMessage; socket: Duplex; head: Buffer }>((resolve, reject) => {
    const upstream = https.request({
      ...kubeletRequestOptions(config, host, port), path, method: 'GET', headers, agent: false,
      timeout: 30_000,
    });
    upstream.once('upgrade', (response, socket, head) => {
      // The dial timeout is not an idle timeout: an exec shell may sit quiet for hours.
      socket.setTimeout(0);
      resolve({ response, socket, head });
    });
    upstream.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { if (text.length < 4096) text += chunk; });
      response.on('end', () => reject(kubeletRefusal(response.statusCode ?? 502, text)));
      response.on('error', () => reject(kubeletRefusal(response.statusCode ?? 502, text)));
    });
    upstream.once('timeout', () => upstream.destroy(new Error('timed out waiting for the kubelet')));
    upstream.once('error', (e) => reject(errors.internal(`error dialing backend: ${e.message}`)));
    upstream.end();
  });

  const client = takeUpgrade();
  if (!client) {
    kubelet.destroy();
    throw errors.internal('the connection cannot be upgraded');
  }
  // The kubelet's 101 goes to the client as it came (subprotocol, Sec-WebSocket-Accept), then bytes both ways.
  const lines = [`HTTP/1.1 101 ${response.statusMessage || 'Switching Protocols'}`];
  for (let i = 0; i < response.rawHeaders.length; i += 2) lines.push(`${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
  client.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (kubeletHead.length > 0) client.socket.write(kubeletHead);
  if (client.head.length > 0) kubelet.write(client.head);
  await splice(client.socket, kubelet);
}

/** Pipes two connections into each other until either ends; then both are closed. */
function splice(a: Duplex, b: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      a.destroy();
      b.destroy();
      resolve();
    };
    a.pipe(b);
    b.pipe(a);
    for (const s of [a, b]) {
      s.once('close', finish);
      s.once('error', finish);
      s.once('end', () => setTimeout(finish, 1000).unref());
    }
  });
}
