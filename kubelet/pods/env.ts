// A container's environment, as the kubelet builds it (kube's makeEnvironmentVariables): Service variables first,
// then envFrom sources in order, then env entries, each `$(VAR)` reference expanded against what came before.
// A missing non-optional ConfigMap/Secret or key fails the container with CreateContainerConfigError.
import type { ConfigMap, Container, Pod, Secret } from '../../apiserver/api/types.ts';
import { isEnvVarName } from '../../apiserver/api/validation/names.ts';
import { fieldRefValue, resourceFieldRefValue, type DownwardContext } from './downward-api.ts';

export interface EnvObjectSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** The container cannot be configured; the message becomes its waiting message (CreateContainerConfigError). */
export class ContainerConfigError extends Error {}

export interface EnvResult {
  env: { name: string; value: string }[];
  /** envFrom keys skipped for not being valid variable names (kube reports them in an event). */
  skippedKeys: string[];
}

/** Expands `$(NAME)` from `vars`; `$$` escapes a `$`; unknown references stay as written (kube's expansion.Expand). */
export function expandVars(input: string, vars: Map<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      out += vars.has(name) ? vars.get(name)! : `$(${name})`;
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

export async function containerEnv(pod: Pod, container: Container, sources: EnvObjectSources, downward: DownwardContext,
  serviceEnv: { name: string; value: string }[] = []): Promise<EnvResult> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  const order: string[] = [];
  const set = (name: string, value: string) => {
    if (!vars.has(name)) order.push(name);
    vars.set(name, value);
  };
  const skippedKeys: string[] = [];
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const getConfigMap = async (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, await sources.configMap(namespace, name));
    return configMaps.get(name);
  };
  const getSecret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await sources.secret(namespace, name));
    return secrets.get(name);
  };

  for (const e of serviceEnv) set(e.name, e.value);

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> = {};
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await getConfigMap(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      data = { ...cm.data };
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const secret = await getSecret(name);
      if (!secret) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, decode(v)]));
    }
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      if (isEnvVarName(name).length > 0) {
        skippedKeys.push(name);
        continue;
      }
      set(name, value);
    }
  }

  for (const e of container.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      set(e.name, expandVars(e.value ?? '', vars));
      continue;
    }
    const from = e.valueFrom;
    if (from.fieldRef) {
      set(e.name, fieldRefValue(pod, from.fieldRef.fieldPath, downward));
    } else if (from.resourceFieldRef) {
      set(e.name, resourceFieldRefValue(pod, from.resourceFieldRef.containerName || container.name, from.resourceFieldRef, downward));
    } else if (from.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const cm = await getConfigMap(name);
      if (!cm) {
        if (optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      const value = cm.data?.[key];
      if (value === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
      }
      set(e.name, value);
    } else if (from.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const secret = await getSecret(name);
      if (!secret) {
        if (optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      const value = secret.data?.[key];
      if (value === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
      }
      set(e.name, decode(value));
    }
  }
  return { env: order.map((name) => ({ name, value: vars.get(name)! })), skippedKeys };
}
