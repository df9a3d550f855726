import type { X509Certificate } from 'node:crypto';
import {
  agencyCodeOf,
  type CertificateSummary,
  distinguishedName,
  type Reason,
  summarizeCertificate,
  type toCrls,
  validateChain,
} from '@lienthong/trust';
import { HubError } from '../../core/contract.js';

type Crl = ReturnType<typeof toCrls>[number];

/** What a client certificate must chain to, and the revocation lists to check it against. */
export interface ClientCertificateTrust {
  anchors: readonly X509Certificate[];
  intermediates: readonly X509Certificate[];
  /** the CRLs as currently known (read on every check, so a refresh takes effect at once) */
  crls(): readonly Crl[];
  /** what a CRL past its nextUpdate means: refuse ('indeterminate') or accept */
  staleCrl: 'indeterminate' | 'accept';
}

export interface CheckedClientCertificate {
  agencyCode: string;
  certificate: CertificateSummary;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

const VERB: Partial<Record<Reason['code'], string>> = {
  'chain-untrusted': 'is not trusted',
  'certificate-revoked': 'is revoked',
  'certificate-expired': 'has expired',
  'certificate-not-yet-valid': 'is not yet valid',
};

/**
 * Judges the certificate a TLS client presented (leaf first, then whatever chain it sent): a path to a
 * trust anchor, validity now, CA and key-usage constraints, TLS client authentication allowed, not
 * revoked (an undeterminable revocation status refuses too), and an agency code in the subject UID.
 */
export async function checkClientCertificate(
  presented: readonly X509Certificate[],
  trust: ClientCertificateTrust,
  now: Date,
): Promise<CheckedClientCertificate> {
  const leaf = presented[0];
  if (!leaf) throw new HubError('unauthenticated', 'no client certificate');
  const agencyCode = agencyCodeOf(leaf);
  const serial = leaf.serialNumber.toUpperCase();
  const who = agencyCode ?? `"${distinguishedName(leaf.subject)}"`;

  const verdict = await validateChain(leaf, {
    trustAnchors: trust.anchors,
    intermediates: [...trust.intermediates, ...presented.slice(1)],
    crls: trust.crls(),
    now,
    staleCrl: trust.staleCrl === 'accept' ? 'note' : 'indeterminate',
  });
  const refusal =
    verdict.reasons.find((r) => r.severity === 'error') ?? verdict.reasons.find((r) => r.severity === 'indeterminate');
  if (refusal) {
    const verb =
      refusal.severity === 'indeterminate'
        ? 'cannot be checked for revocation'
        : (VERB[refusal.code] ?? `is refused (${refusal.code})`);
    throw new HubError(
      'unauthenticated',
      `client certificate of ${who} ${verb} (serial ${serial}): ${refusal.message}`,
    );
  }

  const usages = leaf.keyUsage;
  if (usages !== undefined && !usages.includes(CLIENT_AUTH) && !usages.includes(ANY_EXTENDED_KEY_USAGE)) {
    throw new HubError(
      'unauthenticated',
      `client certificate of ${who} does not allow TLS client authentication (serial ${serial}; extended key usage ${usages.join(', ')})`,
    );
  }
  if (!agencyCode) {
    throw new HubError(
      'unauthenticated',
      `client certificate ${who} names no agency: its subject has no UID attribute (serial ${serial})`,
    );
  }
  return { agencyCode, certificate: summarizeCertificate(leaf) };
}
