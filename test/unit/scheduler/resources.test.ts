import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container } from '../../../apiserver/api/types.ts';
import { podInfoOf } from '../../../scheduler/framework/pod-info.ts';
import { isScalarResourceName, nodeAllocatable, nonZeroRequests, podRequests } from '../../../scheduler/framework/resources.ts';
import { makeNode, makePod } from './fixtures.ts';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

function container(name: string, requests: Record<string, string> | undefined, sidecar = false): Container {
  return { name, image: 'busybox', resources: requests ? { requests } : undefined, restartPolicy: sidecar ? 'Always' : undefined };
}

describe('podRequests', () => {
  it('sums app containers', () => {
    const pod = makePod('p', { cpu: '250m', memory: '64Mi' });
    pod.spec!.containers.push(container('b', { cpu: '1', memory: '1Gi' }));
    assert.deepEqual(podRequests(pod), { milliCPU: 1250, memory: Gi + 64 * Mi, ephemeralStorage: 0, scalar: new Map() });
  });

  it('takes the largest init container when it exceeds the app containers (kube\'s own example: 3 CPU, 3G)', () => {
    const pod = makePod('p', {
      initContainers: [container('ic1', { cpu: '2', memory: '1G' }), container('ic2', { cpu: '2', memory: '3G' })],
    });
    pod.spec!.containers = [container('c1', { cpu: '2', memory: '1G' }), container('c2', { cpu: '1', memory: '1G' })];
    const r = podRequests(pod);
    assert.equal(r.milliCPU, 3000);
    assert.equal(r.memory, 3_000_000_000);
  });

  it('counts a sidecar with the app containers and under every init container after it', () => {
    const pod = makePod('p', {
      initContainers: [
        container('init-before', { cpu: '500m' }),
        container('sidecar', { cpu: '200m', memory: '100Mi' }, true),
        container('init-after', { cpu: '1' }),
      ],
    });
    pod.spec!.containers = [container('app', { cpu: '300m', memory: '50Mi' })];
    const r = podRequests(pod);
    // App phase: 300m + sidecar 200m = 500m; init-after runs beside the sidecar: 1000m + 200m = 1200m.
    assert.equal(r.milliCPU, 1200);
    assert.equal(r.memory, 150 * Mi);
  });

  it('adds the pod overhead', () => {
    const pod = makePod('p', { cpu: '100m' });
    pod.spec!.overhead = { cpu: '50m', memory: '10Mi' };
    assert.equal(podRequests(pod).milliCPU, 150);
    assert.equal(podRequests(pod).memory, 10 * Mi);
  });

  it('sums exactly before rounding, as kube sums Quantities', () => {
    const pod = makePod('p', { cpu: '0.5m' });
    pod.spec!.containers.push(container('b', { cpu: '0.5m' }));
    assert.equal(podRequests(pod).milliCPU, 1);
  });

  it('keeps extended resources and drops the ones the scheduler does not track', () => {
    const pod = makePod('p', { requests: { 'nvidia.com/gpu': '2', 'hugepages-2Mi': '4Mi', 'ephemeral-storage': '1Gi', pods: '3' } });
    const r = podRequests(pod);
    assert.deepEqual([...r.scalar].sort(), [['hugepages-2Mi', 4 * Mi], ['nvidia.com/gpu', 2]]);
    assert.equal(r.ephemeralStorage, Gi);
  });
});

describe('nonZeroRequests', () => {
  it('uses 100m and 200Mi for a container without requests, and keeps explicit zeros', () => {
    assert.deepEqual(nonZeroRequests(makePod('p')), { milliCPU: 100, memory: 200 * Mi });
    assert.deepEqual(nonZeroRequests(makePod('p', { cpu: '0' })), { milliCPU: 0, memory: 200 * Mi });
    const pod = makePod('p', { cpu: '1' });
    pod.spec!.containers.push(container('b', undefined));
    assert.deepEqual(nonZeroRequests(pod), { milliCPU: 1100, memory: 400 * Mi });
  });

  it('applies the defaults to init containers too', () => {
    const pod = makePod('p', { cpu: '50m', memory: '10Mi', initContainers: [container('init', { cpu: '2' })] });
    assert.deepEqual(nonZeroRequests(pod), { milliCPU: 2000, memory: 200 * Mi });
  });
});

describe('resource names and node allocatable', () => {
  it('knows kube\'s scalar resources', () => {
    for (const n of ['nvidia.com/gpu', 'example.com/foo', 'hugepages-1Gi', 'attachable-volumes-aws-ebs', 'kubernetes.io/batch']) assert.ok(isScalarResourceName(n), n);
    for (const n of ['cpu', 'memory', 'pods', 'ephemeral-storage', 'requests.example.com/x']) assert.ok(!isScalarResourceName(n), n);
  });

  it('reads allocatable, falling back to capacity', () => {
    const node = makeNode('n', { cpu: '3500m', memory: '2Gi', pods: '20', extra: { 'nvidia.com/gpu': '4' } });
    assert.deepEqual(nodeAllocatable(node), { milliCPU: 3500, memory: 2 * Gi, ephemeralStorage: 0, allowedPodNumber: 20, scalar: new Map([['nvidia.com/gpu', 4]]) });
    const capacityOnly = { metadata: { name: 'c' }, status: { capacity: { cpu: '1', pods: '5' } } };
    assert.equal(nodeAllocatable(capacityOnly).milliCPU, 1000);
    assert.equal(nodeAllocatable(capacityOnly).allowedPodNumber, 5);
  });

  it('caches pod info per pod object', () => {
    const pod = makePod('p', { cpu: '1' });
    assert.equal(podInfoOf(pod), podInfoOf(pod));
    assert.notEqual(podInfoOf(pod), podInfoOf(structuredClone(pod)));
  });
});
