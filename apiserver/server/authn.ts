// Who is asking: a verified TLS client certificate (CN = user, O = groups), a bearer token from the token file, or
// a ServiceAccount token, tried in kube-apiserver's order (x509 first, then the token file, then ServiceAccount
// JWTs). The server decides what anonymous may reach.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { TokenAuthenticator } from './token-file.ts';
import { withAuthenticatedGroup, type UserInfo } from './user.ts';

export type { UserInfo } from './user.ts';
export { parseTokenFile, TokenAuthenticator, type TokenAuthenticatorOptions } from './token-file.ts';

/** Bearer tokens checked against state (ServiceAccount JWTs, whose account must still exist). */
export interface AsyncTokenAuthenticator {
  authenticate(token: string): Promise<UserInfo | undefined>;
}

export interface AuthenticationConfig {
  tokens?: TokenAuthenticator;
  serviceAccountTokens?: AsyncTokenAuthenticator;
  /** True when the TLS server asks for client certificates (--client-ca-file was given). */
  clientCA?: boolean;
}

/**
 * A user; null when the request carried no credentials (anonymous); 'invalid' when it carried credentials that
 * do not authenticate (unknown or malformed bearer token, a client certificate that does not verify) — a 401
 * whatever the path, as in kube-apiserver.
 */
export type AuthenticationResult = UserInfo | null | 'invalid';

export async function authenticateRequest(
  req: { headers: IncomingHttpHeaders; socket: TLSSocket | Socket },
  auth: AuthenticationConfig,
): Promise<AuthenticationResult> {
  let failed = false;

  if (auth.clientCA && req.socket instanceof TLSSocket) {
    const fromCert = userFromClientCertificate(req.socket);
    if (fromCert === 'invalid') failed = true;
    else if (fromCert) return withAuthenticatedGroup(fromCert);
  }

  const header = req.headers.authorization;
  if (header !== undefined && header.trim() !== '') {
    const token = bearerToken(header);
    const user = token === undefined ? undefined
      : auth.tokens?.authenticate(token) ?? await auth.serviceAccountTokens?.authenticate(token);
    // Unlike kube, any Authorization header we cannot use is a 401, not a silent fall-back to anonymous:
    // a client that meant to authenticate should hear that it did not.
    if (!user) return 'invalid';
    return withAuthenticatedGroup(user);
  }

  return failed ? 'invalid' : null;
}

/**
 * `Bearer <token>`: the scheme is case-insensitive (RFC 7235), the token one run of non-space characters.
 * Anything else (another scheme, no token, trailing words) is undefined.
 */
export function bearerToken(header: string): string | undefined {
  const match = /^bearer +(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/**
 * The user a verified client certificate names. The TLS layer already checked the chain against the client CA
 * and, since OpenSSL verifies a client's certificate for the sslclient purpose, its clientAuth usage; we only
 * read the result. undefined: no certificate, or one without a CN (kube then tries the other authenticators).
 */
function userFromClientCertificate(socket: TLSSocket): UserInfo | undefined | 'invalid' {
  const cert = socket.getPeerCertificate();
  if (!cert || cert.raw === undefined) return undefined;
  if (!socket.authorized) return 'invalid';
  // Node gives a string for one value and an array for several. Go's x509 keeps the last CN and every O.
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const cns = asList(subject?.CN);
  const name = cns[cns.length - 1];
  if (!name) return undefined;
  return { name, groups: asList(subject?.O) };
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface TlsServerOptions {
  key: Buffer;
  cert: Buffer;
  ca?: Buffer;
  requestCert: boolean;
  rejectUnauthorized: false;
  minVersion: 'TLSv1.2';
}

/**
 * Options for fastify's `https`. Client certificates are requested only when a client CA is configured, and never
 * enforced during the handshake: a kubectl with only a token must still connect, and a bad certificate should
 * get a 401 Status, not a TLS alert. authenticateRequest reads the verdict from the socket.
 */
export function tlsServerOptions(opts: { certPath: string; keyPath: string; clientCAPath?: string }): TlsServerOptions {
  const options: TlsServerOptions = {
    key: readFileSync(opts.keyPath),
    cert: readFileSync(opts.certPath),
    requestCert: opts.clientCAPath !== undefined,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  };
  if (opts.clientCAPath !== undefined) options.ca = readFileSync(opts.clientCAPath);
  return options;
}
