// @lienthong/trust's inspection of an attachment, as the hub stores and shows it.

import type { AttachmentInspection, PdfSignatureVerdict } from '@lienthong/trust';
import type { AttachmentSignature } from '../core/contract.js';
import type { AttachmentInspectionRecord } from '../store/store.js';

export function inspectionRecord(
  sha256: string,
  inspection: AttachmentInspection,
  checkedAt: Date,
): AttachmentInspectionRecord {
  return {
    sha256,
    outcome: inspection.outcome,
    format: inspection.format,
    ...(inspection.entry ? { entryName: inspection.entry.name } : {}),
    reasons: inspection.reasons.map(({ code, message, severity }) => ({ code, message, severity })),
    checkedAt,
    signatures: inspection.signatures.map(attachmentSignature),
  };
}

function attachmentSignature(v: PdfSignatureVerdict): AttachmentSignature {
  const out: AttachmentSignature = {
    status: v.status,
    coversWholeDocument: v.coversWholeDocument,
    weak: v.weak,
    reasons: v.reasons.map(({ code, message, severity }) => ({ code, message, severity })),
  };
  if (v.subFilter !== undefined) out.subFilter = v.subFilter;
  if (v.signer) {
    const { subject, issuer, agencyCode, serialNumber, fingerprint256 } = v.signer;
    out.signer = { subject, issuer, serialNumber, fingerprint256, ...(agencyCode === undefined ? {} : { agencyCode }) };
  }
  if (v.signingTime) out.signingTime = v.signingTime;
  if (v.signingTimeSource) out.signingTimeSource = v.signingTimeSource;
  if (v.signatureAlgorithm) out.algorithm = v.signatureAlgorithm;
  if (v.digestAlgorithm) out.digestAlgorithm = v.digestAlgorithm;
  return out;
}
