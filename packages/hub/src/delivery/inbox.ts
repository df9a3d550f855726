// A recipient's list of what it still has to take (a tenant sees its own and its units' deliveries).

import type { DeliveryState, InboxItem, InboxPage, InboxQuery, MessageType, Principal } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import type { InboxRow } from '../store/store.js';
import { documentHeader } from './document-header.js';
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.js';

export const OPEN_STATES: DeliveryState[] = ['pending', 'processing'];

export async function inbox(ctx: HubContext, p: Principal, q: InboxQuery): Promise<InboxPage> {
  const limit = pageLimit(q.limit, ctx.config.limits.maxPageSize);
  const recipients = await ctx.directory.scope(p);
  const rows = await ctx.store.listInbox({
    recipients,
    messageType: q.messageType,
    states: q.states && q.states.length > 0 ? q.states : OPEN_STATES,
    afterSeq: decodeCursor(q.cursor),
    limit,
    from: q.from,
    fromDate: q.fromDate,
    toDate: q.toDate,
  });
  const last = rows.at(-1);
  return {
    items: rows.map(toItem),
    nextCursor: rows.length === limit && last ? encodeCursor(last.delivery.seq) : undefined,
  };
}

export async function countPending(ctx: HubContext, p: Principal, messageType: MessageType): Promise<number> {
  return ctx.store.countDeliveries({ recipients: await ctx.directory.scope(p), messageType, states: OPEN_STATES });
}

function toItem({ delivery: d, document: doc }: InboxRow): InboxItem {
  return {
    docId: doc.docId,
    messageType: doc.messageType,
    from: doc.sender,
    to: d.recipient,
    state: d.state,
    stateDescription: d.stateDescription,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    documentId: doc.messageType === 'status' ? doc.responseForDocumentId : doc.documentId,
    ...documentHeader(doc),
    statusCode: doc.statusCode,
    responseForDocId: doc.responseForDocId,
    size: doc.size,
  };
}
