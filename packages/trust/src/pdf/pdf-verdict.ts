import type { CertificateSummary } from '../x509/certificate-summary.js';
import type { CmsDigest } from './cms-algorithms.js';
import type { PdfReason } from './pdf-reasons.js';

export type PdfSignatureStatus = 'valid' | 'invalid' | 'indeterminate';

/** The verdict on one signature dictionary of a PDF. */
export interface PdfSignatureVerdict {
  status: PdfSignatureStatus;
  /** errors, indeterminate findings and notes, in the order found */
  reasons: PdfReason[];
  /** /SubFilter as written: adbe.pkcs7.detached, ETSI.CAdES.detached, … */
  subFilter: string | undefined;
  byteRange: number[] | undefined;
  /** the signed ranges reach from the first to the last byte of the file, less this signature's /Contents */
  coversWholeDocument: boolean;
  signer?: CertificateSummary;
  /** the signed signingTime attribute, else the dictionary's /M (which the signature does not protect) */
  signingTime?: Date;
  signingTimeSource?: 'cms' | 'pdf';
  digestAlgorithm?: CmsDigest;
  /** e.g. rsa-pkcs1-sha256, rsa-pss-sha256, ecdsa-sha256 */
  signatureAlgorithm?: string;
  /** SHA-1, or an RSA key under 2048 bits */
  weak: boolean;
  /** the indirect object holding the signature dictionary */
  objectNumber?: number;
}

export interface PdfVerification {
  size: number;
  /** in file order */
  signatures: PdfSignatureVerdict[];
  /** findings about the file rather than one signature (no signature, too many) */
  reasons: PdfReason[];
}
