// Request bodies, read as text for our own decoders: Fastify's JSON parser would keep the last of duplicate keys
// silently, and its schema validation would drop and coerce fields (clients.md "Fastify traps").
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../api/errors.ts';

export type BodyFormat = 'json' | 'yaml' | 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch' | 'protobuf';

export interface RawBody {
  format: BodyFormat;
  /** The body as text; '' for protobuf, which is binary. */
  text: string;
  /** The body's bytes, for protobuf only (decode-protobuf.ts reads the kinds clients send that way). */
  bytes?: Buffer;
}

/** kube-apiserver decodes at most 3 MiB per write (twice etcd's request limit). */
export const maxBodyBytes = 3 * 1024 * 1024;

const formats: [RegExp, BodyFormat][] = [
  [/^application\/json(\s*;.*)?$/i, 'json'],
  [/^application\/yaml(\s*;.*)?$/i, 'yaml'],
  [/^application\/merge-patch\+json(\s*;.*)?$/i, 'merge-patch'],
  [/^application\/strategic-merge-patch\+json(\s*;.*)?$/i, 'strategic-merge-patch'],
  [/^application\/json-patch\+json(\s*;.*)?$/i, 'json-patch'],
  [/^application\/apply-patch\+yaml(\s*;.*)?$/i, 'apply-patch'],
];

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  for (const [pattern, format] of formats) {
    app.addContentTypeParser(pattern, { parseAs: 'string', bodyLimit: maxBodyBytes }, (_req, text, done) => {
      done(null, { format, text: String(text) } satisfies RawBody);
    });
  }
  app.addContentTypeParser(/^application\/vnd\.kubernetes\.protobuf(\s*;.*)?$/i, { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, bytes, done) => {
    done(null, { format: 'protobuf', text: '', bytes: bytes as Buffer } satisfies RawBody);
  });
  // Fastify's catch-all also receives bodies sent without a Content-Type. kube-apiserver reads those as JSON (the
  // first serializer it supports), and kubectl relies on it: its PUT of a Scale for `scale --current-replicas`
  // carries no Content-Type. Any other unknown media type is refused.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxBodyBytes }, (req, text, done) => {
    const contentType = req.headers['content-type'];
    if (contentType !== undefined) return done(errors.unsupportedMediaType(contentType), undefined);
    done(null, { format: 'json', text: String(text) } satisfies RawBody);
  });
}

/**
 * Called for every error answer. A refused body (over 3 MiB, unreadable) is answered before it has all arrived, and
 * Fastify then asks for the connection to close while the client is still sending. Closing a socket with unread
 * input makes the kernel send a reset, so the client sees EPIPE or ECONNRESET instead of the 413. Like Go's server
 * under kube-apiserver, the apiserver lingers: the connection stays open while the rest of the body is read and
 * dropped (Node drains an unread request), for at most a second.
 */
export function lingerIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  const raw = request.raw;
  if (raw.complete) return;
  reply.removeHeader('connection');
  const timer = setTimeout(() => { if (!raw.complete) raw.socket.destroy(); }, 1000);
  timer.unref();
  raw.once('end', () => clearTimeout(timer));
}

export function isRawBody(body: unknown): body is RawBody {
  return typeof body === 'object' && body !== null && typeof (body as RawBody).text === 'string'
    && typeof (body as RawBody).format === 'string';
}
