import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPod, podQOSClass } from '../../../apiserver/api/defaults/pod.ts';
import type { Container, PodSpec } from '../../../apiserver/api/types.ts';

function container(name: string, resources?: Container['resources']): Container {
  return { name, image: 'app:1', resources };
}

const guaranteedResources = { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '500m', memory: '256Mi' } };

test('no requests or limits at all is BestEffort', () => {
  assert.equal(podQOSClass({ containers: [container('a'), container('b', {})] }), 'BestEffort');
});

test('zero quantities and resources other than cpu and memory do not count', () => {
  const spec: PodSpec = { containers: [container('a', { requests: { cpu: '0', 'ephemeral-storage': '1Gi', 'example.com/gpu': '1' } })] };
  assert.equal(podQOSClass(spec), 'BestEffort');
});

test('equal cpu and memory requests and limits in every container is Guaranteed', () => {
  const spec: PodSpec = { containers: [container('a', guaranteedResources), container('b', guaranteedResources)] };
  assert.equal(podQOSClass(spec), 'Guaranteed');
});

test('equal amounts in different units still match', () => {
  const spec: PodSpec = { containers: [container('a', { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } })] };
  assert.equal(podQOSClass(spec), 'Guaranteed');
});

test('limits alone become Guaranteed once defaulting copies them to requests', () => {
  const pod = { spec: { containers: [container('a', { limits: { cpu: '1', memory: '1Gi' } })] } };
  defaultPod(pod);
  assert.equal(podQOSClass(pod.spec), 'Guaranteed');
});

test('requests below limits, requests only, or a missing memory limit are Burstable', () => {
  assert.equal(podQOSClass({ containers: [container('a', { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [container('a', { requests: { cpu: '100m' } })] }), 'Burstable');
  assert.equal(podQOSClass({ containers: [container('a', { limits: { cpu: '1' }, requests: { cpu: '1' } })] }), 'Burstable');
});

test('one container without limits makes the whole pod Burstable', () => {
  const spec: PodSpec = { containers: [container('a', guaranteedResources), container('b', { requests: { cpu: '100m' } })] };
  assert.equal(podQOSClass(spec), 'Burstable');
});

test('init containers count like app containers', () => {
  const withBareInit: PodSpec = { initContainers: [container('init')], containers: [container('a', guaranteedResources)] };
  assert.equal(podQOSClass(withBareInit), 'Burstable');
  const withGuaranteedInit: PodSpec = { initContainers: [container('init', guaranteedResources)], containers: [container('a', guaranteedResources)] };
  assert.equal(podQOSClass(withGuaranteedInit), 'Guaranteed');
  const onlyInitRequests: PodSpec = { initContainers: [container('init', { requests: { memory: '64Mi' } })], containers: [container('a')] };
  assert.equal(podQOSClass(onlyInitRequests), 'Burstable');
});
