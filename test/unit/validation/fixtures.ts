// Minimal valid objects for the validation tests. Each is run through its kind's defaults, as the registry
// does before validating, so a test breaks exactly one thing.
import { defaultPodTemplateSpec } from '../../../apiserver/api/defaults/pod.ts';
import type { PodTemplateSpec } from '../../../apiserver/api/types.ts';

export function podTemplate(labels: Record<string, string> = { app: 'web' }, restartPolicy = 'Always'): PodTemplateSpec {
  const template: PodTemplateSpec = {
    metadata: { labels },
    spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox:1.36' }] },
  };
  defaultPodTemplateSpec(template);
  return template;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
