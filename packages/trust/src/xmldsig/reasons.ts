// The verdict of a signature check and the reasons it can carry.

export type VerdictStatus = 'valid' | 'invalid' | 'absent' | 'indeterminate';

/** error → invalid; indeterminate → indeterminate (unless an error); note → informational only. */
export type ReasonSeverity = 'error' | 'indeterminate' | 'note';

export type ReasonCode =
  | 'signature-absent'
  | 'xml-malformed'
  | 'header-too-large'
  | 'multiple-signatures'
  | 'signature-misplaced'
  | 'signature-malformed'
  | 'signature-too-large'
  | 'reference-count'
  | 'reference-uri'
  | 'transforms-not-allowed'
  | 'unsupported-algorithm'
  | 'value-not-plain-text'
  | 'value-not-base64'
  | 'digest-mismatch'
  | 'signature-mismatch'
  | 'key-algorithm-mismatch'
  | 'certificate-missing'
  | 'certificate-unreadable'
  | 'chain-untrusted'
  | 'issuer-not-ca'
  | 'key-usage'
  | 'certificate-expired'
  | 'certificate-not-yet-valid'
  | 'certificate-revoked'
  | 'crl-signature-invalid'
  | 'crl-stale'
  | 'crl-not-yet-valid'
  | 'crl-missing'
  | 'revocation-not-checked'
  | 'signer-unexpected'
  | 'qcvn-namespace'
  | 'nonstandard-algorithm-uri'
  | 'weak-algorithm'
  | 'weak-key'
  | 'subject-name-mismatch'
  | 'jws-malformed'
  | 'payload-not-canonical'
  | 'receipt-malformed'
  | 'checkpoint-malformed';

export interface Reason {
  code: ReasonCode;
  message: string;
  severity: ReasonSeverity;
}

export function reason(code: ReasonCode, message: string, severity: ReasonSeverity = 'error'): Reason {
  return { code, message, severity };
}

/** The status that a list of reasons adds up to, for a signature that is present. */
export function statusOf(reasons: readonly Reason[]): Exclude<VerdictStatus, 'absent'> {
  if (reasons.some((r) => r.severity === 'error')) return 'invalid';
  if (reasons.some((r) => r.severity === 'indeterminate')) return 'indeterminate';
  return 'valid';
}
