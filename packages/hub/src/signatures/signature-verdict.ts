// The trust package's verdict as the hub records and shows it.

import type { Verdict } from '@lienthong/trust';
import type { SignatureVerdict } from '../core/contract.js';

export function toSignatureVerdict(v: Verdict, policy: SignatureVerdict['policy'], checkedAt: Date): SignatureVerdict {
  const out: SignatureVerdict = {
    status: v.status,
    weak: v.weak,
    policy,
    reasons: v.reasons.map((r) => ({ code: r.code, message: r.message, severity: r.severity })),
    checkedAt,
  };
  if (v.algorithm) out.algorithm = v.algorithm;
  if (v.digestAlgorithm) out.digestAlgorithm = v.digestAlgorithm;
  if (v.signer) {
    out.signer = {
      subject: v.signer.subject,
      issuer: v.signer.issuer,
      serialNumber: v.signer.serialNumber,
      fingerprint256: v.signer.fingerprint256,
      notAfter: v.signer.notAfter,
      ...(v.signer.agencyCode === undefined ? {} : { agencyCode: v.signer.agencyCode }),
    };
  }
  return out;
}

/** `signature invalid: digest-mismatch — the package was altered: …; signer-unexpected — …` */
export function describeSignatureProblem(v: SignatureVerdict): string {
  const severity = v.status === 'indeterminate' ? 'indeterminate' : 'error';
  const findings = v.reasons.filter((r) => r.severity === severity);
  if (v.status === 'absent' || findings.length === 0) {
    return `signature ${v.status}: signature-absent — the package has no Signature in edXMLHeader, and a valid XML signature is required`;
  }
  return `signature ${v.status}: ${findings.map((r) => `${r.code} — ${r.message}`).join('; ')}`;
}
