import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  containerCreateOptions, dockerEnv, dockerUser, sandboxCreateOptions,
} from '../../../kubelet/runtime/docker-create-options.ts';
import type { ContainerConfig, SandboxConfig } from '../../../kubelet/runtime/runtime.ts';

const sandbox = (over: Partial<SandboxConfig> = {}): SandboxConfig => ({
  name: 'k8s_POD_p_ns_uid_0', image: 'skiff.local/pause:3.9', hostname: 'p', portMappings: [],
  network: { mode: 'network', network: 'skiff' }, labels: { a: 'b' }, ...over,
});

const ctr = (over: Partial<ContainerConfig> = {}): ContainerConfig => ({
  name: 'k8s_c_p_ns_uid_0', image: 'busybox', sandboxId: 'sb1', pidNamespace: 'container', env: [], mounts: [],
  labels: {}, ...over,
});

describe('sandbox create options', () => {
  test('a pod on a Docker network: hostname, shareable IPC, no restart, rotated logs', () => {
    const o = sandboxCreateOptions(sandbox({ resources: { cpuShares: 2, oomScoreAdj: -998 } }));
    assert.equal(o.name, 'k8s_POD_p_ns_uid_0');
    assert.equal(o.Image, 'skiff.local/pause:3.9');
    assert.equal(o.Hostname, 'p');
    assert.deepEqual(o.Labels, { a: 'b' });
    assert.equal(o.HostConfig?.NetworkMode, 'skiff');
    assert.equal(o.HostConfig?.IpcMode, 'shareable');
    assert.equal(o.HostConfig?.PidMode, undefined);
    assert.deepEqual(o.HostConfig?.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
    assert.deepEqual(o.HostConfig?.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } });
    assert.equal(o.HostConfig?.CpuShares, 2);
    assert.equal(o.HostConfig?.OomScoreAdj, -998);
    assert.equal(o.NetworkingConfig, undefined);
  });

  test('a fixed pod IP goes to the endpoint IPAM config', () => {
    const o = sandboxCreateOptions(sandbox({ network: { mode: 'network', network: 'skiff', ip: '10.244.1.5' } }));
    assert.deepEqual(o.NetworkingConfig, { EndpointsConfig: { skiff: { IPAMConfig: { IPv4Address: '10.244.1.5' } } } });
  });

  test('hostPorts become exposed ports and bindings, several host ports per container port allowed', () => {
    const o = sandboxCreateOptions(sandbox({
      portMappings: [
        { containerPort: 80, hostPort: 8080, protocol: 'TCP' },
        { containerPort: 80, hostPort: 8081, protocol: 'TCP', hostIP: '127.0.0.1' },
        { containerPort: 53, hostPort: 5353, protocol: 'UDP' },
      ],
    }));
    assert.deepEqual(o.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
    assert.deepEqual(o.HostConfig?.PortBindings, {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '8081' }],
      '53/udp': [{ HostIp: '', HostPort: '5353' }],
    });
  });

  test('host network: the node\'s network and hostname, no port bindings, no pod hostname', () => {
    const o = sandboxCreateOptions(sandbox({
      network: { mode: 'host' }, portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }],
    }));
    assert.equal(o.HostConfig?.NetworkMode, 'host');
    assert.equal(o.HostConfig?.UTSMode, 'host');
    assert.equal(o.Hostname, undefined);
    assert.equal(o.HostConfig?.PortBindings, undefined);
    assert.equal(o.ExposedPorts, undefined);
  });

  test('hostIPC, hostPID, hostAliases, sysctls, FQDN', () => {
    const o = sandboxCreateOptions(sandbox({
      hostIpc: true, hostPid: true, domainname: 'sub.ns.svc.cluster.local',
      extraHosts: [{ ip: '10.0.0.1', hostnames: ['foo', 'foo.local'] }], sysctls: { 'net.core.somaxconn': '1024' },
    }));
    assert.equal(o.HostConfig?.IpcMode, 'host');
    assert.equal(o.HostConfig?.PidMode, 'host');
    assert.equal(o.Domainname, 'sub.ns.svc.cluster.local');
    assert.deepEqual(o.HostConfig?.ExtraHosts, ['foo:10.0.0.1', 'foo.local:10.0.0.1']);
    assert.deepEqual(o.HostConfig?.Sysctls, { 'net.core.somaxconn': '1024' });
  });
});

describe('container create options', () => {
  test('joins the sandbox\'s network and IPC namespaces, and sets no hostname of its own', () => {
    const o = containerCreateOptions(ctr());
    assert.equal(o.HostConfig?.NetworkMode, 'container:sb1');
    assert.equal(o.HostConfig?.IpcMode, 'container:sb1');
    assert.equal(o.HostConfig?.PidMode, undefined);
    assert.equal(o.Hostname, undefined);
    assert.equal(o.HostConfig?.PortBindings, undefined);
  });

  test('PID namespace: the pod\'s with shareProcessNamespace, the node\'s with hostPID', () => {
    assert.equal(containerCreateOptions(ctr({ pidNamespace: 'pod' })).HostConfig?.PidMode, 'container:sb1');
    assert.equal(containerCreateOptions(ctr({ pidNamespace: 'host' })).HostConfig?.PidMode, 'host');
    assert.equal(containerCreateOptions(ctr({ hostIpc: true })).HostConfig?.IpcMode, 'host');
  });

  test('command replaces the entrypoint, args the cmd; empty lists mean unset', () => {
    const both = containerCreateOptions(ctr({ command: ['/bin/sh', '-c'], args: ['echo hi'] }));
    assert.deepEqual([both.Entrypoint, both.Cmd], [['/bin/sh', '-c'], ['echo hi']]);
    const argsOnly = containerCreateOptions(ctr({ args: ['-v'] }));
    assert.deepEqual([argsOnly.Entrypoint, argsOnly.Cmd], [undefined, ['-v']]);
    const empty = containerCreateOptions(ctr({ command: [], args: [] }));
    assert.deepEqual([empty.Entrypoint, empty.Cmd], [undefined, undefined]);
  });

  test('env, working dir, user and groups, stdin/tty, stop signal', () => {
    const o = containerCreateOptions(ctr({
      env: [{ name: 'A', value: '1' }, { name: 'B', value: 'x=y' }], workingDir: '/work', user: 1000, group: 2000,
      supplementalGroups: [3000, 4000], tty: true, stdin: true, stdinOnce: true, stopSignal: 'SIGQUIT',
    }));
    assert.deepEqual(o.Env, ['A=1', 'B=x=y']);
    assert.equal(o.WorkingDir, '/work');
    assert.equal(o.User, '1000:2000');
    assert.deepEqual(o.HostConfig?.GroupAdd, ['3000', '4000']);
    assert.deepEqual([o.Tty, o.OpenStdin, o.StdinOnce], [true, true, true]);
    assert.equal(o.StopSignal, 'SIGQUIT');
  });

  test('security settings', () => {
    const o = containerCreateOptions(ctr({
      readOnlyRootfs: true, privileged: false, capAdd: ['NET_ADMIN'], capDrop: ['ALL'], noNewPrivileges: true,
    }));
    assert.equal(o.HostConfig?.ReadonlyRootfs, true);
    assert.equal(o.HostConfig?.Privileged, false);
    assert.deepEqual(o.HostConfig?.CapAdd, ['NET_ADMIN']);
    assert.deepEqual(o.HostConfig?.CapDrop, ['ALL']);
    assert.deepEqual(o.HostConfig?.SecurityOpt, ['no-new-privileges']);
    const plain = containerCreateOptions(ctr({ capAdd: [] }));
    assert.equal(plain.HostConfig?.CapAdd, undefined);
    assert.equal(plain.HostConfig?.SecurityOpt, undefined);
  });

  test('resources map to Docker\'s cgroup fields; swap held to the memory limit', () => {
    const o = containerCreateOptions(ctr({
      resources: { cpuShares: 256, cpuQuota: 50_000, cpuPeriod: 100_000, memoryLimitBytes: 134_217_728, oomScoreAdj: 500 },
    }));
    const h = o.HostConfig;
    assert.deepEqual(
      [h?.CpuShares, h?.CpuQuota, h?.CpuPeriod, h?.Memory, h?.MemorySwap, h?.OomScoreAdj],
      [256, 50_000, 100_000, 134_217_728, 134_217_728, 500],
    );
    const unlimited = containerCreateOptions(ctr({ resources: { cpuShares: 2, cpuQuota: 0, cpuPeriod: 100_000 } })).HostConfig;
    assert.equal(unlimited?.CpuQuota, undefined);
    assert.equal(unlimited?.Memory, undefined);
  });

  test('mounts are structured (no host:ctr:ro strings), with propagation and tmpfs size', () => {
    const o = containerCreateOptions(ctr({
      mounts: [
        { type: 'bind', hostPath: '/var/lib/skiff/pods/u/volumes/data', containerPath: '/data', readOnly: false },
        { type: 'bind', hostPath: '/odd:path', containerPath: '/etc/config', readOnly: true, propagation: 'rslave' },
        { type: 'tmpfs', containerPath: '/cache', sizeBytes: 64 * 1024 * 1024 },
        { type: 'tmpfs', containerPath: '/scratch' },
      ],
    }));
    assert.equal(o.HostConfig?.Binds, undefined);
    assert.deepEqual(o.HostConfig?.Mounts, [
      { Type: 'bind', Source: '/var/lib/skiff/pods/u/volumes/data', Target: '/data', ReadOnly: false },
      { Type: 'bind', Source: '/odd:path', Target: '/etc/config', ReadOnly: true, BindOptions: { Propagation: 'rslave' } },
      { Type: 'tmpfs', Source: '', Target: '/cache', ReadOnly: false, TmpfsOptions: { SizeBytes: 67_108_864, Mode: 0o1777 } },
      { Type: 'tmpfs', Source: '', Target: '/scratch', ReadOnly: false },
    ]);
  });
});

describe('helpers', () => {
  test('docker user', () => {
    assert.equal(dockerUser(undefined, undefined), undefined);
    assert.equal(dockerUser(0, undefined), '0');
    assert.equal(dockerUser('nobody', 65534), 'nobody:65534');
    assert.throws(() => dockerUser(undefined, 1000), /runAsGroup is specified without a runAsUser/);
  });

  test('env: a repeated name keeps its last value at its first position', () => {
    assert.deepEqual(dockerEnv([
      { name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'A', value: '3' }, { name: 'E', value: '' },
    ]), ['A=3', 'B=2', 'E=']);
  });
});
