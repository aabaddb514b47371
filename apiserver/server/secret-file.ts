// Writing keys, tokens and certificates so that no reader ever sees a half-written file and a secret is never,
// even for a moment, readable by anyone but its owner.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `content` to `target` through a temporary file in the same directory and a rename, so the file is
 * replaced in one step (a crash leaves the old file or the new one, never a torn one). The temporary file is
 * created with `mode` already set, so there is no window in which a secret has the umask's wider permissions.
 */
export async function writeFileAtomic(target: string, content: string | Uint8Array, mode: number): Promise<void> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse something already at the temporary name.
  const handle = await open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(content);
      // open()'s mode is filtered by the umask; set it exactly (a 0644 certificate under umask 077 stays 0644).
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable, so a key and its certificate written one after the other survive a power
  // cut together rather than one of them reverting.
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Private keys and tokens: owner read/write only (0600), replaced atomically. */
export async function writeSecretFile(target: string, content: string | Uint8Array): Promise<void> {
  await writeFileAtomic(target, content, 0o600);
}

/** Certificates are public: 0644, replaced atomically. */
export async function writePublicFile(target: string, content: string | Uint8Array): Promise<void> {
  await writeFileAtomic(target, content, 0o644);
}
