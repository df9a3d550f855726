import type { EdxmlPackage } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';
import type { DocumentRecord, StoreOps } from '../store/store.js';

/** The same sender sending the same bytes again gets the same DocId back. */
export function findResubmission(ops: StoreOps, sender: string, sha256: string): Promise<DocumentRecord | undefined> {
  return ops.findDocumentBySha(sender, sha256);
}

/** A DocumentId names one new document per sender (revokes, updates and replaces reuse it legitimately). */
export async function checkDocumentIdFree(ops: StoreOps, pkg: EdxmlPackage, sender: string): Promise<void> {
  if (pkg.kind !== 'document' || pkg.business.docType !== 0) return;
  const documentId = pkg.header.documentId;
  const existing = (await ops.findDocumentsByDocumentId(documentId, sender)).find((d) => d.businessType === 0);
  if (existing) {
    throw new HubError(
      'conflict',
      `DocumentId ${documentId} was already used by ${sender} for document ${existing.docId} with different content`,
      { path: 'MessageHeader/DocumentId', details: { documentId, existingDocId: existing.docId } },
    );
  }
}
