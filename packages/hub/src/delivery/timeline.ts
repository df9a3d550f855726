// A document's history. The sender (and an admin) see every recipient; a recipient sees only its own row.

import type { Principal, Timeline, TimelineRecipient } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import { attachmentViews } from '../signatures/attachment-signature-view.js';
import { documentAccess } from './document-access.js';

export async function timeline(ctx: HubContext, p: Principal, docId: string): Promise<Timeline> {
  const access = await documentAccess(ctx, p, docId);
  const { document: doc } = access;
  const seeAll = access.isSender || p.via === 'admin';
  const visible = seeAll ? await ctx.store.getDeliveries(docId) : access.own;
  const [events, traces, attachments, relations, statuses, signature] = await Promise.all([
    ctx.store.listEvents(docId),
    ctx.store.listTraces(docId),
    ctx.store.listAttachments(docId),
    ctx.store.listRelations(docId),
    ctx.store.listStatusReports(docId),
    ctx.store.getSignature(docId),
  ]);
  const names = new Map((await ctx.store.getAgencies(visible.map((d) => d.recipient))).map((a) => [a.code, a.name]));
  const inspected = attachmentViews(
    attachments,
    await ctx.store.getAttachmentInspections([...new Set(attachments.map((a) => a.sha256))]),
  );
  const recipients: TimelineRecipient[] = visible.map((d) => ({
    code: d.recipient,
    name: names.get(d.recipient),
    state: d.state,
    statuses: statuses
      .filter((s) => s.sender === d.recipient && s.statusCode !== undefined)
      .map((s) => ({
        statusCode: s.statusCode!,
        description: s.statusDescription,
        docId: s.docId,
        at: s.acceptedAt,
        staff: s.statusStaff,
      })),
    events: events
      .filter((e) => e.recipient === d.recipient)
      .map((e) => ({
        at: e.at,
        kind: e.kind,
        actor: e.actor,
        detail: e.detail,
        statusCode: e.statusCode,
        relatedDocId: e.relatedDocId,
      })),
  }));
  return {
    docId,
    messageType: doc.messageType,
    documentId: doc.messageType === 'status' ? doc.responseForDocumentId : doc.documentId,
    sender: doc.sender,
    subject: doc.subject,
    codeNumber: doc.codeNumber,
    codeNotation: doc.codeNotation,
    businessType: doc.businessType,
    acceptedAt: doc.acceptedAt,
    sha256: doc.sha256,
    size: doc.size,
    traces: traces.map((t) => ({ organId: t.organId, timestamp: t.timestamp })),
    attachments: inspected.attachments,
    related: relations.map((r) => ({ docId: r.relatedDocId, relation: r.relation })),
    recipients,
    ...(doc.messageType === 'edoc' ? { documentSignature: inspected.summary } : {}),
    ...(signature ? { signature: withoutDocId(signature) } : {}),
  };
}

function withoutDocId<T extends { docId: string }>({ docId: _docId, ...rest }: T): Omit<T, 'docId'> {
  return rest;
}
