// A minimal ustar writer: enough to hand Docker a root filesystem (directories, files, symlinks) for an image
// import, without a tar dependency or a temporary directory. Entry names are limited to 100 bytes, which the small
// images Skiff builds never approach.

export type TarEntry =
  | { type: 'directory'; name: string; mode?: number }
  | { type: 'file'; name: string; data: Buffer; mode?: number }
  | { type: 'symlink'; name: string; target: string };

const block = 512;

function octal(value: number, width: number): string {
  // width − 1 digits and a terminating NUL.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function writeField(header: Buffer, offset: number, width: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > width) throw new Error(`tar field too long: ${JSON.stringify(text)}`);
  bytes.copy(header, offset);
}

function headerFor(entry: TarEntry, size: number, mtime: number): Buffer {
  const header = Buffer.alloc(block);
  const name = entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name over 100 bytes: ${name}`);
  const mode = entry.type === 'symlink' ? 0o777 : entry.mode ?? (entry.type === 'directory' ? 0o755 : 0o644);
  writeField(header, 0, 100, name);
  writeField(header, 100, 8, octal(mode, 8));
  writeField(header, 108, 8, octal(0, 8)); // uid root
  writeField(header, 116, 8, octal(0, 8)); // gid root
  writeField(header, 124, 12, octal(size, 12));
  writeField(header, 136, 12, octal(mtime, 12));
  header.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeField(header, 156, 1, entry.type === 'directory' ? '5' : entry.type === 'symlink' ? '2' : '0');
  if (entry.type === 'symlink') writeField(header, 157, 100, entry.target);
  writeField(header, 257, 6, 'ustar\0');
  writeField(header, 263, 2, '00');
  writeField(header, 265, 32, 'root');
  writeField(header, 297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeField(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/**
 * The whole archive in memory (the images built this way are a few MiB). A fixed mtime makes the same entries give
 * the same bytes, so images built from one root fs share one layer on disk.
 */
export function tarArchive(entries: TarEntry[], mtime = 0): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.type === 'file' ? entry.data : Buffer.alloc(0);
    parts.push(headerFor(entry, data.length, mtime));
    if (data.length > 0) {
      parts.push(data);
      const padding = (block - (data.length % block)) % block;
      if (padding > 0) parts.push(Buffer.alloc(padding));
    }
  }
  parts.push(Buffer.alloc(block * 2)); // end-of-archive marker
  return Buffer.concat(parts);
}
