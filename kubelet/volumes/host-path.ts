// hostPath `type` checks and creation, as kube's hostPath volume plugin does them.
import { chmod, mkdir, open, stat } from 'node:fs/promises';

function notA(p: string, what: string): string {
  return `hostPath type check failed: ${p} is not ${what}`;
}

export async function checkHostPathType(p: string, type: string): Promise<void> {
  const st = await stat(p).catch(() => undefined);
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) {
        await mkdir(p, { recursive: true, mode: 0o755 });
        await chmod(p, 0o755);
        return;
      }
      if (!st.isDirectory()) throw new Error(notA(p, 'a directory'));
      return;
    case 'FileOrCreate':
      if (!st) {
        await (await open(p, 'a', 0o644)).close();
        return;
      }
      if (!st.isFile()) throw new Error(notA(p, 'a file'));
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw new Error(notA(p, 'a directory'));
      return;
    case 'File':
      if (!st?.isFile()) throw new Error(notA(p, 'a file'));
      return;
    case 'Socket':
      if (!st?.isSocket()) throw new Error(notA(p, 'a socket file'));
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw new Error(notA(p, 'a character device'));
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw new Error(notA(p, 'a block device'));
      return;
    default:
      throw new Error(`hostPath type ${JSON.stringify(type)} is not supported`);
  }
}
