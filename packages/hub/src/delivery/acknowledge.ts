// The transport acknowledgement (VXP updateStatus): done | fail | processing, by the recipient only.

import { recordAudit } from '../audit/audit-trail.js';
import { type AckState, HubError, type Principal } from '../core/contract.js';
import { isDocId } from '../core/doc-id.js';
import { type HubContext, observe } from '../core/hub-context.js';
import type { DeliveryRecord, StoreOps } from '../store/store.js';
import { documentAccess } from './document-access.js';

const ACK_STATES: readonly AckState[] = ['done', 'fail', 'processing'];
const MAX_DESCRIPTION = 1000;
/** compare-and-set attempts on one delivery before giving up (each loses only to a real change) */
const MAX_ATTEMPTS = 5;

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
  let link: string | undefined;
  const changed = await ctx.store.transaction(async (tx) => {
    const now = new Date();
    const set = { state, stateDescription: text ?? null, updatedAt: now };
    // the usual case first: one recipient whose delivery this acknowledgement changes, by one
    // compare-and-set and no read; anything else (no such delivery, done, withdrawn, no change, a
    // tenant's units) is decided from the deliveries read
    const scope = await ctx.directory.scope(p, tx);
    const only = scope.length === 1 && isDocId(docId) ? scope[0]! : undefined;
    const changed =
      only !== undefined && (await tx.acknowledgeDelivery(docId, only, set))
        ? [only]
        : await acknowledgeEach(ctx, tx, p, docId, set);
    if (changed.length > 0) {
      await tx.insertEvents(
        changed.map((recipient) => ({
          docId,
          recipient,
          at: now,
          kind: `ack-${state}`,
          actor: p.systemId,
          detail: text,
        })),
      );
      await recordAudit(tx, {
        actor: p.systemId,
        action: 'ack',
        subject: docId,
        details: { state, description: text, recipients: changed },
        at: now,
      });
      // federation: a package that came over a link sends the acknowledgement back to the hub it came from
      if (ctx.federation) {
        link = await ctx.federation.onTransport(tx, docId, changed, {
          kind: 'ack',
          state,
          ...(text === undefined ? {} : { description: text }),
          at: now,
        });
      }
    }
    return changed.length;
  });
  if (link) ctx.federation?.kick([link]);
  if (changed > 0) observe(ctx, (o) => o.acked?.(state));
}

/** the principal's deliveries of docId acknowledged one by one, each read first; returns those changed */
async function acknowledgeEach(
  ctx: HubContext,
  tx: StoreOps,
  p: Principal,
  docId: string,
  set: { state: AckState; stateDescription: string | null; updatedAt: Date },
): Promise<string[]> {
  const { state } = set;
  const text = set.stateDescription ?? undefined;
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
  const changed: string[] = [];
  for (const first of live) {
    // compare-and-set: another hub node may acknowledge the same delivery at the same moment; only a
    // real change is written, once, and the loser reads what the winner left
    let d: DeliveryRecord | undefined = first;
    for (let attempt = 1; d && d.state !== 'withdrawn'; attempt++) {
      if (d.state === 'done') {
        if (state === 'done') break; // re-acknowledging done is harmless
        throw new HubError('conflict', `delivery of ${docId} to ${d.recipient} is already done`, { path: 'status' });
      }
      if (d.state === state && d.stateDescription === text) break; // already so: nothing changes
      const expected = {
        state: d.state,
        ...(d.stateDescription === undefined ? {} : { stateDescription: d.stateDescription }),
      };
      if (await tx.updateDeliveryIf(docId, d.recipient, expected, set)) {
        changed.push(d.recipient);
        break;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new HubError('unavailable', `delivery of ${docId} to ${d.recipient} kept changing; try again`);
      }
      [d] = await tx.getDeliveriesTo(docId, [d.recipient]);
    }
  }
  return changed;
}
