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
    link = await recordAcknowledged(ctx, tx, p, docId, changed, set);
    return changed.length;
  });
  if (link) ctx.federation?.kick([link]);
  if (changed > 0) observe(ctx, (o) => o.acked?.(state));
}

export interface AckItem {
  docId: string;
  state: AckState;
  description?: string;
}

/**
 * Many acknowledgements by one principal (`POST /v1/acks`), each with its own outcome in the order given,
 * as if each were `acknowledge`d alone. The usual ones (a recipient with one code, a delivery open and
 * changed by it) are done together: one transaction and a few compare-and-sets for the lot, each still
 * with its own event and audit entry. Every other one (refused, no change, a tenant's units, a docId
 * named twice) is then acknowledged alone, as before.
 */
export async function acknowledgeMany(
  ctx: HubContext,
  p: Principal,
  items: readonly AckItem[],
): Promise<PromiseSettledResult<void>[]> {
  let together = new Set<number>();
  try {
    together = await acknowledgeTogether(ctx, p, items);
  } catch (err) {
    // each is then acknowledged alone, failing (or not) with its own error
    ctx.logger.warn({ err, by: p.systemId }, 'acknowledgements together failed; each is tried alone');
  }
  return Promise.allSettled(
    items.map((i, n) => (together.has(n) ? Promise.resolve() : acknowledge(ctx, p, i.docId, i.state, i.description))),
  );
}

/** the indexes of the items acknowledged together, in one transaction */
async function acknowledgeTogether(ctx: HubContext, p: Principal, items: readonly AckItem[]): Promise<Set<number>> {
  const named = new Map<string, number>();
  for (const i of items) named.set(i.docId, (named.get(i.docId) ?? 0) + 1);
  // the items the single acknowledgement's fast path would take, named once, by state and description
  const alike = new Map<string, number[]>();
  items.forEach((i, n) => {
    if (!ACK_STATES.includes(i.state) || !isDocId(i.docId) || named.get(i.docId) !== 1) return;
    const key = JSON.stringify([i.state, i.description?.slice(0, MAX_DESCRIPTION) ?? null]);
    const group = alike.get(key);
    if (group) group.push(n);
    else alike.set(key, [n]);
  });
  if (alike.size === 0) return new Set();
  const outcome = await ctx.store.transaction(async (tx) => {
    const done = new Set<number>();
    const links = new Set<string>();
    const states: AckState[] = [];
    const scope = await ctx.directory.scope(p, tx);
    if (scope.length !== 1) return { done, links, states };
    const recipient = scope[0]!;
    const now = new Date();
    for (const indexes of alike.values()) {
      const first = items[indexes[0]!]!;
      const set = {
        state: first.state,
        stateDescription: first.description?.slice(0, MAX_DESCRIPTION) ?? null,
        updatedAt: now,
      };
      const docIds = indexes.map((n) => items[n]!.docId);
      const changed = new Set(await tx.acknowledgeDeliveries(recipient, docIds, set));
      for (const n of indexes) {
        const { docId } = items[n]!;
        if (!changed.has(docId)) continue;
        const link = await recordAcknowledged(ctx, tx, p, docId, [recipient], set);
        if (link) links.add(link);
        done.add(n);
        states.push(set.state);
      }
    }
    return { done, links, states };
  });
  if (outcome.links.size > 0) ctx.federation?.kick([...outcome.links]);
  for (const state of outcome.states) observe(ctx, (o) => o.acked?.(state));
  return outcome.done;
}

/**
 * What an acknowledgement that changed `changed` deliveries of `docId` leaves in the transaction: one
 * event per delivery, the audit entry and (federation) the acknowledgement on its way back to the hub
 * the package came from, whose link it returns.
 */
async function recordAcknowledged(
  ctx: HubContext,
  tx: StoreOps,
  p: Principal,
  docId: string,
  changed: readonly string[],
  set: { state: AckState; stateDescription: string | null; updatedAt: Date },
): Promise<string | undefined> {
  if (changed.length === 0) return undefined;
  const { state, updatedAt: now } = set;
  const text = set.stateDescription ?? undefined;
  await tx.insertEvents(
    changed.map((recipient) => ({ docId, recipient, at: now, kind: `ack-${state}`, actor: p.systemId, detail: text })),
  );
  await recordAudit(tx, {
    actor: p.systemId,
    action: 'ack',
    subject: docId,
    details: { state, description: text, recipients: changed },
    at: now,
  });
  if (!ctx.federation) return undefined;
  return ctx.federation.onTransport(tx, docId, [...changed], {
    kind: 'ack',
    state,
    ...(text === undefined ? {} : { description: text }),
    at: now,
  });
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
