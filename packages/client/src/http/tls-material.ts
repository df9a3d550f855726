import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** TLS settings of a client: each value is PEM text or the path of a PEM file. */
export interface ClientTlsOptions {
  /** CA certificate(s) to trust for the hub's certificate (default: Node's built-in roots) */
  ca?: string | string[];
  /** client certificate (mutual TLS), optionally followed by its intermediate CA certificates */
  cert?: string;
  /** the client certificate's private key */
  key?: string;
}

/** PEM text ready for `https.request`. */
export interface TlsMaterial {
  ca?: string[];
  cert?: string;
  key?: string;
}

/** Reads the files among the options; throws when a certificate comes without its key or the reverse. */
export function loadTlsMaterial(tls: ClientTlsOptions | undefined): TlsMaterial | undefined {
  if (!tls) return undefined;
  if (Boolean(tls.cert) !== Boolean(tls.key)) {
    throw new Error('tls.cert and tls.key go together: the client certificate and its private key');
  }
  const out: TlsMaterial = {};
  if (tls.ca !== undefined) out.ca = (Array.isArray(tls.ca) ? tls.ca : [tls.ca]).map((v) => pem(v, 'tls.ca'));
  if (tls.cert && tls.key) {
    out.cert = pem(tls.cert, 'tls.cert');
    out.key = pem(tls.key, 'tls.key');
  }
  return out;
}

/** The agency code a client certificate names (its subject UID), if any. */
export function agencyCodeOfCertificate(certPem: string): string | undefined {
  const subject = new X509Certificate(certPem).subject;
  return /^UID=(.+)$/m.exec(subject)?.[1];
}

function pem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    throw new Error(`${what}: cannot read ${value} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
