// What a system has sent, newest first, with each recipient's transport state and latest status.

import type { MessageType, Principal, SentItem } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.js';

export async function sent(
  ctx: HubContext,
  p: Principal,
  q: { messageType: MessageType; docId?: string; cursor?: string; limit?: number },
): Promise<{ items: SentItem[]; nextCursor?: string }> {
  const limit = pageLimit(q.limit, ctx.config.limits.maxPageSize);
  const docs = await ctx.store.listSent({
    senders: await ctx.directory.scope(p),
    messageType: q.messageType,
    docId: q.docId,
    beforeSeq: decodeCursor(q.cursor),
    limit,
  });
  const items: SentItem[] = [];
  for (const doc of docs) {
    const deliveries = await ctx.store.getDeliveries(doc.docId);
    items.push({
      docId: doc.docId,
      messageType: doc.messageType,
      documentId: doc.messageType === 'status' ? doc.responseForDocumentId : doc.documentId,
      subject: doc.subject,
      codeNumber: doc.codeNumber,
      codeNotation: doc.codeNotation,
      sentAt: doc.acceptedAt,
      recipients: deliveries.map((d) => ({
        code: d.recipient,
        state: d.state,
        stateDescription: d.stateDescription,
        receivedAt: d.fetchedAt,
        lastStatus: d.lastStatus,
      })),
    });
  }
  const last = docs.at(-1);
  return { items, nextCursor: docs.length === limit && last ? encodeCursor(last.seq) : undefined };
}
