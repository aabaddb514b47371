// skiffctl port-forward TYPE/NAME [LOCAL_PORT:]REMOTE_PORT...: listen on local ports and carry each connection to a
// port of a running pod (the pod itself, or the one kubectl picks for deploy/, rs/, sts/, svc/...), printing
// kubectl's lines. Each local connection gets a WebSocket of its own to pods/NAME/portforward in kube's channel
// protocol (port-forward-tunnel.ts), as the official client libraries do, so a failure (a closed pod port) ends
// only that connection and is logged as kubectl logs it, and the forwarder keeps listening; kubectl, whose
// connections share one SPDY session, gives up on all of them then. Runs until SIGINT or SIGTERM, then exits 0.
import net from 'node:net';
import type { Command } from 'commander';
import { joinHostPort } from '../../apiserver/api/go-format.ts';
import type { Pod, Service } from '../../apiserver/api/types.ts';
import { resourcePath } from '../../apiserver/client/paths.ts';
import { apiWebSocket } from '../api-websocket.ts';
import { collect, type Runner } from '../command.ts';
import { CliError, usageError } from '../errors.ts';
import { helpHint } from '../generator.ts';
import { collectInfos, type Info } from '../infos.ts';
import { klogLine } from '../klog.ts';
import { firstPod, podsResource } from '../pods-for.ts';
import {
  checkUdpPorts, parseAddresses, parsePorts, podPorts, servicePorts, type ForwardedPort, type ListenAddress,
} from '../port-forward-ports.ts';
import { portForwardProtocol, tunnel, type Tunnel } from '../port-forward-tunnel.ts';
import type { Session } from '../session.ts';
import { parseTimeout } from '../wait.ts';

interface PortForwardOptions {
  address?: string[];
  podRunningTimeout?: string;
}

export function register(parent: Command, run: Runner): void {
  parent.command('port-forward')
    .summary('Forward one or more local ports to a pod')
    .usage('TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]')
    .argument('[args...]', 'TYPE/NAME, then [LOCAL_PORT:]REMOTE_PORT...')
    .option('--address <addresses>', 'addresses to listen on (comma separated): IPs or localhost (127.0.0.1 and ::1) (default: localhost)', collect)
    .option('--pod-running-timeout <duration>', 'how long to wait for a pod to be running', '1m0s')
    .action(run<PortForwardOptions>(portForward));
}

/** Errors kubectl returns from its Complete and Run steps read `error: <text>`. */
function step<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw usageError((e as Error).message);
  }
}

async function portForward(session: Session, opts: PortForwardOptions, args: string[], cmd: Command): Promise<void> {
  if (args.length < 2) throw new CliError(`error: TYPE/NAME and list of ports are required for port-forward\n${helpHint(cmd)}`);
  const timeoutMs = parseTimeout(opts.podRunningTimeout, '--pod-running-timeout');
  if (timeoutMs <= 0) throw new CliError(`error: --pod-running-timeout must be higher than zero\n${helpHint(cmd)}`);
  const [resource, ...specs] = args;
  const [entry] = await collectInfos(session, resource.includes('/') ? [resource] : ['pods', resource], { fetchNamed: true });
  if (!entry?.info) throw entry?.error ?? usageError('pod name or resource type/name must be specified');
  const chosen = await firstPod(session, entry.info, timeoutMs);
  const remotePorts = step(() => podSidePorts(entry.info, specs, chosen));

  const namespace = chosen.metadata?.namespace ?? entry.info.namespace ?? session.namespace();
  const name = chosen.metadata?.name ?? '';
  const pod = await session.client().get<Pod>(podsResource, namespace, name);
  const phase = pod.status?.phase ?? '';
  if (phase !== 'Running') throw usageError(`unable to forward port because pod is not running. Current status=${phase}`);
  const ports = step(() => parsePorts(remotePorts));
  const addresses = step(() => parseAddresses(opts.address ?? ['localhost']));

  const path = resourcePath(podsResource, namespace, name, 'portforward');
  const config = session.config();
  const tunnels = new Set<Tunnel>();
  const handle = (socket: net.Socket, port: ForwardedPort): void => {
    session.out(`Handling connection for ${port.local}\n`);
    const t = tunnel({
      socket,
      open: () => apiWebSocket(config, path, new URLSearchParams({ ports: String(port.remote) }), [portForwardProtocol]),
      onError: (text) => session.err(klogLine('E', 'portforward.go:413', 'Unhandled Error',
        [['err', `an error occurred forwarding ${port.local} -> ${port.remote}: ${text}`]])),
    });
    tunnels.add(t);
    void t.done.then(() => tunnels.delete(t));
  };

  const servers: net.Server[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    let listening = false;
    for (const port of ports) {
      const failure = await listenOnPort(session, port, addresses, servers, (socket) => handle(socket, port));
      if (failure === undefined) listening = true;
      else session.err(`Unable to listen on port ${port.local}: ${failure}\n`);
    }
    if (!listening) {
      throw usageError(`unable to listen on any of the requested ports: [${ports.map((p) => `{${p.local} ${p.remote}}`).join(' ')}]`);
    }
    await stopped;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    for (const s of servers) s.close();
    for (const t of tunnels) t.kill();
  }
}

/** The pod ports the arguments name: through the Service's port mapping for svc/, else named container ports. */
function podSidePorts(info: Info, specs: string[], pod: Pod): string[] {
  if (info.resource.kind === 'Service' && info.resource.group === '') {
    const service = info.object as Service;
    checkUdpPorts(specs, { service });
    return servicePorts(specs, service, pod);
  }
  checkUdpPorts(specs, { pod });
  return podPorts(specs, pod);
}

/** Go's wording of a failed listen: `listen tcp4 127.0.0.1:8080: bind: address already in use`. */
function listenErrorText(address: ListenAddress, port: number, err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'bind: address already in use', EADDRNOTAVAIL: 'bind: cannot assign requested address',
    EACCES: 'bind: permission denied', EAFNOSUPPORT: 'socket: address family not supported by protocol',
  };
  const reason = reasons[err.code ?? ''] ?? err.message;
  return `unable to create listener: Error listen tcp${address.family} ${joinHostPort(address.address, port)}: ${reason}`;
}

function listen(address: ListenAddress, port: number, onConnection: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // Half-open: a client's EOF must not end the pod's answer on the way back.
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
    server.once('error', reject);
    server.listen({ host: address.address, port, ipv6Only: address.family === 6, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

/**
 * client-go's listenOnPort: one listener per address; the first one's port is every other's when the local port
 * was left to the system. Localhost's two may fail one at a time; an address named with --address may not. Prints
 * `Forwarding from ...` for each listener; returns the failure text, or undefined.
 */
async function listenOnPort(session: Session, port: ForwardedPort, addresses: ListenAddress[], servers: net.Server[],
  onConnection: (socket: net.Socket) => void): Promise<string | undefined> {
  const errors: string[] = [];
  const failed = { all: 0, any: 0 };
  const succeeded = { all: 0, any: 0 };
  for (const address of addresses) {
    try {
      const server = await listen(address, port.local, onConnection);
      servers.push(server);
      port.local = (server.address() as net.AddressInfo).port;
      session.out(`Forwarding from ${joinHostPort(address.address, port.local)} -> ${port.remote}\n`);
      succeeded[address.failureMode]++;
    } catch (e) {
      errors.push(listenErrorText(address, port.local, e as NodeJS.ErrnoException));
      failed[address.failureMode]++;
    }
  }
  if ((succeeded.all === 0 && failed.all > 0) || failed.any > 0) {
    return `Listeners failed to create with the following errors: [${errors.join(' ')}]`;
  }
  return undefined;
}
