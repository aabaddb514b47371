// A watch response is a chunked stream of JSON objects, one per line. Chunks split lines (and multi-byte UTF-8
// characters) anywhere, so bytes are decoded with a StringDecoder and lines are only cut at '\n'.
import { StringDecoder } from 'node:string_decoder';
import type { WatchEventType } from '../api/types.ts';

export interface RawWatchEvent {
  type: WatchEventType;
  object: unknown;
}

const eventTypes = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds a chunk; returns the complete lines it finished (without their line ends). */
  push(chunk: Buffer | string): string[] {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** At end of stream: the last line, when the server did not end it with '\n'. */
  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.trim() ? [rest] : [];
  }
}

/**
 * Parses one line into an event, or explains why it is not one. Blank lines are keep-alives. Like client-node, a
 * caller drops lines it cannot parse instead of failing the whole watch.
 */
export function parseWatchLine(line: string): RawWatchEvent | { error: string } | undefined {
  if (!line.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { error: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { error: 'not an object' };
  const { type, object } = parsed as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || !eventTypes.has(type)) return { error: `unknown event type ${JSON.stringify(type)}` };
  if (typeof object !== 'object' || object === null) return { error: 'event without an object' };
  return { type: type as WatchEventType, object };
}
