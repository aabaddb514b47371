// Kubernetes' port-forward protocol over WebSocket (the kubelet's portforward/websocket.go over wsstream), the part
// both ends share: the remote-command channel framing (remote-command-protocol.ts), subprotocol `v4.channel.k8s.io`
// (binary, the channel byte in front) or `v4.base64.channel.k8s.io` (text, the channel as an ASCII digit, then the
// bytes in base64). Port i gets data channel 2i and error channel 2i+1, and the first message on each is the port as
// 2 bytes, little-endian. The kubelet serves it (kubelet/server/port-forward-channels.ts), skiffctl speaks it as a
// client (cli/port-forward-tunnel.ts).
import { protocolV4 } from './remote-command-protocol.ts';

export const portForwardProtocolBinary = protocolV4;
export const portForwardProtocolBase64 = 'v4.base64.channel.k8s.io';

/** The channels of the i-th port in the request. */
export function portChannels(index: number): { data: number; error: number } {
  return { data: 2 * index, error: 2 * index + 1 };
}

/** The first message on a port's channels: the port, unsigned 16-bit little-endian. */
export function portPrefix(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port);
  return b;
}

/** The server's binary messages for one port (the first by default), its 2-byte announcement taken off the front of each channel. */
export class PortChannelReader {
  readonly #channels: { data: number; error: number };
  readonly #pending = new Map<number, Buffer>();
  readonly #announced = new Set<number>();

  constructor(index = 0) {
    this.#channels = portChannels(index);
  }

  /** The data in a message, with its channel; undefined while an announcement is incomplete or for other channels. */
  receive(msg: Buffer): { channel: 'data' | 'error'; data: Buffer } | undefined {
    if (msg.length === 0) return undefined;
    const ch = msg[0];
    if (ch !== this.#channels.data && ch !== this.#channels.error) return undefined;
    let data = msg.subarray(1);
    if (!this.#announced.has(ch)) {
      const have = Buffer.concat([this.#pending.get(ch) ?? Buffer.alloc(0), data]);
      if (have.length < 2) {
        this.#pending.set(ch, have);
        return undefined;
      }
      this.#announced.add(ch);
      this.#pending.delete(ch);
      data = have.subarray(2);
    }
    if (data.length === 0) return undefined;
    return { channel: ch === this.#channels.data ? 'data' : 'error', data };
  }
}
