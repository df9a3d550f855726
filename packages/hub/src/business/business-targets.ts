// The earlier documents a revoke/update/replace/recall is about, and who may act on them.

import { HubError } from '../core/contract.js';
import type { DocumentRecord, StoreOps } from '../store/store.js';

export interface Targets {
  documents: DocumentRecord[];
  warning?: string;
}

/** The sender's documents carrying `documentId`; `forbidden` when the id belongs to another sender only. */
export async function findOwnTargets(
  ops: StoreOps,
  documentId: string,
  sender: string,
  action: string,
): Promise<Targets> {
  const all = await ops.findDocumentsByDocumentId(documentId);
  const documents = all.filter((d) => d.sender === sender);
  if (documents.length === 0 && all.length > 0) {
    const owners = [...new Set(all.map((d) => d.sender))].join(', ');
    throw new HubError('forbidden', `only the sender of ${documentId} (${owners}) may ${action} it, not ${sender}`, {
      path: 'Bussiness/DocumentId',
    });
  }
  return {
    documents,
    warning:
      documents.length === 0
        ? `${documentId} is unknown to this hub (sent before it took over?); delivered to the listed recipients only`
        : undefined,
  };
}
