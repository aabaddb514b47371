// /version. Skiff serves the API of Kubernetes 1.31 (the object model of kubernetes-types 1.30 plus the
// behaviour kubectl 1.32 expects), so kubectl's version-skew check stays quiet.
import { readFileSync } from 'node:fs';
import { packageRoot } from '../api/openapi/package-root.ts';

let cached: Record<string, string> | undefined;

export function skiffVersion(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot(import.meta.url)}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

export function versionInfo(): Record<string, string> {
  cached ??= {
    major: '1',
    minor: '31',
    gitVersion: `v1.31.0+skiff-${skiffVersion()}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '',
    goVersion: `node ${process.version}`,
    compiler: 'skiff',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
  return cached;
}
