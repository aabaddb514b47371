// One skiffctl invocation: the global flags, where output goes, and — made on first use, since `config` and
// `completion` need none of them — the resolved kubeconfig, the REST client and the server's discovery data.
// Flags override the kubeconfig as kubectl's do: --context picks the context, --server/--token/--namespace/
// --cluster/--user replace what it names, and --server alone works with no kubeconfig at all.
import fs from 'node:fs';
import { parseDuration } from '../apiserver/api/duration.ts';
import {
  mergeKubeconfigs, resolveKubeconfig, type KubeconfigLocation, type MergedKubeconfig, type ResolvedKubeconfig,
} from '../apiserver/client/kubeconfig.ts';
import { RestClient } from '../apiserver/client/rest.ts';
import { Discovery } from './discovery.ts';
import { CliError, usageError } from './errors.ts';
import { LoggingTransport } from './http-log.ts';
import { OpenApi } from './openapi.ts';

/** The flags every command accepts (kubectl's global flags that Skiff supports). */
export interface GlobalFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  token?: string;
  requestTimeout?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
  v?: string;
}

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
  env: process.env,
};

export class Session {
  readonly flags: GlobalFlags;
  readonly io: Io;
  private resolvedConfig: ResolvedKubeconfig | undefined;
  private restClient: RestClient | undefined;
  private discoveryData: Promise<Discovery> | undefined;
  private openApiDocs: OpenApi | undefined;

  constructor(flags: GlobalFlags, io: Io = processIo) {
    this.flags = flags;
    this.io = io;
  }

  out(text: string): void { this.io.stdout(text); }
  err(text: string): void { this.io.stderr(text); }

  /** Where kubeconfig files are read and written: --kubeconfig, else $KUBECONFIG, else ~/.kube/config. */
  location(): KubeconfigLocation {
    return { path: this.flags.kubeconfig, env: this.io.env };
  }

  /** The merged kubeconfig files, with kubectl's messages for a missing or unreadable file. */
  merged(): MergedKubeconfig {
    const file = this.flags.kubeconfig;
    if (file && !fs.existsSync(file)) throw usageError(`stat ${file}: no such file or directory`);
    try {
      return mergeKubeconfigs(this.location());
    } catch (e) {
      const message = (e as Error).message;
      const m = /^(.*?): not valid YAML: (.*)$/s.exec(message);
      if (m) throw usageError(`error loading config file "${m[1]}": ${m[2].split('\n')[0]}`);
      throw usageError(message);
    }
  }

  /** The connection settings: the chosen context with the flags applied. */
  config(): ResolvedKubeconfig {
    if (this.resolvedConfig) return this.resolvedConfig;
    const { flags } = this;
    const merged = this.merged();
    const config = merged.config;
    const contextName = flags.context || config['current-context'];
    let resolved: ResolvedKubeconfig;
    if (flags.context && !config.contexts.some((c) => c.name === flags.context)) {
      throw new CliError(`Error in configuration: context was not found for specified context: ${flags.context}`);
    }
    if (!contextName || config.contexts.length === 0) {
      if (!flags.server) {
        throw new CliError(`error: no context is set in the kubeconfig (${merged.files.join(', ')}) and no --server was given`);
      }
      resolved = { contextName: '', clusterName: '', server: flags.server, namespace: 'default' };
    } else {
      // --cluster and --user swap what the context names before it is resolved.
      if (flags.cluster || flags.user) {
        merged.config.contexts = config.contexts.map((c) => (c.name === contextName
          ? { name: c.name, context: { ...c.context, ...(flags.cluster ? { cluster: flags.cluster } : {}), ...(flags.user ? { user: flags.user } : {}) } }
          : c));
      }
      try {
        resolved = resolveKubeconfig(merged, contextName);
      } catch (e) {
        // A context whose cluster has no server is still usable when --server supplies one.
        const message = (e as Error).message;
        if (!flags.server || !/has no server/.test(message)) throw usageError(message);
        resolved = { contextName, clusterName: '', server: flags.server, namespace: 'default' };
      }
    }
    if (flags.server) {
      resolved = { ...resolved, server: flags.server };
    }
    if (flags.token) {
      resolved = { ...resolved, token: flags.token, clientCertData: undefined, clientKeyData: undefined };
    }
    if (flags.certificateAuthority) {
      resolved = { ...resolved, caData: fs.readFileSync(flags.certificateAuthority, 'utf8'), insecureSkipTLSVerify: false };
    }
    if (flags.insecureSkipTlsVerify) resolved = { ...resolved, caData: undefined, insecureSkipTLSVerify: true };
    this.resolvedConfig = resolved;
    return resolved;
  }

  /** The namespace commands act in: -n, else the context's, else `default`. */
  namespace(): string {
    if (this.flags.namespace) return this.flags.namespace;
    return this.config().namespace || 'default';
  }

  verbosity(): number {
    const v = Number(this.flags.v ?? 0);
    return Number.isFinite(v) ? v : 0;
  }

  /** --request-timeout: `0` (none, the default), a Go duration, or bare seconds. */
  requestTimeoutMs(): number {
    const t = this.flags.requestTimeout;
    if (!t || t === '0') return 0;
    if (/^\d+$/.test(t)) return Number(t) * 1000;
    try {
      return parseDuration(t);
    } catch {
      throw usageError(`invalid argument "${t}" for "--request-timeout" flag: time: invalid duration "${t}"`);
    }
  }

  client(): RestClient {
    if (this.restClient) return this.restClient;
    const c = this.config();
    const options = {
      server: c.server,
      token: c.token,
      ca: c.caData,
      cert: c.clientCertData,
      key: c.clientKeyData,
      insecureSkipTLSVerify: c.insecureSkipTLSVerify,
      tlsServerName: c.tlsServerName,
      userAgent: `skiffctl/${process.version}`,
      timeoutMs: this.requestTimeoutMs(),
      maxRetries: 3,
    };
    const level = this.verbosity();
    const transport = level >= 6 ? new LoggingTransport(options, level, (line) => this.err(`${line}\n`)) : undefined;
    this.restClient = new RestClient(options, transport);
    return this.restClient;
  }

  discovery(): Promise<Discovery> {
    this.discoveryData ??= Discovery.load(this.client());
    return this.discoveryData;
  }

  /** The server's OpenAPI v3 documents, fetched per group version on first use. */
  openapi(): OpenApi {
    this.openApiDocs ??= new OpenApi(this.client());
    return this.openApiDocs;
  }

  /** The server URL for error messages, when one is known. */
  serverForErrors(): string | undefined {
    return this.resolvedConfig?.server;
  }

  close(): void {
    this.restClient?.close();
  }
}
