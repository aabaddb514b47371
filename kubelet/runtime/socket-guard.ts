// Whoever reaches the Docker socket controls the host, so no pod may get it mounted, whatever the API let through
// (Pod Security would already refuse the hostPath; this is the node's own last check). A bind of the socket itself
// or of any directory above it (/var/run, /run, /) exposes it.
import path from 'node:path';

/** True when bind-mounting `hostPath` would put `protectedPath` inside the container. Both must be real paths. */
export function bindExposes(hostPath: string, protectedPath: string): boolean {
  const source = path.resolve(hostPath);
  const target = path.resolve(protectedPath);
  if (source === target) return true;
  const prefix = source.endsWith(path.sep) ? source : `${source}${path.sep}`;
  return target.startsWith(prefix);
}
