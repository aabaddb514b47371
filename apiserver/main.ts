#!/usr/bin/env node
// skiff-apiserver: the only door to Skiff's state. Flags follow kube-apiserver's names where one exists.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import pino from 'pino';
import { parseDuration } from './api/duration.ts';
import type { Service } from './api/types.ts';
import { LeaseFreshness } from './admission/fencing.ts';
import { Registry } from './registry/registry.ts';
import { ServiceAllocator } from './registry/service/service-allocator.ts';
import { serviceWriteHooks } from './registry/service/service-hooks.ts';
import { bootstrapNamespaces } from './server/bootstrap.ts';
import { keepKubernetesService } from './server/kubernetes-service.ts';
import { buildApp } from './server/app.ts';
import { TokenAuthenticator, tlsServerOptions } from './server/authn.ts';
import { parseAuthorizationModes } from './server/authorization-modes.ts';
import { ensureBootstrapPolicy } from './rbac/bootstrap.ts';
import { startAuthorization } from './rbac/start.ts';
import { ensureCA, ensureServingCert } from './server/certs.ts';
import { defaultPreferredAddressTypes } from './server/kubelet-proxy.ts';
import { openSqliteStore } from './storage/sqlite-store.ts';
import { loadServiceAccountKeys } from './serviceaccount/keys.ts';
import { ServiceAccountTokenAuthenticator, storeGetter } from './serviceaccount/token-authenticator.ts';

interface Flags {
  securePort: string;
  bindAddress: string;
  advertiseAddress?: string;
  dataDir: string;
  durability: 'normal' | 'full';
  certDir?: string;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  clientCaFile?: string;
  tokenAuthFile?: string;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  etcdCompactionInterval: string;
  compactionRetainRevisions: string;
  compactionRetainAge: string;
  maxRequestsInflight: string;
  maxMutatingRequestsInflight: string;
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  kubeletCertificateAuthority?: string;
  kubeletPreferredAddressTypes: string;
  serviceAccountKeyFile: string[];
  serviceAccountSigningKeyFile?: string;
  serviceAccountIssuer?: string[];
  apiAudiences?: string;
  serviceAccountMaxTokenExpiration: string;
  serviceAccountExtendTokenExpiration: boolean;
  authorizationMode: string;
  logLevel: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const parseBool = (value: string | undefined): boolean => value === undefined || value === 'true' || value === '1';
/** kubeadm's issuer; kube-apiserver itself requires the flag. */
const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

const program = new Command('skiff-apiserver')
  .description('Skiff API server: the Kubernetes REST API on SQLite, with watch.')
  .option('--secure-port <port>', 'port to serve HTTPS on', '6443')
  .option('--bind-address <ip>', 'address to listen on', '0.0.0.0')
  .option('--advertise-address <ip>', 'address to advertise to clients (default: the first non-loopback IPv4 address)')
  .option('--data-dir <dir>', 'directory for the SQLite database and generated certificates', '/var/lib/skiff/apiserver')
  .addOption(new Option('--durability <mode>', 'normal: acknowledged writes survive a process crash; full: they also survive power loss (synchronous=FULL)')
    .choices(['normal', 'full']).default('normal'))
  .option('--cert-dir <dir>', 'where the self-signed CA and serving certificate go when --tls-cert-file is not given (default: <data-dir>/pki)')
  .option('--tls-cert-file <file>', 'serving certificate (PEM); generated from a local CA when absent')
  .option('--tls-private-key-file <file>', 'serving key (PEM)')
  .option('--client-ca-file <file>', 'accept client certificates signed by this CA (CN = user, O = groups)')
  .option('--token-auth-file <file>', 'bearer tokens in kube-apiserver CSV format: token,user,uid,"group1,group2"')
  .option('--service-cluster-ip-range <cidr>', 'Service ClusterIP range (IPv4); its first address is the kubernetes Service\'s and is in the serving certificate', '10.96.0.0/16')
  .option('--service-node-port-range <range>', 'ports NodePort and LoadBalancer Services get node ports from', '30000-32767')
  .option('--etcd-compaction-interval <duration>', 'how often watch history is compacted', '5m')
  .option('--compaction-retain-revisions <n>', 'compaction keeps at least this many of the newest revisions', '1000')
  .option('--compaction-retain-age <duration>', 'compaction keeps at least this much recent history', '5m')
  .option('--max-requests-inflight <n>', 'concurrent non-mutating requests before 429', '400')
  .option('--max-mutating-requests-inflight <n>', 'concurrent mutating requests before 429', '200')
  .option('--kubelet-client-certificate <file>', 'client certificate for connections to kubelets (logs, exec)')
  .option('--kubelet-client-key <file>', 'client key for connections to kubelets')
  .option('--kubelet-certificate-authority <file>', 'CA to verify kubelets\' serving certificates')
  .option('--kubelet-preferred-address-types <types>', 'node address types to reach kubelets by, in order', defaultPreferredAddressTypes.join(','))
  .option('--service-account-key-file <file>', 'PEM public or private keys whose ServiceAccount tokens are accepted (repeatable; default: the signing key)', collect, [])
  .option('--service-account-signing-key-file <file>', 'PEM private key that signs ServiceAccount tokens (default: <cert-dir>/sa.key, generated when absent)')
  .option('--service-account-issuer <url>', `iss of ServiceAccount tokens (repeatable: the first signs, all are accepted; default ${defaultIssuer})`, collect)
  .option('--api-audiences <list>', 'audiences a token must be for to authenticate here, comma-separated (default: the issuers)')
  .option('--service-account-max-token-expiration <duration>', 'longest lifetime a TokenRequest may get (0: no limit)', '0')
  .option('--service-account-extend-token-expiration [bool]', 'give kube-api-access volume tokens a year, warning after their hour, as kube does', parseBool, true)
  .option('--authorization-mode <modes>', 'authorizers in order, comma-separated: AlwaysAllow, AlwaysDeny, Node, RBAC (the first to allow wins)', 'AlwaysAllow')
  .option('--log-level <level>', 'pino log level', 'info')
  .parse();

const flags = program.opts<Flags>();
const logger = pino({ name: 'skiff-apiserver', level: flags.logLevel });

function defaultAdvertiseAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

async function main(): Promise<void> {
  const port = Number(flags.securePort);
  const authorizationModes = parseAuthorizationModes(flags.authorizationMode);
  const advertise = flags.advertiseAddress ?? defaultAdvertiseAddress();
  // Built first: a bad range stops the apiserver before it touches anything.
  const serviceAllocator = new ServiceAllocator({
    clusterIPRange: flags.serviceClusterIpRange, nodePortRange: flags.serviceNodePortRange,
  });
  const certDir = flags.certDir ?? path.join(flags.dataDir, 'pki');
  let certPath = flags.tlsCertFile;
  let keyPath = flags.tlsPrivateKeyFile;
  if (!certPath || !keyPath) {
    const ca = await ensureCA(certDir);
    ({ certPath, keyPath } = await ensureServingCert(certDir, ca, {
      serviceIP: serviceAllocator.kubernetesServiceIP, extraIPs: [advertise], extraDNSNames: [],
    }));
    logger.info({ certDir }, 'serving with a certificate from the local CA');
  }
  // Token keys and settings before the store too: a bad key file stops the start with nothing touched.
  const saKeys = await loadServiceAccountKeys({
    signingKeyFile: flags.serviceAccountSigningKeyFile, keyFiles: flags.serviceAccountKeyFile, certDir,
  });
  const issuers = flags.serviceAccountIssuer?.length ? flags.serviceAccountIssuer : [defaultIssuer];
  const apiAudiences = flags.apiAudiences ? flags.apiAudiences.split(',').map((s) => s.trim()).filter(Boolean) : issuers;
  const maxTokenExpirationSeconds = Math.floor(parseDuration(flags.serviceAccountMaxTokenExpiration) / 1000);

  const store = await openSqliteStore({
    path: path.join(flags.dataDir, 'skiff.db'),
    durability: flags.durability,
    compactIntervalMs: parseDuration(flags.etcdCompactionInterval),
    compactMinRetainRevisions: Number(flags.compactionRetainRevisions),
    compactMinRetainMs: parseDuration(flags.compactionRetainAge),
    logger,
  });
  // The stored Services are the record of what is allocated.
  const storedServices = await store.list('/registry/core/services/');
  for (const problem of serviceAllocator.restore(storedServices.items as Service[])) logger.warn(problem);
  const registry = new Registry(store, Date.now, { '/Service': serviceWriteHooks(serviceAllocator) });
  const leases = new LeaseFreshness(store);
  const authorization = await startAuthorization(store, authorizationModes, logger.child({ component: 'authorization' }));
  let ready = false;
  const read = (file: string | undefined) => (file ? readFileSync(file, 'utf8') : undefined);
  const { app } = buildApp({
    logger,
    registry,
    store,
    leases,
    kubelet: {
      certPem: read(flags.kubeletClientCertificate), keyPem: read(flags.kubeletClientKey),
      caPem: read(flags.kubeletCertificateAuthority),
      preferredAddressTypes: flags.kubeletPreferredAddressTypes.split(',').map((s) => s.trim()).filter(Boolean),
    },
    https: tlsServerOptions({ certPath, keyPath, clientCAPath: flags.clientCaFile }),
    tokens: flags.tokenAuthFile ? new TokenAuthenticator(flags.tokenAuthFile, { log: logger }) : undefined,
    serviceAccountTokens: new ServiceAccountTokenAuthenticator({
      issuers, audiences: apiAudiences, keys: saKeys.verifying, objects: storeGetter(store),
      onReject: (reason) => logger.debug({ reason }, 'service account token rejected'),
    }),
    tokenIssuer: {
      issuer: issuers[0], apiAudiences, key: saKeys.signing,
      maxExpirationSeconds: maxTokenExpirationSeconds,
      extendExpiration: flags.serviceAccountExtendTokenExpiration,
    },
    clientCA: flags.clientCaFile !== undefined,
    authorizer: authorization.authorizer,
    escalation: authorization.escalation,
    advertiseAddress: `${advertise}:${port}`,
    maxRequestsInflight: Number(flags.maxRequestsInflight),
    maxMutatingRequestsInflight: Number(flags.maxMutatingRequestsInflight),
    ready: () => ready,
  });

  let stopping = false;
  let stopKubernetesService: (() => void) | undefined;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    stopKubernetesService?.();
    await app.close();
    leases.close();
    authorization.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await bootstrapNamespaces(registry);
  await ensureBootstrapPolicy(registry, logger.child({ component: 'rbac-bootstrap' }));
  stopKubernetesService = await keepKubernetesService({
    registry, clusterIP: serviceAllocator.kubernetesServiceIP, advertiseAddress: advertise, securePort: port, logger,
  });
  ready = true;
  await app.listen({ port, host: flags.bindAddress });
  logger.info({ port, bindAddress: flags.bindAddress, dataDir: flags.dataDir, durability: flags.durability }, 'skiff-apiserver serving');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'skiff-apiserver failed to start');
  process.exit(1);
});
