// Push delivery (migration 007): webhooks per agency and their durable notifications. The notifications
// are derived from `deliveries` behind the `webhook_cursor` counter and claimed with a lease by the
// dispatcher (delivery/webhooks/webhook-dispatcher.ts).

import { type Kysely, sql } from 'kysely';
import type {
  NewWebhookRecord,
  WebhookEvent,
  WebhookNotificationFilter,
  WebhookNotificationRecord,
  WebhookOutcome,
  WebhookQueueStats,
  WebhookRecord,
} from '../store.js';
import type { Database, WebhookNotificationsTable, WebhooksTable } from './database.js';

const toWebhook = (r: WebhooksTable): WebhookRecord => ({
  agency: r.agency,
  url: r.url,
  events: r.events.split(',').filter((e) => e !== '') as WebhookEvent[],
  secretSealed: r.secret_sealed,
  fromSeq: Number(r.from_seq),
  createdAt: new Date(Number(r.created_at)),
  updatedAt: new Date(Number(r.updated_at)),
});

const date = (v: number | null): Date | undefined => (v === null ? undefined : new Date(Number(v)));

const toNotification = (r: WebhookNotificationsTable): WebhookNotificationRecord => {
  const n: WebhookNotificationRecord = {
    id: r.id,
    agency: r.agency,
    recipient: r.recipient,
    docId: r.doc_id,
    deliverySeq: Number(r.delivery_seq),
    type: r.type as WebhookEvent,
    state: r.state as WebhookNotificationRecord['state'],
    attempts: Number(r.attempts),
    expiresAt: new Date(Number(r.expires_at)),
    createdAt: new Date(Number(r.created_at)),
    updatedAt: new Date(Number(r.updated_at)),
  };
  const next = date(r.next_attempt_at);
  if (next) n.nextAttemptAt = next;
  const last = date(r.last_attempt_at);
  if (last) n.lastAttemptAt = last;
  if (r.last_status !== null) n.lastStatus = Number(r.last_status);
  if (r.last_error !== null) n.lastError = r.last_error;
  const done = date(r.done_at);
  if (done) n.doneAt = done;
  return n;
};

export async function getWebhook(db: Kysely<Database>, agency: string): Promise<WebhookRecord | undefined> {
  const r = await db.selectFrom('webhooks').selectAll().where('agency', '=', agency).executeTakeFirst();
  return r ? toWebhook(r) : undefined;
}

export async function putWebhook(db: Kysely<Database>, w: NewWebhookRecord, at: Date): Promise<WebhookRecord> {
  const t = at.getTime();
  const changed = await db
    .updateTable('webhooks')
    .set({ url: w.url, events: w.events.join(','), secret_sealed: w.secretSealed, updated_at: t })
    .where('agency', '=', w.agency)
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) {
    const counter = await db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'delivery_seq')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('webhooks')
      .values({
        agency: w.agency,
        url: w.url,
        events: w.events.join(','),
        secret_sealed: w.secretSealed,
        from_seq: Number(counter.value),
        created_at: t,
        updated_at: t,
      })
      .execute();
  }
  const stored = await getWebhook(db, w.agency);
  if (!stored) throw new Error(`webhook of ${w.agency} vanished`);
  return stored;
}

export async function deleteWebhook(db: Kysely<Database>, agency: string): Promise<boolean> {
  const r = await db.deleteFrom('webhooks').where('agency', '=', agency).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function webhookCursorLag(db: Kysely<Database>): Promise<number> {
  const rows = await db
    .selectFrom('counters')
    .select(['name', 'value'])
    .where('name', 'in', ['webhook_cursor', 'delivery_seq'])
    .execute();
  const v = (n: string) => Number(rows.find((r) => r.name === n)?.value ?? 0);
  return Math.max(0, v('delivery_seq') - v('webhook_cursor'));
}

export async function deriveWebhookNotifications(
  db: Kysely<Database>,
  limit: number,
  at: Date,
  horizonMs: number,
  newId: () => string,
): Promise<{ scanned: number; created: number }> {
  // a no-op update: takes the cursor row's lock (PostgreSQL) until this transaction ends
  const cursorRow = await db
    .updateTable('counters')
    .set({ value: sql`value` })
    .where('name', '=', 'webhook_cursor')
    .returning('value')
    .executeTakeFirst();
  if (!cursorRow) throw new Error('no counter webhook_cursor (migration 007)');
  const cursor = Number(cursorRow.value);
  // a tenant's webhook covers its units (they have no credentials of their own)
  const rows = await db
    .selectFrom('deliveries as d')
    .leftJoin('agencies as a', 'a.code', 'd.recipient')
    .leftJoin('webhooks as w', (j) =>
      j.on((eb) => eb.or([eb('w.agency', '=', eb.ref('d.recipient')), eb('w.agency', '=', eb.ref('a.tenant_id'))])),
    )
    .select(['d.seq', 'd.doc_id', 'd.recipient', 'd.message_type', 'd.state', 'w.agency', 'w.from_seq', 'w.events'])
    .where('d.seq', '>', cursor)
    .orderBy('d.seq')
    .limit(limit)
    .execute();
  if (rows.length === 0) return { scanned: 0, created: 0 };
  const t = at.getTime();
  const chosen = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    if (r.agency === null || r.from_seq === null || r.events === null) continue;
    if (Number(r.seq) <= Number(r.from_seq)) continue;
    if (!r.events.split(',').includes(r.message_type)) continue;
    // taken back (or acknowledged) before it was even derived: nothing to announce
    if (r.state !== 'pending') continue;
    const key = `${r.doc_id}\u0000${r.recipient}`;
    // the recipient's own webhook before its tenant's
    if (!chosen.has(key) || r.agency === r.recipient) chosen.set(key, r);
  }
  const values: WebhookNotificationsTable[] = [...chosen.values()].map((r) => ({
    id: newId(),
    agency: r.agency as string,
    recipient: r.recipient,
    doc_id: r.doc_id,
    delivery_seq: Number(r.seq),
    type: r.message_type,
    state: 'pending',
    attempts: 0,
    next_attempt_at: t,
    claim: null,
    expires_at: t + horizonMs,
    created_at: t,
    updated_at: t,
    last_attempt_at: null,
    last_status: null,
    last_error: null,
    done_at: null,
  }));
  let created = 0;
  for (let i = 0; i < values.length; i += 200) {
    const r = await db
      .insertInto('webhook_notifications')
      .values(values.slice(i, i + 200))
      .onConflict((oc) => oc.columns(['doc_id', 'recipient']).doNothing())
      .executeTakeFirst();
    created += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  const last = Number(rows[rows.length - 1]!.seq);
  await db.updateTable('counters').set({ value: last }).where('name', '=', 'webhook_cursor').execute();
  return { scanned: rows.length, created };
}

export async function claimWebhookNotifications(
  db: Kysely<Database>,
  limit: number,
  now: Date,
  leaseUntil: Date,
  claim: string,
  skipLocked: boolean,
): Promise<WebhookNotificationRecord[]> {
  let due = db
    .selectFrom('webhook_notifications')
    .select('id')
    .where('state', '=', 'pending')
    .where('next_attempt_at', '<=', now.getTime())
    .orderBy('next_attempt_at')
    .limit(limit);
  if (skipLocked) due = due.forUpdate().skipLocked();
  const ids = (await due.execute()).map((r) => r.id);
  if (ids.length === 0) return [];
  await db
    .updateTable('webhook_notifications')
    .set({
      claim,
      next_attempt_at: leaseUntil.getTime(),
      attempts: sql`attempts + 1`,
      last_attempt_at: now.getTime(),
      updated_at: now.getTime(),
    })
    .where('id', 'in', ids)
    .execute();
  const rows = await db.selectFrom('webhook_notifications').selectAll().where('id', 'in', ids).execute();
  return rows.map(toNotification);
}

export async function finishWebhookNotification(
  db: Kysely<Database>,
  id: string,
  claim: string,
  o: WebhookOutcome,
): Promise<boolean> {
  const t = o.at.getTime();
  const r = await db
    .updateTable('webhook_notifications')
    .set({
      state: o.state,
      claim: null,
      next_attempt_at: o.state === 'pending' ? o.nextAttemptAt.getTime() : null,
      updated_at: t,
      last_status: o.status ?? null,
      last_error: o.error?.slice(0, 500) ?? null,
      done_at: o.state === 'pending' ? null : t,
    })
    .where('id', '=', id)
    .where('claim', '=', claim)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listWebhookNotifications(
  db: Kysely<Database>,
  f: WebhookNotificationFilter,
): Promise<WebhookNotificationRecord[]> {
  let q = db.selectFrom('webhook_notifications').selectAll();
  if (f.states && f.states.length > 0) q = q.where('state', 'in', f.states);
  if (f.agency !== undefined) q = q.where('agency', '=', f.agency);
  const rows = await q.orderBy('created_at').orderBy('id').limit(f.limit).execute();
  return rows.map(toNotification);
}

export async function retryWebhookNotifications(
  db: Kysely<Database>,
  f: { ids?: readonly string[]; agency?: string },
  at: Date,
  horizonMs: number,
): Promise<number> {
  if (f.ids && f.ids.length === 0) return 0;
  const t = at.getTime();
  let q = db
    .updateTable('webhook_notifications')
    .set({ state: 'pending', next_attempt_at: t, expires_at: t + horizonMs, updated_at: t, done_at: null })
    .where('state', '=', 'dead');
  if (f.ids) q = q.where('id', 'in', [...f.ids]);
  if (f.agency !== undefined) q = q.where('agency', '=', f.agency);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function webhookQueueStats(db: Kysely<Database>, now: Date, agency?: string): Promise<WebhookQueueStats> {
  let q = db
    .selectFrom('webhook_notifications')
    .select((eb) => [
      'state',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>(eb.case().when('next_attempt_at', '<=', now.getTime()).then(1).else(0).end()).as('due'),
      eb.fn.min<number>('next_attempt_at').as('oldest'),
    ])
    .where('state', 'in', ['pending', 'dead']);
  if (agency !== undefined) q = q.where('agency', '=', agency);
  const rows = await q.groupBy('state').execute();
  const pending = rows.find((r) => r.state === 'pending');
  const dead = rows.find((r) => r.state === 'dead');
  const stats: WebhookQueueStats = {
    pending: Number(pending?.n ?? 0),
    due: Number(pending?.due ?? 0),
    dead: Number(dead?.n ?? 0),
  };
  if (pending?.oldest !== undefined && pending.oldest !== null) stats.oldestDueAt = new Date(Number(pending.oldest));
  return stats;
}
