// Plain-text answers, on a normal response or on a raw socket whose upgrade we refuse.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Refuses an upgrade request with an ordinary HTTP answer and closes the connection. */
export function refuseUpgrade(socket: Duplex, code: number, text: string): void {
  const body = Buffer.from(`${text}\n`, 'utf8');
  socket.end(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n`
    + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.toString('utf8')}`);
}
