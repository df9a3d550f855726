// The transport acknowledgement (VXP updateStatus): done | fail | processing, by the recipient only.

import { recordAudit } from '../audit/audit-trail.js';
import { type AckState, HubError, type Principal } from '../core/contract.js';
import { type HubContext, observe } from '../core/hub-context.js';
import { documentAccess } from './document-access.js';

const ACK_STATES: readonly AckState[] = ['done', 'fail', 'processing'];
const MAX_DESCRIPTION = 1000;

export async function acknowledge(
  ctx: HubContext,
  p: Principal,
  docId: string,
  state: AckState,
  description?: string,
): Promise<void> {
  if (!ACK_STATES.includes(state)) {
    throw new HubError('bad-request', `status must be one of ${ACK_STATES.join(', ')}`, { path: 'status' });
  }
  const text = description?.slice(0, MAX_DESCRIPTION);
  const changed = await ctx.store.transaction(async (tx) => {
    const access = await documentAccess(ctx, p, docId, tx);
    if (access.own.length === 0) {
      throw new HubError('forbidden', `${p.systemId} is not a recipient of ${docId}`, { path: 'docId' });
    }
    const live = access.own.filter((d) => d.state !== 'withdrawn');
    if (live.length === 0) {
      throw new HubError('conflict', `document ${docId} was withdrawn by its sender; there is nothing to acknowledge`, {
        path: 'docId',
      });
    }
    const now = new Date();
    let n = 0;
    for (const d of live) {
      if (d.state === 'done') {
        if (state === 'done') continue; // re-acknowledging done is harmless
        throw new HubError('conflict', `delivery of ${docId} to ${d.recipient} is already done`, { path: 'status' });
      }
      await tx.updateDelivery(docId, d.recipient, { state, stateDescription: text ?? null, updatedAt: now });
      await tx.insertEvents([
        { docId, recipient: d.recipient, at: now, kind: `ack-${state}`, actor: p.systemId, detail: text },
      ]);
      n++;
    }
    if (n > 0) {
      await recordAudit(tx, {
        actor: p.systemId,
        action: 'ack',
        subject: docId,
        details: { state, description: text, recipients: live.map((d) => d.recipient) },
        at: now,
      });
    }
    return n;
  });
  if (changed > 0) observe(ctx, (o) => o.acked?.(state));
}
