import type { CertificateSummary } from '../x509/certificate-summary.js';
import type { DigestAlgorithm, SignatureAlgorithm } from './algorithms.js';
import type { Reason, VerdictStatus } from './reasons.js';

export interface Verdict {
  status: VerdictStatus;
  /** errors, indeterminate findings and notes, in the order found */
  reasons: Reason[];
  /** SHA-1 in the signature or digest, or an RSA key under 2048 bits */
  weak: boolean;
  algorithm?: SignatureAlgorithm;
  digestAlgorithm?: DigestAlgorithm;
  /** canonicalization of the package (the Reference's last transform) */
  canonicalization?: 'c14n' | 'exc-c14n';
  /** 'qcvn' when the Signature is in the edXML namespace, as vendor samples write it */
  namespace?: 'dsig' | 'qcvn';
  signer?: CertificateSummary;
  /** signer first, trust anchor last (as far as a path was found) */
  chain?: CertificateSummary[];
}
