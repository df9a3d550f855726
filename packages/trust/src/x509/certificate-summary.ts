import type { X509Certificate } from 'node:crypto';
import { agencyCodeOf } from './agency-code.js';

/** What a verdict or receipt says about a certificate. */
export interface CertificateSummary {
  /** RFC 4514-style distinguished name, most significant attribute last (`CN=…, O=…, C=VN`) */
  subject: string;
  issuer: string;
  /** upper-case hexadecimal */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  agencyCode?: string;
  /** SHA-256 fingerprint, upper-case hex pairs joined by `:` */
  fingerprint256: string;
}

export function summarizeCertificate(cert: X509Certificate): CertificateSummary {
  const agencyCode = agencyCodeOf(cert);
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    ...(agencyCode === undefined ? {} : { agencyCode }),
    fingerprint256: cert.fingerprint256,
  };
}

/**
 * node:crypto prints names one attribute per line, most significant first, with RFC 2253 escaping
 * already applied to each value; RFC 4514 order is the reverse, comma-separated.
 */
export function distinguishedName(nodeName: string): string {
  return nodeName.split('\n').filter(Boolean).reverse().join(', ');
}
