// One forwarded local connection: a WebSocket to pods/NAME/portforward?ports=REMOTE in kube's channel protocol
// (`v4.channel.k8s.io`: every message starts with its channel, 0 data, 1 errors; the first message on each is the
// port, 2 bytes little-endian), the local bytes out as channel-0 messages, the pod's back onto the socket. What the
// kubelet writes on channel 1 is a failure (a closed pod port); it ends the connection and is reported. The framing
// is apiserver/client/port-forward-protocol.ts's, which the kubelet serves.
import type net from 'node:net';
import WebSocket from 'ws';
import { PortChannelReader, portChannels, portForwardProtocolBinary } from '../apiserver/client/port-forward-protocol.ts';
import { frame } from '../apiserver/client/remote-command-protocol.ts';
import { refusal } from './api-websocket.ts';

export const portForwardProtocol = portForwardProtocolBinary;

const dataChannel = portChannels(0).data;
/** Local reading stops while this much is waiting to go out on the WebSocket. */
const sendHighWater = 1 << 20;
/**
 * v4 has no way to pass on the local side's EOF, so after it the pod has this long to finish answering before the
 * WebSocket closes: the grace the kubelet gives the other direction once one has ended.
 */
const halfCloseGraceMs = 1000;

/** One message on the data channel. */
export function dataMessage(data: Buffer): Buffer {
  return frame(dataChannel, data);
}

export interface TunnelOptions {
  /** The accepted local connection (from a server with allowHalfOpen, so the pod's answer can follow its EOF). */
  socket: net.Socket;
  /** Opens the WebSocket for the remote port. */
  open(): WebSocket;
  /** A failure of this connection, to report (`an error occurred forwarding L -> R: <text>`). */
  onError(text: string): void;
}

export interface Tunnel {
  /** Resolves once the local connection is closed. */
  done: Promise<void>;
  /** Drops both sides now (the forwarder is stopping). */
  kill(): void;
}

/** Carries one local connection through its own WebSocket until either side ends. */
export function tunnel(o: TunnelOptions): Tunnel {
  const { socket } = o;
  socket.pause();
  const ws = o.open();
  let errorText = '';
  let refused = false;
  let grace: NodeJS.Timeout | undefined;
  const reader = new PortChannelReader();
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const closeWs = (): void => {
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
  };

  ws.on('unexpected-response', (_req, res) => {
    refused = true;
    void refusal(res).then((e) => {
      o.onError(`error upgrading connection: ${e.message.replace(/^error: /, '')}`);
      ws.terminate();
      socket.destroy();
    });
  });
  ws.on('error', (err) => {
    if (refused) return;
    // Before the upgrade this is the dial failing; after it the 'close' that follows ends the connection.
    if (ws.readyState !== WebSocket.OPEN) o.onError(`error upgrading connection: ${err.message}`);
    socket.destroy();
  });
  ws.on('open', () => {
    socket.on('data', (chunk: Buffer) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(dataMessage(chunk), () => {
        if (socket.isPaused() && ws.bufferedAmount < sendHighWater && !socket.destroyed) socket.resume();
      });
      if (ws.bufferedAmount >= sendHighWater) socket.pause();
    });
    socket.resume();
  });
  ws.on('message', (raw: Buffer) => {
    const msg = reader.receive(raw);
    if (!msg) return;
    if (msg.channel === 'error') {
      errorText += msg.data.toString('utf8');
      return;
    }
    if (!socket.write(msg.data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => {
    clearTimeout(grace);
    if (refused) return;
    if (errorText !== '') {
      o.onError(errorText);
      socket.destroy();
    } else {
      // What the pod sent is flushed, then the local side sees EOF.
      socket.end();
    }
  });

  socket.on('end', () => {
    grace ??= setTimeout(closeWs, halfCloseGraceMs);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearTimeout(grace);
    closeWs();
  });
  return {
    done,
    kill: () => {
      ws.terminate();
      socket.destroy();
    },
  };
}
