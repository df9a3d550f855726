// document_signatures rows <-> SignatureRecord. The reasons are kept as a JSON list.

import type { SignatureReason } from '../../core/contract.js';
import type { SignatureRecord } from '../store.js';
import type { DocumentSignaturesTable } from './database.js';

export function fromSignature(s: SignatureRecord): DocumentSignaturesTable {
  return {
    doc_id: s.docId,
    status: s.status,
    weak: s.weak ? 1 : 0,
    policy: s.policy,
    algorithm: s.algorithm ?? null,
    digest_algorithm: s.digestAlgorithm ?? null,
    signer_subject: s.signer?.subject ?? null,
    signer_issuer: s.signer?.issuer ?? null,
    signer_agency_code: s.signer?.agencyCode ?? null,
    signer_serial: s.signer?.serialNumber ?? null,
    signer_fingerprint: s.signer?.fingerprint256 ?? null,
    signer_not_after: s.signer?.notAfter?.getTime() ?? null,
    reasons: JSON.stringify(s.reasons),
    checked_at: s.checkedAt.getTime(),
  };
}

export function toSignature(r: DocumentSignaturesTable): SignatureRecord {
  const record: SignatureRecord = {
    docId: r.doc_id,
    status: r.status as SignatureRecord['status'],
    weak: r.weak === 1,
    policy: r.policy as SignatureRecord['policy'],
    reasons: JSON.parse(r.reasons) as SignatureReason[],
    checkedAt: new Date(r.checked_at),
  };
  if (r.algorithm !== null) record.algorithm = r.algorithm;
  if (r.digest_algorithm !== null) record.digestAlgorithm = r.digest_algorithm;
  if (r.signer_subject !== null && r.signer_serial !== null && r.signer_fingerprint !== null) {
    record.signer = {
      subject: r.signer_subject,
      serialNumber: r.signer_serial,
      fingerprint256: r.signer_fingerprint,
      ...(r.signer_issuer === null ? {} : { issuer: r.signer_issuer }),
      ...(r.signer_agency_code === null ? {} : { agencyCode: r.signer_agency_code }),
      ...(r.signer_not_after === null ? {} : { notAfter: new Date(r.signer_not_after) }),
    };
  }
  return record;
}
