// Certification path building and checking: issuer signatures up to a trust anchor, validity at a
// given time, CA and key-usage constraints, and revocation against the CRLs given.
import type { X509Certificate } from 'node:crypto';
import { type Reason, reason } from '../xmldsig/reasons.js';
import { toPeculiar } from './certificate-input.js';
import { distinguishedName } from './certificate-summary.js';
import { x509 } from './peculiar.js';

export interface ChainOptions {
  trustAnchors: readonly X509Certificate[];
  intermediates?: readonly X509Certificate[];
  crls?: readonly x509.X509Crl[];
  now?: Date;
  /** what a CRL past its nextUpdate makes of the verdict; default 'indeterminate' */
  staleCrl?: 'indeterminate' | 'note';
  /** without a CRL for every issuer: 'indeterminate', or just a note (default) */
  requireRevocationCheck?: boolean;
  /** key usage the end-entity certificate must allow when it has the extension; default signing */
  leafUsage?: 'signing';
  /**
   * when CRLs are judged current (thisUpdate, nextUpdate), if not at `now`: a signature judged at its
   * signing time is checked against today's CRLs, which are necessarily issued after that time
   */
  crlTime?: Date;
}

export interface ChainResult {
  /** end entity first, trust anchor last; ends before the anchor when no path was found */
  chain: X509Certificate[];
  trusted: boolean;
  reasons: Reason[];
}

const MAX_PATH = 8;

export async function validateChain(leaf: X509Certificate, options: ChainOptions): Promise<ChainResult> {
  const now = options.now ?? new Date();
  const reasons: Reason[] = [];
  const anchors = options.trustAnchors;
  const pool = options.intermediates ?? [];
  const chain: X509Certificate[] = [leaf];
  let trusted = anchors.some((a) => a.fingerprint256 === leaf.fingerprint256);
  while (!trusted && chain.length <= MAX_PATH) {
    const current = chain[chain.length - 1]!;
    const anchor = anchors.find((a) => issues(a, current));
    if (anchor) {
      chain.push(anchor);
      trusted = true;
      break;
    }
    const next = pool.find((c) => issues(c, current) && !chain.some((x) => x.fingerprint256 === c.fingerprint256));
    if (!next) break;
    chain.push(next);
  }
  if (!trusted) {
    const last = chain[chain.length - 1]!;
    reasons.push(
      reason(
        'chain-untrusted',
        `no path to a trust anchor: no trusted issuer for "${distinguishedName(last.subject)}" (issuer "${distinguishedName(last.issuer)}")`,
      ),
    );
  }

  for (const [i, cert] of chain.entries()) {
    const name = distinguishedName(cert.subject);
    if (now < new Date(cert.validFrom)) {
      reasons.push(reason('certificate-not-yet-valid', `certificate "${name}" is not valid before ${cert.validFrom}`));
    }
    if (now > new Date(cert.validTo)) {
      reasons.push(reason('certificate-expired', `certificate "${name}" expired on ${cert.validTo}`));
    }
    const { usage, pathLength } = constraintsOf(cert);
    if (i > 0) {
      if (!cert.ca) reasons.push(reason('issuer-not-ca', `issuer certificate "${name}" is not a CA certificate`));
      else if (usage !== undefined && !(usage & x509.KeyUsageFlags.keyCertSign)) {
        reasons.push(reason('key-usage', `issuer certificate "${name}" does not allow certificate signing`));
      }
      if (pathLength !== undefined && i - 1 > pathLength) {
        reasons.push(
          reason('issuer-not-ca', `CA certificate "${name}" allows ${pathLength} intermediate CA(s) below it`),
        );
      }
    } else if (
      usage !== undefined &&
      !(usage & (x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation))
    ) {
      reasons.push(reason('key-usage', `certificate "${name}" does not allow digital signatures`));
    }
  }

  if (trusted) reasons.push(...(await checkRevocation(chain, options, now)));
  return { chain, trusted, reasons };
}

/** Whether `issuer` issued `cert` (names match and the signature verifies). */
export function issues(issuer: X509Certificate, cert: X509Certificate): boolean {
  const pair = `${cert.fingerprint256}/${issuer.fingerprint256}`;
  let issued = issuedPairs.get(pair);
  if (issued === undefined) {
    try {
      issued = cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
    } catch {
      issued = false;
    }
    remember(issuedPairs, pair, issued);
  }
  return issued;
}

// What does not change for given certificates and CRLs is worked out once: every agency's chain goes
// through the same intermediate, root and CRLs, and a cold hub meets a hundred new signers at once.
const MEMO_LIMIT = 10_000;
/** `issues` answers, by "certificate fingerprint/issuer fingerprint" */
const issuedPairs = new Map<string, boolean>();
/** key usage and path length constraint of a certificate, by fingerprint */
const constraints = new Map<string, { usage: number | undefined; pathLength: number | undefined }>();
/** whether a CRL's signature verifies with an issuer's key, by issuer fingerprint */
const crlSignatures = new WeakMap<x509.X509Crl, Map<string, Promise<boolean>>>();

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, value);
}

function constraintsOf(cert: X509Certificate): { usage: number | undefined; pathLength: number | undefined } {
  let c = constraints.get(cert.fingerprint256);
  if (!c) {
    const details = toPeculiar(cert);
    c = {
      usage: details.getExtension(x509.KeyUsagesExtension)?.usages,
      pathLength: details.getExtension(x509.BasicConstraintsExtension)?.pathLength,
    };
    remember(constraints, cert.fingerprint256, c);
  }
  return c;
}

function crlVerifies(crl: x509.X509Crl, issuer: X509Certificate): Promise<boolean> {
  let byIssuer = crlSignatures.get(crl);
  if (!byIssuer) {
    byIssuer = new Map();
    crlSignatures.set(crl, byIssuer);
  }
  let verified = byIssuer.get(issuer.fingerprint256);
  if (!verified) {
    verified = crl.verify({ publicKey: toPeculiar(issuer) }).catch(() => false);
    byIssuer.set(issuer.fingerprint256, verified);
  }
  return verified;
}

async function checkRevocation(chain: X509Certificate[], options: ChainOptions, now: Date): Promise<Reason[]> {
  const reasons: Reason[] = [];
  const crls = options.crls ?? [];
  if (crls.length === 0) {
    if (chain.length > 1) {
      reasons.push(
        reason(
          'revocation-not-checked',
          'no CRL given: revocation not checked',
          options.requireRevocationCheck ? 'indeterminate' : 'note',
        ),
      );
    }
    return reasons;
  }
  // every certificate but the anchor is checked against a CRL of its issuer
  for (let i = 0; i + 1 < chain.length; i++) {
    const cert = chain[i]!;
    const issuerCert = chain[i + 1]!;
    const issuer = toPeculiar(issuerCert);
    const name = distinguishedName(cert.subject);
    const candidates = crls.filter((c) => c.issuerName.toString() === issuer.subjectName.toString());
    let crl: x509.X509Crl | undefined;
    for (const candidate of candidates) {
      if (await crlVerifies(candidate, issuerCert)) {
        crl = candidate;
        break;
      }
    }
    if (!crl) {
      if (candidates.length > 0) {
        reasons.push(
          reason(
            'crl-signature-invalid',
            `the CRL of "${issuer.subject}" does not verify with its issuer's key`,
            'indeterminate',
          ),
        );
      } else {
        reasons.push(
          reason(
            'crl-missing',
            `no CRL of "${issuer.subject}" given: revocation of "${name}" not checked`,
            options.requireRevocationCheck ? 'indeterminate' : 'note',
          ),
        );
      }
      continue;
    }
    const crlTime = options.crlTime ?? now;
    if (crl.thisUpdate > crlTime) {
      reasons.push(
        reason(
          'crl-not-yet-valid',
          `the CRL of "${issuer.subject}" is dated ${crl.thisUpdate.toISOString()}`,
          'indeterminate',
        ),
      );
    }
    if (crl.nextUpdate && crl.nextUpdate < crlTime) {
      reasons.push(
        reason(
          'crl-stale',
          `the CRL of "${issuer.subject}" was due to be replaced on ${crl.nextUpdate.toISOString()}`,
          options.staleCrl ?? 'indeterminate',
        ),
      );
    }
    const entry = crl.findRevoked(toPeculiar(cert));
    if (entry && entry.revocationDate <= now) {
      const why = entry.reason === undefined ? '' : ` (${x509.X509CrlReason[entry.reason]})`;
      reasons.push(
        reason(
          'certificate-revoked',
          `certificate "${name}" was revoked on ${entry.revocationDate.toISOString()}${why}`,
        ),
      );
    }
  }
  return reasons;
}
