import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/** The certificates a TLS client presented, leaf first; empty for plain HTTP or when it sent none. */
export function peerCertificates(socket: Socket): X509Certificate[] {
  const tls = socket as TLSSocket;
  if (!tls.encrypted || typeof tls.getPeerCertificate !== 'function') return [];
  let node: DetailedPeerCertificate | undefined = tls.getPeerCertificate(true);
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  // The list links each certificate to its issuer and ends on a self-issued one that points to itself.
  while (node?.raw && !seen.has(node.fingerprint256)) {
    seen.add(node.fingerprint256);
    out.push(new X509Certificate(node.raw));
    node = node.issuerCertificate;
  }
  return out;
}
