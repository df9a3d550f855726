// GET a document's receipt: its sender (or the sender's tenant) and operators only.

import type { Receipt } from '@lienthong/trust';
import { HubError, type Principal } from '../core/contract.js';
import type { HubContext } from '../core/hub-context.js';
import { documentAccess } from '../delivery/document-access.js';
import { documentReceipt } from './document-receipt.js';

export async function getReceipt(ctx: HubContext, p: Principal, docId: string): Promise<Receipt> {
  const access = await documentAccess(ctx, p, docId);
  if (!access.isSender && p.via !== 'admin') {
    throw new HubError('forbidden', `only the sender of ${docId} may read its receipt`, { path: 'docId' });
  }
  return documentReceipt(ctx, access.document);
}
