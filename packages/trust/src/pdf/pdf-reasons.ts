// Reason codes of PDF signature and attachment inspection, on top of the certificate codes the
// XML-DSig verifier shares (chain-untrusted, certificate-revoked, …).
import type { Reason, ReasonCode, ReasonSeverity } from '../xmldsig/reasons.js';

export type PdfReasonCode =
  | ReasonCode
  | 'byte-range-malformed'
  | 'byte-range-hole'
  | 'partial-coverage'
  | 'contents-malformed'
  | 'contents-too-large'
  | 'too-many-signatures'
  | 'sub-filter-unsupported'
  | 'cms-malformed'
  | 'cms-not-detached'
  | 'signing-certificate-mismatch'
  | 'signing-time-future'
  | 'timestamp-not-checked'
  | 'not-pdf'
  | 'zip-malformed'
  | 'zip-unsupported'
  | 'zip-encrypted'
  | 'zip-entry-name-unsafe'
  | 'zip-multiple-entries'
  | 'zip-entry-not-pdf'
  | 'zip-too-large'
  | 'zip-bomb';

export interface PdfReason {
  code: PdfReasonCode;
  message: string;
  severity: ReasonSeverity;
}

export function pdfReason(code: PdfReasonCode, message: string, severity: ReasonSeverity = 'error'): PdfReason {
  return { code, message, severity };
}

export function fromChainReasons(reasons: readonly Reason[]): PdfReason[] {
  return reasons.map((r) => ({ code: r.code, message: r.message, severity: r.severity }));
}

/** error → invalid; indeterminate → indeterminate (unless an error); notes do not count. */
export function pdfStatusOf(reasons: readonly PdfReason[]): 'valid' | 'invalid' | 'indeterminate' {
  if (reasons.some((r) => r.severity === 'error')) return 'invalid';
  if (reasons.some((r) => r.severity === 'indeterminate')) return 'indeterminate';
  return 'valid';
}
