import { readFile } from 'node:fs/promises';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { toCertificates } from '@lienthong/trust';
import type { TlsConfig } from '../../config/hub-config.js';
import type { HubPki } from '../../pki/hub-pki.js';

/**
 * The HTTPS options of the hub's server, or undefined for plain HTTP: `tls.cert`/`tls.key`, or with
 * `tls.dev` the hub's own certificate. TLS 1.2 and later only.
 */
export async function serverTlsOptions(
  tls: TlsConfig,
  pki: HubPki | undefined,
): Promise<HttpsServerOptions | undefined> {
  let cert: string;
  let key: string;
  if (tls.cert && tls.key) {
    [cert, key] = await Promise.all([readFile(tls.cert, 'utf8'), readFile(tls.key, 'utf8')]);
  } else if (tls.dev) {
    if (!pki) throw new Error("tls.dev needs the hub's PKI (its own certificate)");
    cert = pki.hubChainPem;
    key = pki.hubKeyPem;
  } else {
    return undefined;
  }
  const options: HttpsServerOptions = { cert, key, minVersion: 'TLSv1.2' };
  if (tls.requestClientCert) {
    // Ask for a certificate but let the handshake finish whatever comes: the hub judges the certificate
    // itself (chain, key usage, CRLs, directory) and answers 401 with the reason instead of a TLS alert.
    options.requestCert = true;
    options.rejectUnauthorized = false;
    const acceptable = tls.clientCa.length > 0 ? await clientCaPems(tls.clientCa) : trustPems(pki);
    // sent in the CertificateRequest so that clients holding several certificates pick a suitable one
    if (acceptable.length > 0) options.ca = acceptable;
  }
  return options;
}

async function clientCaPems(files: readonly string[]): Promise<string[]> {
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  return texts.flatMap((t) => toCertificates(t).map((c) => c.toString()));
}

function trustPems(pki: HubPki | undefined): string[] {
  return pki ? [...pki.anchors, ...pki.intermediates].map((c) => c.toString()) : [];
}
