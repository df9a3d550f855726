// The hub's signed receipt of an accepted package (docs/trust.md, "Receipts").

import { createReceipt, createReceiptAsync, type Receipt } from '@lienthong/trust';
import type { HubContext } from '../core/hub-context.js';
import type { NewDocumentRecord } from '../store/store.js';

type ReceiptDocument = Pick<NewDocumentRecord, 'docId' | 'sha256' | 'size' | 'sender' | 'acceptedAt'>;

export function issueReceipt(
  ctx: Pick<HubContext, 'pki' | 'config'>,
  doc: ReceiptDocument,
  recipients: readonly string[],
): Receipt {
  return createReceipt(receiptClaims(ctx, doc, recipients), ctx.pki.hubKey, ctx.pki.hubChain);
}

/** issueReceipt with the signature computed in libuv's thread pool, off the event loop. */
export function issueReceiptAsync(
  ctx: Pick<HubContext, 'pki' | 'config'>,
  doc: ReceiptDocument,
  recipients: readonly string[],
): Promise<Receipt> {
  return createReceiptAsync(receiptClaims(ctx, doc, recipients), ctx.pki.hubKey, ctx.pki.hubChain);
}

function receiptClaims(ctx: Pick<HubContext, 'config'>, doc: ReceiptDocument, recipients: readonly string[]) {
  return {
    docId: doc.docId,
    sha256: doc.sha256,
    size: doc.size,
    sender: doc.sender,
    recipients: [...recipients],
    acceptedAt: doc.acceptedAt,
    hubId: ctx.config.hubId,
  };
}
