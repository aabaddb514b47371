// skiffctl expose TYPE NAME: make a Service for a Deployment, ReplicaSet, ReplicationController, Pod or Service, as
// kubectl expose does: the selector from the object (its matchLabels, or a pod's labels), the ports from its
// containers unless --port says (several become port-1, port-2 ...), the object's labels, `service/web exposed`.
import type { Command } from 'commander';
import type { LabelSelector, PodSpec } from '../../apiserver/api/types.ts';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { completes } from '../completion.ts';
import { noResourcesError, usageError } from '../errors.ts';
import { generatedNamespace, runGenerator, type GeneratorOptions, generated } from '../generator.ts';
import { collectInfos, type Info } from '../infos.ts';
import { addDryRunFlag, addFieldManagerFlag, addValidateFlag } from '../mutation.ts';
import type { Session } from '../session.ts';

interface ExposeOptions extends GeneratorOptions {
  port?: string;
  targetPort?: string;
  protocol?: string;
  type?: string;
  name?: string;
  labels?: string;
  selector?: string;
  externalIp?: string;
  clusterIp?: string;
  loadBalancerIp?: string;
  sessionAffinity?: string;
  filename?: string[];
  recursive?: boolean;
}

const exposable = new Set(['/ReplicationController', '/Service', '/Pod', 'apps/Deployment', 'apps/ReplicaSet']);

export function register(parent: Command, run: Runner): void {
  const cmd = parent.command('expose')
    .summary('Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service')
    .argument('[resources...]', 'TYPE NAME | TYPE/NAME (deployment, replicaset, rc, pod, service)')
    .option('--port <port>', 'the port the service serves on (default: the object\'s container ports)')
    .option('--target-port <port>', 'name or number of the port on the pods to send traffic to (default: --port)')
    .option('--protocol <protocol>', 'TCP (default), UDP or SCTP')
    .option('--type <type>', 'ClusterIP (default), NodePort or LoadBalancer')
    .option('--name <name>', 'the service\'s name (default: the object\'s)')
    .option('-l, --labels <labels>', 'labels for the service (default: the object\'s)')
    .option('--selector <selector>', 'the pods to select (default: the object\'s selector)')
    .option('--external-ip <ip>', 'an external IP address the service also answers on')
    .option('--cluster-ip <ip>', 'the ClusterIP to assign (None: a headless service)')
    .option('--load-balancer-ip <ip>', 'with --type=LoadBalancer: the address to ask for')
    .option('--session-affinity <affinity>', 'None (default) or ClientIP')
    .option('-f, --filename <file>', 'file, directory or - naming the object', collect)
    .option('-R, --recursive', 'process the directories named by -f recursively')
    .option('-o, --output <format>', 'json|yaml|name|jsonpath=...')
    .option('--save-config', 'record the configuration in the last-applied annotation');
  completes(cmd, 'resources');
  addFieldManagerFlag(addValidateFlag(addDryRunFlag(cmd)), 'kubectl-expose');
  cmd.action(run<ExposeOptions>(expose));
}

/** "a=1,b=2" -> map; kubectl's parseLabels for expose. */
function parseLabelSpec(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const kv = part.split('=');
    if (kv.length !== 2) throw usageError(`unexpected label spec: ${part}`);
    if (kv[0] === '') throw usageError('unexpected empty label key');
    out[kv[0]] = kv[1];
  }
  return out;
}

function makeLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The map selector of the exposed object (kubectl's MapBasedSelectorForObject). */
function selectorOf(info: Info): string {
  const obj = info.object as ApiObject & { spec?: { selector?: LabelSelector | Record<string, string> } };
  switch (info.resource.kind) {
    case 'Pod':
      if (!obj.metadata?.labels || Object.keys(obj.metadata.labels).length === 0) throw usageError('the pod has no labels and cannot be exposed');
      return makeLabels(obj.metadata.labels);
    case 'Service':
    case 'ReplicationController': {
      const sel = obj.spec?.selector as Record<string, string> | undefined;
      if (!sel && info.resource.kind === 'Service') throw usageError('the service has no pod selector set');
      return makeLabels(sel);
    }
    default: {
      const sel = obj.spec?.selector as LabelSelector | undefined;
      if (sel?.matchExpressions?.length) throw usageError(`couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`);
      return makeLabels(sel?.matchLabels);
    }
  }
}

/** Container (or service) ports, each once, and the protocols each is used with. */
function portsOf(info: Info): { ports: string[]; protocols: Map<string, string[]> } {
  const obj = info.object as ApiObject & { spec?: PodSpec & { template?: { spec?: PodSpec }; ports?: { port: number; protocol?: string }[] } };
  const ports: string[] = [];
  const protocols = new Map<string, string[]>();
  const add = (port: number, protocol: string | undefined): void => {
    const key = String(port);
    if (!ports.includes(key)) ports.push(key);
    const list = protocols.get(key) ?? [];
    const p = protocol || 'TCP';
    if (!list.includes(p)) list.push(p);
    protocols.set(key, list);
  };
  if (info.resource.kind === 'Service') {
    for (const p of obj.spec?.ports ?? []) add(p.port, p.protocol);
  } else {
    const spec = info.resource.kind === 'Pod' ? obj.spec : obj.spec?.template?.spec;
    for (const c of spec?.containers ?? []) for (const p of c.ports ?? []) add(p.containerPort, p.protocol);
  }
  return { ports, protocols };
}

async function expose(session: Session, opts: ExposeOptions, args: string[]): Promise<void> {
  if (args.length === 0 && !opts.filename?.length) {
    throw noResourcesError();
  }
  const entries = await collectInfos(session, args, { filenames: opts.filename, recursive: opts.recursive, fetchNamed: true });
  for (const entry of entries) {
    const { info } = entry;
    if (!info) throw entry.error;
    if (!exposable.has(`${info.resource.group}/${info.resource.kind}`)) {
      throw usageError(`cannot expose a ${info.resource.kind}${info.resource.group ? `.${info.resource.group}` : ''}`);
    }
    let selector = opts.selector;
    if (!selector) {
      try {
        selector = selectorOf(info);
      } catch (e) {
        throw usageError(`couldn't retrieve selectors via --selector flag or introspection: ${(e as Error).message.replace(/^error: /, '')}`);
      }
    }
    if (!selector) throw usageError('selector must be specified');
    const headless = opts.clusterIp === 'None';
    const { ports: found, protocols } = portsOf(info);
    let ports: string[] = opts.port ? [opts.port] : found;
    if (!opts.port && found.length === 0 && !headless) throw usageError("couldn't find port via --port flag or introspection");
    if (opts.port) ports = [opts.port];
    const servicePorts: Record<string, unknown>[] = [];
    ports.forEach((portText, i) => {
      const port = Number(portText);
      if (!/^\d+$/.test(portText)) throw usageError(`strconv.Atoi: parsing "${portText}": invalid syntax`);
      const name = ports.length > 1 ? `port-${i + 1}` : undefined;
      const known = protocols.get(portText);
      if (!opts.protocol && known && known.length > 1) {
        for (const p of known) servicePorts.push({ name: `port-${i + 1}-${p.toLowerCase()}`, port, protocol: p });
        return;
      }
      servicePorts.push({ ...(name ? { name } : {}), port, protocol: opts.protocol || known?.[0] || 'TCP' });
    });
    const target = opts.targetPort;
    for (const p of servicePorts) {
      p.targetPort = target === undefined ? p.port : /^\d+$/.test(target) ? Number(target) : target;
    }
    const spec: Record<string, unknown> = { ports: servicePorts, selector: parseLabelSpec(selector) };
    if (opts.externalIp) spec.externalIPs = [opts.externalIp];
    if (opts.type) spec.type = opts.type;
    if (opts.type === 'LoadBalancer' && opts.loadBalancerIp) spec.loadBalancerIP = opts.loadBalancerIp;
    if (opts.sessionAffinity) {
      if (!['None', 'ClientIP'].includes(opts.sessionAffinity)) throw usageError(`unknown session affinity: ${opts.sessionAffinity}`);
      spec.sessionAffinity = opts.sessionAffinity;
    }
    if (opts.clusterIp) spec.clusterIP = opts.clusterIp;
    const labelText = opts.labels ?? makeLabels(info.object?.metadata?.labels);
    const name = (opts.name ?? info.name).slice(0, 63);
    const service = generated({
      apiVersion: 'v1', kind: 'Service',
      metadata: { name, ...(labelText ? { labels: parseLabelSpec(labelText) } : {}), ...generatedNamespace(session), creationTimestamp: null },
      spec,
      status: { loadBalancer: {} },
    });
    // Server errors print as they are (`Error from server (AlreadyExists): ...`).
    await runGenerator(session, opts, service, (e) => e, 'exposed');
  }
}
