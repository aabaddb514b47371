// Request bodies, read as text for our own decoders: Fastify's JSON parser would keep the last of duplicate keys
// silently, and its schema validation would drop and coerce fields (clients.md "Fastify traps").
import type { FastifyInstance } from 'fastify';

export type BodyFormat = 'json' | 'yaml' | 'merge-patch' | 'strategic-merge-patch' | 'json-patch' | 'apply-patch';

export interface RawBody {
  format: BodyFormat;
  text: string;
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
}

export function isRawBody(body: unknown): body is RawBody {
  return typeof body === 'object' && body !== null && typeof (body as RawBody).text === 'string'
    && typeof (body as RawBody).format === 'string';
}
