// The one transaction that makes an accepted package exist: document, its signed receipt, attachments,
// deliveries, trace headers, relations, events, the business changes to earlier documents, and the audit entry.

import type { EdxmlPackage } from '@lienthong/edxml';
import { recordAudit } from '../audit/audit-trail.js';
import { INVERSE_RELATION, type RoutingPlan } from '../business/routing-plan.js';
import type { Principal } from '../core/contract.js';
import type { AttachmentRecord, NewDocumentRecord, RelationRecord, StoreOps, TraceRecord } from '../store/store.js';

export interface CommitInput {
  record: NewDocumentRecord;
  /** the hub's signed receipt, stored with the document so that a stored document always has one */
  receipt: string;
  pkg: EdxmlPackage;
  attachments: AttachmentRecord[];
  plan: RoutingPlan;
  principal: Principal;
  hubId: string;
  requestId?: string;
  warnings: string[];
}

export async function commitPackage(tx: StoreOps, c: CommitInput): Promise<void> {
  const { record: doc, plan } = c;
  const at = doc.acceptedAt;
  await tx.insertDocument(doc);
  await tx.insertReceipt(doc.docId, c.receipt, at);
  await tx.insertAttachments(c.attachments);

  const own = c.pkg.kind === 'document' ? c.pkg.traces : [];
  const traces: TraceRecord[] = own.map((t, i) => ({
    docId: doc.docId,
    position: i,
    organId: t.organId,
    timestamp: t.timestamp,
    byHub: false,
  }));
  traces.push({
    docId: doc.docId,
    position: own.length,
    organId: c.hubId,
    timestamp: doc.hubTraceTimestamp!,
    byHub: true,
  });
  await tx.insertTraces(traces);

  for (const r of plan.recipients) await tx.insertDelivery(doc.docId, r, at);
  for (const w of plan.withdrawals) {
    await tx.updateDelivery(w.docId, w.recipient, {
      state: 'withdrawn',
      stateDescription: `withdrawn by ${doc.sender} (${doc.docId})`,
      updatedAt: at,
    });
  }
  for (const s of plan.statusUpdates) {
    await tx.updateDelivery(s.docId, s.recipient, { lastStatus: s.statusCode, lastStatusAt: at });
  }
  const relations: RelationRecord[] = plan.relations.flatMap((r) => [
    { docId: doc.docId, relatedDocId: r.docId, relation: r.relation },
    { docId: r.docId, relatedDocId: doc.docId, relation: INVERSE_RELATION[r.relation] },
  ]);
  await tx.insertRelations(relations);
  await tx.insertEvents([
    { docId: doc.docId, at, kind: 'accepted', actor: c.principal.systemId, detail: doc.sender },
    ...plan.events,
  ]);
  await recordAudit(tx, {
    actor: c.principal.systemId,
    action: 'accept',
    subject: doc.docId,
    requestId: c.requestId,
    at,
    details: {
      messageType: doc.messageType,
      sender: doc.sender,
      documentId: doc.documentId,
      businessType: doc.businessType,
      statusCode: doc.statusCode,
      responseForDocId: doc.responseForDocId,
      recipients: plan.recipients,
      withdrawn: plan.withdrawals,
      sha256: doc.sha256,
      size: doc.size,
      warnings: c.warnings,
    },
  });
}
