// Shared set-up for the runtime end-to-end tests: a labelled runtime, a private bridge network on a random subnet,
// pod-shaped sandbox/container configs, and condition waits. Everything created carries the file's test label and
// is removed by `cleanup()` (called from after()).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { DockerRuntime } from '../../../kubelet/runtime/docker-runtime.ts';
import { containerLabels, containerName, sandboxLabels, sandboxName, type PodRef } from '../../../kubelet/runtime/naming.ts';
import type { ContainerConfig, SandboxConfig } from '../../../kubelet/runtime/runtime.ts';
import { newTestLabel, removeLabelled } from '../../helpers/docker-cleanup.ts';
import { ensureTestImages, testRuntime } from '../../helpers/images.ts';

export interface Fixture {
  runtime: DockerRuntime;
  docker: Docker;
  label: Record<string, string>;
  nodeName: string;
  pauseImage: string;
  busyboxImage: string;
  /** Creates (once) a bridge network for this file's pods; returns its name and a /24 subnet prefix (`10.213.7.`). */
  network(): Promise<{ name: string; prefix: string }>;
  /** A host directory removed at cleanup (an emptyDir's backing directory). */
  tempDir(): Promise<string>;
  newPod(name?: string): PodRef;
  sandboxConfig(pod: PodRef, over?: Partial<SandboxConfig>): SandboxConfig;
  containerConfig(pod: PodRef, container: string, sandboxId: string, over?: Partial<ContainerConfig>): ContainerConfig;
  cleanup(): Promise<void>;
}

export async function createFixture(name: string): Promise<Fixture> {
  const runtime = testRuntime();
  const { pause, busybox } = await ensureTestImages(runtime);
  const docker = new Docker({ socketPath: runtime.socketPath });
  const label = newTestLabel(name);
  const nodeName = `e2e-${label['skiff.test']}`;
  const dirs: string[] = [];
  let net: Promise<{ name: string; prefix: string }> | undefined;

  const createNetwork = async (): Promise<{ name: string; prefix: string }> => {
    const netName = `skiff-e2e-${randomBytes(4).toString('hex')}`;
    for (let attempt = 0; ; attempt++) {
      const third = 1 + Math.floor(Math.random() * 254);
      const prefix = `10.213.${third}.`;
      try {
        await docker.createNetwork({
          Name: netName, Driver: 'bridge', Labels: label,
          IPAM: { Config: [{ Subnet: `${prefix}0/24`, Gateway: `${prefix}1` }] },
        });
        return { name: netName, prefix };
      } catch (err) {
        // Another network (another test run) holds that subnet: pick again.
        if (attempt < 20 && /overlap/i.test(String(err))) continue;
        throw err;
      }
    }
  };

  return {
    runtime, docker, label, nodeName, pauseImage: pause, busyboxImage: busybox,
    network: () => (net ??= createNetwork()),
    tempDir: async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-e2e-'));
      dirs.push(dir);
      return dir;
    },
    newPod: (podName = `pod-${randomBytes(3).toString('hex')}`) => ({ name: podName, namespace: 'e2e', uid: randomUUID() }),
    sandboxConfig: (pod, over = {}) => ({
      name: sandboxName(pod, 0),
      image: pause,
      hostname: pod.name,
      portMappings: [],
      network: { mode: 'network', network: 'bridge' },
      labels: { ...sandboxLabels({ pod, attempt: 0, nodeName }), ...label },
      ...over,
    }),
    containerConfig: (pod, container, sandboxId, over = {}) => ({
      name: containerName(pod, container, 0),
      image: busybox,
      sandboxId,
      pidNamespace: 'container',
      env: [],
      mounts: [],
      labels: {
        ...containerLabels({ pod, containerName: container, restartCount: 0, nodeName, sandboxId, specHash: 'test' }),
        ...label,
      },
      ...over,
    }),
    cleanup: async () => {
      try {
        await removeLabelled(label);
      } finally {
        await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
      }
    },
  };
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readText(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
