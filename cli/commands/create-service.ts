// skiffctl create service clusterip|nodeport NAME --tcp=port[:targetPort] ...: a Service selecting app=NAME, one
// TCP port per --tcp, named "port-targetPort", as kubectl create service builds it.
import type { Command } from 'commander';
import type { ApiObject } from '../../apiserver/client/object.ts';
import { collect, type Runner } from '../command.ts';
import { usageError, wrapError } from '../errors.ts';
import { addGeneratorFlags, generated, exactlyOneName, generatedNamespace, runGenerator, type GeneratorOptions } from '../generator.ts';

interface Options extends GeneratorOptions {
  tcp?: string[];
  clusterip?: string;
  nodeport?: string;
}

export function register(create: Command, run: Runner): void {
  const service = create.command('service').alias('svc')
    .summary('Create a service using a specified subcommand (clusterip, nodeport)');
  for (const type of ['ClusterIP', 'NodePort'] as const) {
    const cmd = service.command(type.toLowerCase())
      .summary(`Create a ${type} service`)
      .argument('[name]')
      .option('--tcp <port[:targetPort]>', 'port pairs (repeatable, or comma-separated)', collect);
    if (type === 'ClusterIP') cmd.option('--clusterip <ip>', 'assign your own ClusterIP, or None for a headless service');
    else cmd.option('--node-port <port>', 'port used to expose the service on each node');
    addGeneratorFlags(cmd);
    cmd.action(run<Options & { nodePort?: string }>(async (session, opts, args, command) => {
      const name = exactlyOneName(args, command);
      if (opts.clusterip === 'None' && type !== 'ClusterIP') throw usageError('ClusterIP=None can only be used with ClusterIP service type');
      if (opts.clusterip !== 'None' && !(opts.tcp?.length)) throw usageError('at least one tcp port specifier must be provided');
      const svc = serviceObject(name, type, opts.tcp ?? [], opts.clusterip, Number(opts.nodePort ?? 0), generatedNamespace(session));
      await runGenerator(session, opts, svc, (e) => wrapError(`failed to create ${type} service`, e));
    }));
  }
}

/** `80`, `80:8080` or `80:http`: the service port and its target, with kubectl's checks. */
export function parsePortPair(spec: string): { port: number; targetPort: number | string } {
  const [portText, target] = spec.split(':');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 0 || port > 65535) throw usageError(`invalid port "${portText}"`);
  if (target === undefined) return { port, targetPort: port };
  if (/^\d+$/.test(target)) {
    const n = Number(target);
    if (n < 1 || n > 65535) throw usageError('must be between 1 and 65535, inclusive');
    return { port, targetPort: n };
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(target) || target.length > 15 || !/[a-z]/.test(target)) {
    throw usageError(`invalid target port name "${target}"`);
  }
  return { port, targetPort: target };
}

export function serviceObject(name: string, type: 'ClusterIP' | 'NodePort', tcp: string[], clusterIP: string | undefined,
  nodePort: number, ns: { namespace?: string }): ApiObject {
  const ports = tcp.map((spec) => {
    const { port, targetPort } = parsePortPair(spec);
    return { name: spec.replace(/:/g, '-'), port, protocol: 'TCP', targetPort, ...(nodePort ? { nodePort } : {}) };
  });
  return generated({
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, labels: { app: name }, ...ns, creationTimestamp: null },
    spec: { ...(clusterIP ? { clusterIP } : {}), ...(ports.length > 0 ? { ports } : {}), selector: { app: name }, type },
    status: { loadBalancer: {} },
  });
}
