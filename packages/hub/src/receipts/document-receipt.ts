// The receipt of a stored document: the one signed at acceptance, or (for documents accepted before
// receipts existed) one signed now over the stored facts and kept, so it never changes afterwards.

import type { Receipt } from '@lienthong/trust';
import type { HubContext } from '../core/hub-context.js';
import type { DocumentRecord } from '../store/store.js';
import { issueReceipt } from './issue-receipt.js';

export async function documentReceipt(ctx: HubContext, doc: DocumentRecord): Promise<Receipt> {
  const stored = await ctx.store.getReceipt(doc.docId);
  if (stored) return stored;
  const recipients = (await ctx.store.getDeliveries(doc.docId)).map((d) => d.recipient);
  return ctx.store.insertReceipt(doc.docId, issueReceipt(ctx, doc, recipients), new Date());
}
