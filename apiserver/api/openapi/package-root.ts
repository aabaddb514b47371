// Finds Skiff's package root from any module inside it, so generated files resolve the same way whether the code
// runs from source (tsx) or from the tsc build under dist/.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageName = 'skiff';

/** Walks up from `fromUrl` (an import.meta.url) to the directory whose package.json is Skiff's. */
export function packageRoot(fromUrl: string): string {
  let directory = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const manifest = path.join(directory, 'package.json');
    if (existsSync(manifest) && readName(manifest) === packageName) return directory;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`no package.json named "${packageName}" above ${fileURLToPath(fromUrl)}`);
    directory = parent;
  }
}

function readName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed && typeof parsed.name === 'string'
      ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

/** Where the generator writes the definitions and the server reads them. */
export function definitionsFile(root: string): string {
  return path.join(root, 'apiserver', 'api', 'generated', 'definitions.json');
}
