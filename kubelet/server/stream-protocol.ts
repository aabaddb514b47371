// The kubelet's side of the remote-command protocol over WebSocket (the framing itself, shared with clients, is in
// apiserver/client/remote-command-protocol.ts): which subprotocol it answers with, what a client message means, the
// streams a request asks for, and the Status it ends with.
import { channel, protocolV4, protocolV5, type StreamStatus } from '../../apiserver/client/remote-command-protocol.ts';

export { channel, frame, protocolV4, protocolV5, type StreamStatus } from '../../apiserver/client/remote-command-protocol.ts';

/** In the kubelet's order of preference. */
export const supportedProtocols = [protocolV5, protocolV4];

export type ClientMessage =
  | { type: 'stdin'; data: Buffer }
  | { type: 'resize'; cols: number; rows: number }
  /** v5: the client will send no more on this channel (stdin's EOF). */
  | { type: 'close'; channel: number }
  | { type: 'ignored' };

/** Reads one message from the client; resize payloads that are not `{Width,Height}` numbers are ignored. */
export function parseClientMessage(msg: Buffer, protocol: string): ClientMessage {
  if (msg.length === 0) return { type: 'ignored' };
  const ch = msg[0];
  const data = msg.subarray(1);
  if (ch === channel.stdin) return { type: 'stdin', data };
  if (ch === channel.resize) {
    try {
      const size = JSON.parse(data.toString('utf8')) as { Width?: unknown; Height?: unknown };
      if (typeof size.Width === 'number' && typeof size.Height === 'number' && size.Width >= 0 && size.Height >= 0) {
        return { type: 'resize', cols: size.Width, rows: size.Height };
      }
    } catch {
      // A malformed resize is dropped, as the kubelet's resize decoder does.
    }
    return { type: 'ignored' };
  }
  if (ch === channel.close && protocol === protocolV5 && data.length >= 1) return { type: 'close', channel: data[0] };
  return { type: 'ignored' };
}

/** The subprotocol the kubelet answers with: the first of ours the client offers, in our order. */
export function chooseProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return supportedProtocols.find((p) => set.has(p));
}

export interface StreamOptions {
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Go's strconv.ParseBool, which the kubelet uses on these flags ("1", "t", "true", ...). */
function parseBool(value: string | null): boolean {
  return value !== null && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}

/**
 * The streams an exec or attach asks for. The apiserver sends kube's own names (input, output, error); the
 * PodExecOptions names (stdin, stdout, stderr) are accepted too, for clients that call the kubelet directly.
 * A TTY merges stderr into stdout, so asking for both leaves stderr off, as the kubelet does.
 */
export function parseStreamOptions(q: URLSearchParams): StreamOptions | { error: string } {
  const flag = (kube: string, alt: string): boolean => parseBool(q.get(kube)) || parseBool(q.get(alt));
  const tty = parseBool(q.get('tty'));
  const opts: StreamOptions = {
    command: q.getAll('command'),
    stdin: flag('input', 'stdin'),
    stdout: flag('output', 'stdout'),
    stderr: flag('error', 'stderr') && !tty,
    tty,
  };
  if (!opts.stdin && !opts.stdout && !opts.stderr && !(tty && flag('error', 'stderr'))) {
    return { error: 'you must specify at least 1 of stdin, stdout, stderr' };
  }
  return opts;
}

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** kubectl exits with the ExitCode cause's number (`kubectl exec ... -- sh -c 'exit 3'` exits 3). */
export function exitCodeStatus(code: number): StreamStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command in container: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message };
}
