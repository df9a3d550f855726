// Who may see a document: its sender, and its recipients (each only its own delivery).

import { HubError, type Principal } from '../core/contract.js';
import { isDocId } from '../core/doc-id.js';
import type { HubContext } from '../core/hub-context.js';
import type { DeliveryRecord, DocumentRecord, StoreOps } from '../store/store.js';

export interface DocumentAccess {
  document: DocumentRecord;
  /** the principal sent it (itself, or one of its tenant units) */
  isSender: boolean;
  /** the principal's deliveries of it */
  own: DeliveryRecord[];
  scope: string[];
}

export async function documentAccess(
  ctx: HubContext,
  p: Principal,
  docId: string,
  ops: StoreOps = ctx.store,
): Promise<DocumentAccess> {
  const notFound = () => new HubError('not-found', `no document ${docId} for ${p.systemId}`, { path: 'docId' });
  if (!isDocId(docId)) throw notFound();
  const document = await ops.getDocument(docId);
  if (!document) throw notFound();
  const scope = await ctx.directory.scope(p, ops);
  const own = await ops.getDeliveriesTo(docId, scope);
  const isSender = scope.includes(document.sender) || document.submittedBy === p.systemId;
  if (!isSender && own.length === 0 && p.via !== 'admin') throw notFound();
  return { document, isSender, own, scope };
}
