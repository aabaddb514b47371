// What the host is, as a Node reports it: CPUs, memory, disk, OS, kernel, machine and boot ids, addresses.
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';

export interface HostInfo {
  cpus: number;
  memoryBytes: number;
  /** The filesystem holding the kubelet's root dir: ephemeral-storage capacity and what is free. */
  diskBytes: number;
  diskAvailableBytes: number;
  memoryAvailableBytes: number;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
  machineID: string;
  bootID: string;
  hostname: string;
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const release = readTrimmed('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release);
  return pretty?.[1] ?? `${os.type()} ${os.release()}`;
}

// Node reports x64/arm64; Kubernetes (GOARCH) says amd64/arm64.
const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

/** MemAvailable from /proc/meminfo: what the kernel could give without swapping (the kubelet's memory.available). */
function memoryAvailable(): number {
  const meminfo = readTrimmed('/proc/meminfo');
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  return m ? Number(m[1]) * 1024 : os.freemem();
}

export function readHostInfo(rootDir: string): HostInfo {
  let diskBytes = 0;
  let diskAvailableBytes = 0;
  try {
    const fsStats = statfsSync(rootDir);
    diskBytes = fsStats.bsize * fsStats.blocks;
    diskAvailableBytes = fsStats.bsize * fsStats.bavail;
  } catch {
    // The root dir may not exist yet on first start; capacity is then read again at the next status update.
  }
  return {
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    memoryAvailableBytes: memoryAvailable(),
    diskBytes,
    diskAvailableBytes,
    kernelVersion: os.release(),
    osImage: osImage(),
    operatingSystem: os.platform(),
    architecture: goArch[os.arch()] ?? os.arch(),
    machineID: readTrimmed('/etc/machine-id'),
    bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
    hostname: os.hostname(),
  };
}

/** The first non-internal IPv4 address: the node's InternalIP unless --node-ip says otherwise. */
export function defaultNodeIP(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
