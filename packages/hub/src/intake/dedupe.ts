import type { EdxmlPackage } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';
import type { EarlierSubmission, StoreOps } from '../store/store.js';

/** The DocumentId a package claims as a new document (the one checkDocumentIdFreeIn checks), if any. */
export function newDocumentId(pkg: EdxmlPackage): string | undefined {
  return pkg.kind === 'document' && pkg.business.docType === 0 ? pkg.header.documentId : undefined;
}

/** The same bytes sent before, and the sender's documents using the package's new DocumentId: one look-up. */
export function findEarlier(
  ops: StoreOps,
  pkg: EdxmlPackage,
  sender: string,
  sha256: string,
): Promise<EarlierSubmission> {
  return ops.findEarlierSubmission(sender, sha256, newDocumentId(pkg));
}

/** A DocumentId names one new document per sender (revokes, updates and replaces reuse it legitimately). */
export function checkDocumentIdFreeIn(found: EarlierSubmission, pkg: EdxmlPackage, sender: string): void {
  const documentId = newDocumentId(pkg);
  if (documentId === undefined) return;
  const existing = found.sameDocumentId.find((d) => d.businessType === 0);
  if (existing) throw documentIdTaken(documentId, sender, existing.docId);
}

function documentIdTaken(documentId: string, sender: string, existingDocId: string): HubError {
  return new HubError(
    'conflict',
    `DocumentId ${documentId} was already used by ${sender} for document ${existingDocId} with different content`,
    { path: 'MessageHeader/DocumentId', details: { documentId, existingDocId } },
  );
}
