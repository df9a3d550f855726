// Certificates and CRLs given as PEM text, DER bytes or objects, normalised to node:crypto / @peculiar types.
import { X509Certificate } from 'node:crypto';
import { x509 } from './peculiar.js';

export type CertificateInput = X509Certificate | string | Uint8Array;
export type CrlInput = x509.X509Crl | string | Uint8Array;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every certificate in the inputs (a PEM string may hold several). */
export function toCertificates(inputs: readonly CertificateInput[] | CertificateInput | undefined): X509Certificate[] {
  if (inputs === undefined) return [];
  const list = Array.isArray(inputs) ? inputs : [inputs as CertificateInput];
  const out: X509Certificate[] = [];
  for (const input of list) {
    if (input instanceof X509Certificate) out.push(input);
    else if (typeof input === 'string') {
      for (const block of pemBlocks(input, 'CERTIFICATE')) out.push(new X509Certificate(block));
    } else out.push(new X509Certificate(Buffer.from(input)));
  }
  return out;
}

export function toCrls(inputs: readonly CrlInput[] | undefined): x509.X509Crl[] {
  const out: x509.X509Crl[] = [];
  for (const input of inputs ?? []) {
    if (input instanceof x509.X509Crl) out.push(input);
    else if (typeof input === 'string')
      for (const block of pemBlocks(input, 'X509 CRL')) out.push(new x509.X509Crl(toArrayBuffer(pemBody(block))));
    else out.push(new x509.X509Crl(toArrayBuffer(input)));
  }
  return out;
}

function pemBlocks(text: string, type: string): string[] {
  const blocks = [...text.matchAll(PEM_BLOCK)].filter((m) => m[1] === type).map((m) => m[0]);
  if (blocks.length === 0) throw new Error(`no PEM ${type} block found`);
  return blocks;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}

function pemBody(block: string): Buffer {
  return Buffer.from(block.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

/** PEM with the label openssl expects for a CRL (`X509 CRL`). */
export function crlToPem(crl: x509.X509Crl): string {
  return toPem('X509 CRL', Buffer.from(crl.rawData));
}

export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const PARSED_LIMIT = 256;
const parsed = new Map<string, x509.X509Certificate>();

/** The @peculiar view of a certificate (extensions, names); parsed once per certificate, as ASN.1 parsing dominates verification time. */
export function toPeculiar(cert: X509Certificate): x509.X509Certificate {
  const key = cert.fingerprint256;
  let out = parsed.get(key);
  if (!out) {
    out = new x509.X509Certificate(toArrayBuffer(cert.raw));
    if (parsed.size >= PARSED_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, out);
  }
  return out;
}
