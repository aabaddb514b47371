#!/usr/bin/env node
// Issues a certificate and key from the cluster CA, for deploy scripts and tests:
//   tsx apiserver/server/gen-certs.ts --dir DIR --cn NAME [--org O ...] --client
//   tsx apiserver/server/gen-certs.ts --dir DIR --cn NAME --serving --san HOST_OR_IP [--san ...]
// Options: --days N (default 365), --name BASE (file names; default from the CN), --ca-dir DIR (default --dir).
// The CA is DIR/ca.crt + ca.key, created on first use. Writes DIR/BASE.crt (0644) and DIR/BASE.key (0600) and
// prints their paths, one per line.
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCA, issueClientCert, issueServingCert, type CertKeyPair } from './certs.ts';
import { writePublicFile, writeSecretFile } from './secret-file.ts';

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      'ca-dir': { type: 'string' },
      cn: { type: 'string' },
      org: { type: 'string', multiple: true },
      client: { type: 'boolean' },
      serving: { type: 'boolean' },
      san: { type: 'string', multiple: true },
      days: { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.dir) throw new UsageError('--dir is required');
  if (!values.cn) throw new UsageError('--cn is required');
  if (Boolean(values.client) === Boolean(values.serving)) throw new UsageError('give exactly one of --client and --serving');
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new UsageError('--days must be a positive whole number');

  const ca = await ensureCA(values['ca-dir'] ?? values.dir);
  let pair: CertKeyPair;
  if (values.client) {
    if (values.san?.length) throw new UsageError('--san applies to --serving certificates only');
    pair = await issueClientCert(ca, { commonName: values.cn, organizations: values.org ?? [], days });
  } else {
    const sans = values.san ?? [];
    if (sans.length === 0) throw new UsageError('--serving needs at least one --san');
    if (values.org?.length) throw new UsageError('--org applies to --client certificates only');
    pair = await issueServingCert(ca, {
      commonName: values.cn,
      dnsNames: sans.filter((s) => net.isIP(s) === 0),
      ipAddresses: sans.filter((s) => net.isIP(s) !== 0),
      days,
    });
  }

  // `system:node:worker-1` -> `system-node-worker-1`: a CN may hold characters that do not belong in file names.
  const base = values.name ?? values.cn.replace(/[^A-Za-z0-9._-]+/g, '-');
  if (base === '' || base.startsWith('.') || base.includes('/')) throw new UsageError(`unusable file name ${JSON.stringify(base)}`);
  await mkdir(values.dir, { recursive: true, mode: 0o700 });
  const certPath = path.join(values.dir, `${base}.crt`);
  const keyPath = path.join(values.dir, `${base}.key`);
  await writeSecretFile(keyPath, pair.keyPem);
  await writePublicFile(certPath, pair.certPem);
  process.stdout.write(`${certPath}\n${keyPath}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
  // One line, as a CLI should: parseArgs adds hints on further lines.
  process.stderr.write(`gen-certs: ${(err as Error).message.split('\n')[0]}\n`);
  process.exit(usage ? 2 : 1);
});
