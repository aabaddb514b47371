// Kubernetes' remote-command protocol over WebSocket (k8s.io/apimachinery wsstream + client-go's v5 executor), the
// part both ends share: every binary message starts with a channel byte. 0 stdin, 1 stdout, 2 stderr, 3 the final
// Status (v4+) as JSON, 4 terminal resize as JSON {Width,Height}; v5 adds 255, whose one payload byte names a stream
// the sender closed (how kubectl half-closes stdin when its input ends). The kubelet serves it
// (kubelet/server/stream-protocol.ts), skiffctl speaks it as a client.

export const protocolV5 = 'v5.channel.k8s.io';
export const protocolV4 = 'v4.channel.k8s.io';

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function frame(ch: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from([ch]), payload]);
}

/** The metav1.Status the v4+ protocols end with on channel 3. */
export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason: string; message: string }[] };
}
