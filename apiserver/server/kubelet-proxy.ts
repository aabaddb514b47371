// pods/log: the apiserver finds the pod's node and streams the kubelet's /containerLogs back to the client, as
// kube-apiserver's LogLocation does. The kubelet authenticates the apiserver by its client certificate.
import https from 'node:https';
import type { ServerResponse } from 'node:http';
import { errors } from '../api/errors.ts';
import type { Node, Pod, StoredObject } from '../api/types.ts';

export interface KubeletClientConfig {
  /** --kubelet-client-certificate / --kubelet-client-key: how the apiserver proves itself to kubelets. */
  certPem?: string;
  keyPem?: string;
  /** --kubelet-certificate-authority: verify kubelets' serving certificates (unverified without it, as kube). */
  caPem?: string;
  /** --kubelet-preferred-address-types */
  preferredAddressTypes: string[];
}

export const defaultPreferredAddressTypes = ['InternalIP', 'Hostname', 'InternalDNS', 'ExternalDNS', 'ExternalIP'];

const logOptionNames = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes', 'insecureSkipTLSVerifyBackend'];

/** The container a log request is about: the named one, or the pod's only container. */
export function logContainer(pod: Pod, name: string, requested: string | undefined): string {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])]
    .map((c) => c.name);
  if (requested) {
    if (!containers.includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const regular = (pod.spec?.containers ?? []).map((c) => c.name);
  if (regular.length === 1) return regular[0];
  // kubectl picks the default-container annotation itself; without it, the server asks for a choice.
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && regular.includes(annotated)) return annotated;
  throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${regular.join(' ')}]`);
}

export function kubeletAddress(node: Node, preferred: string[]): { host: string; port: number } {
  const addresses = node.status?.addresses ?? [];
  for (const type of preferred) {
    const found = addresses.find((a) => a.type === type && a.address);
    if (found) return { host: found.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250 };
  }
  throw errors.badRequest(`no preferred addresses found; known addresses: [${addresses.map((a) => `${a.type}:${a.address}`).join(' ')}]`);
}

/** The TLS client the apiserver dials a kubelet with: its client certificate, the kubelet CA if configured (else
 * unverified, as kube), and SNI by host name (never for an IP address). */
export function kubeletRequestOptions(config: KubeletClientConfig, host: string, port: number): https.RequestOptions {
  return {
    host, port,
    cert: config.certPem, key: config.keyPem, ca: config.caPem,
    rejectUnauthorized: config.caPem !== undefined,
    servername: /^[\d.]+$|:/.test(host) ? undefined : host,
  };
}

export async function proxyPodLog(
  getObject: (plural: 'pods' | 'nodes', namespace: string, name: string) => Promise<StoredObject>,
  config: KubeletClientConfig, namespace: string, name: string, query: Record<string, string | undefined>,
  res: ServerResponse, signal: AbortSignal,
): Promise<void> {
  const pod = await getObject('pods', namespace, name) as StoredObject & Pod;
  const container = logContainer(pod, name, query.container);
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
  const node = await getObject('nodes', '', nodeName) as StoredObject & Node;
  const { host, port } = kubeletAddress(node, config.preferredAddressTypes);
  const params = new URLSearchParams();
  for (const option of logOptionNames) {
    const value = query[option];
    if (value !== undefined) params.set(option, value);
  }
  const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(container)}?${params}`;

  await new Promise<void>((resolve, reject) => {
    const upstream = https.request({
      ...kubeletRequestOptions(config, host, port), path, method: 'GET', signal,
    }, (kubeletRes) => {
      const code = kubeletRes.statusCode ?? 502;
      if (code >= 300) {
        let text = '';
        kubeletRes.setEncoding('utf8');
        kubeletRes.on('data', (chunk: string) => { if (text.length < 4096) text += chunk; });
        kubeletRes.on('end', () => {
          const err = code === 404 ? errors.notFound('', 'pods', name) : errors.badRequest(text.trim() || `kubelet answered ${code}`);
          if (code !== 404) err.status.code = code;
          reject(err);
        });
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
      kubeletRes.pipe(res);
      kubeletRes.on('end', resolve);
      kubeletRes.on('error', () => { res.end(); resolve(); });
    });
    upstream.on('error', (e) => {
      if (res.headersSent) {
        res.end();
        resolve();
      } else {
        reject(errors.internal(`Get "https://${host}:${port}${path.split('?')[0]}": ${e.message}`));
      }
    });
    upstream.end();
  });
}
