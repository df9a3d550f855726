// The operator console's statistics (migration 010): folding accepted packages into pre-aggregated
// rows, and the dashboard's, the overdue-acknowledgement and the document-search queries. Portable
// Kysely; the tables are typed here so that database.ts stays as other branches know it.

import { agencyLevel } from '@lienthong/edxml';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type {
  DocumentSearchQuery,
  OverdueQuery,
  OverdueSummary,
  StatsAgencyRow,
  StatsFoldResult,
  StatsQuery,
  StatsSeriesRow,
  StatsStatusCodeRow,
} from '../store.js';
import type { Database, DocumentsTable } from './database.js';

interface StatsTables {
  stats_cursor: { name: string; value: number };
  stats_daily: {
    day: number;
    agency_code: string;
    direction: string;
    message_type: string;
    signed_valid: number;
    level: number;
    count: number;
  };
  stats_monthly: {
    month: number;
    agency_code: string;
    direction: string;
    message_type: string;
    signed_valid: number;
    level: number;
    count: number;
  };
  stats_status_codes: { agency_code: string; status_code: string; count: number; first_at: number; last_at: number };
  agency_last_seen: { agency_code: string; last_seen_at: number };
  document_search: { seq: number; doc_id: string; subject_folded: string };
}

type StatsDb = Kysely<Database & StatsTables>;
const stats = (db: Kysely<Database>) => db as unknown as StatsDb;

/** rows per multi-row statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters */
const CHUNK = 500;
/** a condition no row meets (an empty IN list) */
const NOTHING = sql<boolean>`1 = 0`;
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** yyyymmdd of this instant in Vietnam time (UTC+7, no daylight saving) */
export function vietnamDay(ms: number): number {
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/** lower case, without diacritics (đ/Đ → d): what accent-insensitive search compares */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Folds the next `limit` accepted packages after the cursor into the statistics and moves the cursor,
 * in the caller's transaction. The cursor row is updated first: on PostgreSQL that row lock orders the
 * folds of several nodes (the second waits, then reads the cursor the first left), so every package is
 * counted exactly once. `document_seq` is handed out in commit order (counters), so no package can
 * commit later below the cursor.
 */
export async function foldStats(base: Kysely<Database>, limit: number): Promise<StatsFoldResult> {
  const db = stats(base);
  const locked = await db
    .updateTable('stats_cursor')
    .set({ value: sql`value` })
    .where('name', '=', 'documents')
    .returning('value')
    .executeTakeFirst();
  if (!locked) throw new Error('stats_cursor has no documents row (migration 010)');
  const cursor = Number(locked.value);
  const docs = await db
    .selectFrom('documents as d')
    .leftJoin('document_signatures as s', 's.doc_id', 'd.doc_id')
    .select([
      'd.seq',
      'd.doc_id',
      'd.message_type',
      'd.sender',
      'd.accepted_at',
      'd.status_code',
      'd.subject',
      's.status as signature',
    ])
    .where('d.seq', '>', cursor)
    .orderBy('d.seq')
    .limit(limit)
    .execute();
  const last = docs.at(-1);
  if (!last) return { folded: 0, cursor };
  const upTo = Number(last.seq);
  const received = await db
    .selectFrom('documents as d')
    .innerJoin('deliveries as r', 'r.doc_id', 'd.doc_id')
    .select(['r.recipient', 'd.accepted_at', 'd.message_type', 'd.doc_id'])
    .where('d.seq', '>', cursor)
    .where('d.seq', '<=', upTo)
    .execute();

  const signedByDoc = new Map<string, number>();
  const daily = new Map<
    string,
    { day: number; code: string; direction: string; type: string; signed: number; n: number }
  >();
  const add = (ms: number, code: string, direction: string, type: string, signed: number) => {
    const day = vietnamDay(ms);
    const key = `${day}\u0000${code}\u0000${direction}\u0000${type}\u0000${signed}`;
    const row = daily.get(key);
    if (row) row.n++;
    else daily.set(key, { day, code, direction, type, signed, n: 1 });
  };
  const statuses = new Map<string, { code: string; status: string; n: number; first: number; last: number }>();
  const search: StatsTables['document_search'][] = [];
  for (const d of docs) {
    const signed = d.signature === 'valid' ? 1 : 0;
    signedByDoc.set(d.doc_id, signed);
    const at = Number(d.accepted_at);
    add(at, d.sender, 'sent', d.message_type, signed);
    if (d.message_type === 'status' && d.status_code) {
      const key = `${d.sender}\u0000${d.status_code}`;
      const s = statuses.get(key);
      if (s) {
        s.n++;
        s.first = Math.min(s.first, at);
        s.last = Math.max(s.last, at);
      } else statuses.set(key, { code: d.sender, status: d.status_code, n: 1, first: at, last: at });
    }
    if (d.message_type === 'edoc' && d.subject) {
      search.push({ seq: Number(d.seq), doc_id: d.doc_id, subject_folded: foldText(d.subject) });
    }
  }
  for (const r of received)
    add(Number(r.accepted_at), r.recipient, 'received', r.message_type, signedByDoc.get(r.doc_id) ?? 0);

  const levels = await agencyLevels(base, [...new Set([...daily.values()].map((r) => r.code))]);
  const monthly = new Map<
    string,
    { day: number; code: string; direction: string; type: string; signed: number; n: number }
  >();
  for (const r of daily.values()) {
    const month = Math.floor(r.day / 100);
    const key = `${month}\u0000${r.code}\u0000${r.direction}\u0000${r.type}\u0000${r.signed}`;
    const m = monthly.get(key);
    if (m) m.n += r.n;
    else monthly.set(key, { ...r, day: month });
  }
  for (const [table, rows] of [
    ['stats_daily', daily],
    ['stats_monthly', monthly],
  ] as const) {
    const period = table === 'stats_daily' ? 'day' : 'month';
    for (const part of chunks([...rows.values()])) {
      await db
        .insertInto(table)
        .values(
          part.map((r) => ({
            [period]: r.day,
            agency_code: r.code,
            direction: r.direction,
            message_type: r.type,
            signed_valid: r.signed,
            level: levels.get(r.code) ?? agencyLevel(r.code),
            count: r.n,
          })) as never,
        )
        .onConflict((oc) =>
          oc
            .columns([period as 'day', 'agency_code', 'direction', 'message_type', 'signed_valid'])
            .doUpdateSet({ count: sql`${sql.table(table)}.count + excluded.count` }),
        )
        .execute();
    }
  }
  for (const part of chunks([...statuses.values()])) {
    await db
      .insertInto('stats_status_codes')
      .values(
        part.map((s) => ({
          agency_code: s.code,
          status_code: s.status,
          count: s.n,
          first_at: s.first,
          last_at: s.last,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['agency_code', 'status_code']).doUpdateSet({
          count: sql`stats_status_codes.count + excluded.count`,
          first_at: sql`case when excluded.first_at < stats_status_codes.first_at then excluded.first_at else stats_status_codes.first_at end`,
          last_at: sql`case when excluded.last_at > stats_status_codes.last_at then excluded.last_at else stats_status_codes.last_at end`,
        }),
      )
      .execute();
  }
  for (const part of chunks(search)) {
    await db
      .insertInto('document_search')
      .values(part)
      .onConflict((oc) => oc.column('seq').doNothing())
      .execute();
  }
  await db.updateTable('stats_cursor').set({ value: upTo }).where('name', '=', 'documents').execute();
  return { folded: docs.length, cursor: upTo };
}

async function agencyLevels(db: Kysely<Database>, codes: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(codes)) {
    const rows = await db.selectFrom('agencies').select(['code', 'level']).where('code', 'in', part).execute();
    for (const r of rows) out.set(r.code, Number(r.level));
  }
  return out;
}

/** the folded cursor and the newest accepted package's seq: their difference is the aggregator's lag */
export async function statsProgress(base: Kysely<Database>): Promise<{ cursor: number; head: number }> {
  const db = stats(base);
  const c = await db.selectFrom('stats_cursor').select('value').where('name', '=', 'documents').executeTakeFirst();
  const h = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.max('seq').as('head'))
    .executeTakeFirst();
  return { cursor: Number(c?.value ?? 0), head: Number(h?.head ?? 0) };
}

/**
 * A period of days split into whole months (read from stats_monthly) and the days before and after them
 * (read from stats_daily): a year costs 12 monthly rows per key and up to 60 daily ones.
 */
export function splitPeriod(
  fromDay: number,
  toDay: number,
): { days: Array<[number, number]>; months?: [number, number] } {
  const monthOf = (d: number) => Math.floor(d / 100);
  const nextMonth = (m: number) => (m % 100 === 12 ? (Math.floor(m / 100) + 1) * 100 + 1 : m + 1);
  const prevMonth = (m: number) => (m % 100 === 1 ? (Math.floor(m / 100) - 1) * 100 + 12 : m - 1);
  const lastDay = (m: number) => {
    const y = Math.floor(m / 100);
    return m * 100 + new Date(Date.UTC(y, m % 100, 0)).getUTCDate();
  };
  const firstFull = fromDay % 100 === 1 ? monthOf(fromDay) : nextMonth(monthOf(fromDay));
  const lastFull = toDay === lastDay(monthOf(toDay)) ? monthOf(toDay) : prevMonth(monthOf(toDay));
  if (firstFull > lastFull) return { days: [[fromDay, toDay]] };
  const days: Array<[number, number]> = [];
  if (fromDay < firstFull * 100 + 1) days.push([fromDay, lastDay(prevMonth(firstFull))]);
  if (toDay > lastDay(lastFull)) days.push([nextMonth(lastFull) * 100 + 1, toDay]);
  return { days, months: [firstFull, lastFull] };
}

// one range of one table per query: the days before and after the whole months are two range scans
// of stats_daily (one OR of two ranges cost SQLite 2.4 times one range at 1 M documents)
type Period = { table: 'stats_daily' | 'stats_monthly'; range: [number, number] };

function periodParts(q: StatsQuery, bucket: 'day' | 'month'): Period[] {
  if (bucket === 'day') return [{ table: 'stats_daily', range: [q.fromDay, q.toDay] }];
  const split = splitPeriod(q.fromDay, q.toDay);
  const parts: Period[] = split.days.map((range) => ({ table: 'stats_daily' as const, range }));
  if (split.months) parts.push({ table: 'stats_monthly', range: split.months });
  return parts;
}

function fromPart(db: StatsDb, part: Period, q: StatsQuery) {
  // biome-ignore lint/suspicious/noExplicitAny: one builder over two tables of the same shape
  let b = db.selectFrom(part.table as 'stats_daily') as any;
  const column = part.table === 'stats_daily' ? 'day' : 'month';
  b = b.where(column, '>=', part.range[0]).where(column, '<=', part.range[1]);
  if (q.agencies) b = q.agencies.length ? b.where('agency_code', 'in', q.agencies) : b.where(NOTHING);
  if (q.levels) b = q.levels.length ? b.where('level', 'in', q.levels) : b.where(NOTHING);
  if (q.messageType) b = b.where('message_type', '=', q.messageType);
  // the columns read are common to both tables
  return b as SelectQueryBuilder<Database & StatsTables, 'stats_daily', object>;
}

/** packages per day (or month: yyyymm) of Vietnam time, per agency level and direction */
export async function statsSeries(
  base: Kysely<Database>,
  q: StatsQuery,
  bucket: 'day' | 'month',
): Promise<StatsSeriesRow[]> {
  const db = stats(base);
  const merged = new Map<string, StatsSeriesRow>();
  for (const part of periodParts(q, bucket)) {
    const bucketExpr =
      part.table === 'stats_monthly'
        ? sql<number>`month`
        : bucket === 'day'
          ? sql<number>`day`
          : sql<number>`day / 100`;
    const rows = await fromPart(db, part, q)
      .select([bucketExpr.as('bucket'), 'level', 'direction', sql<number>`sum(count)`.as('n')])
      .groupBy([bucketExpr, 'level', 'direction'])
      .execute();
    for (const r of rows) {
      const key = `${r.bucket}/${r.level}/${r.direction}`;
      const row = merged.get(key);
      if (row) row.count += Number(r.n);
      else
        merged.set(key, {
          bucket: Number(r.bucket),
          level: Number(r.level),
          direction: r.direction as 'sent' | 'received',
          count: Number(r.n),
        });
    }
  }
  return [...merged.values()].sort(
    (a, b) => a.bucket - b.bucket || a.level - b.level || (a.direction < b.direction ? -1 : 1),
  );
}

/** per agency over the period: packages sent and received, and how many of them carried a valid signature */
export async function statsByAgency(base: Kysely<Database>, q: StatsQuery): Promise<StatsAgencyRow[]> {
  const db = stats(base);
  const byCode = new Map<string, StatsAgencyRow>();
  for (const part of periodParts(q, 'month')) {
    const rows = await fromPart(db, part, q)
      .select([
        'agency_code',
        'direction',
        sql<number>`sum(count)`.as('n'),
        sql<number>`sum(case when signed_valid = 1 then count else 0 end)`.as('signed'),
      ])
      .groupBy(['agency_code', 'direction'])
      .execute();
    for (const r of rows) {
      let row = byCode.get(r.agency_code);
      if (!row) {
        row = { agencyCode: r.agency_code, sent: 0, sentSigned: 0, received: 0 };
        byCode.set(r.agency_code, row);
      }
      if (r.direction === 'sent') {
        row.sent += Number(r.n);
        row.sentSigned += Number(r.signed);
      } else row.received += Number(r.n);
    }
  }
  return [...byCode.values()].sort((a, b) => (a.agencyCode < b.agencyCode ? -1 : 1));
}

/** the status codes each agency returned (all time), with when it first and last returned each */
export async function statsStatusCodes(
  base: Kysely<Database>,
  agencies?: readonly string[],
): Promise<StatsStatusCodeRow[]> {
  let qb = stats(base).selectFrom('stats_status_codes').selectAll();
  if (agencies) qb = agencies.length ? qb.where('agency_code', 'in', agencies) : qb.where(NOTHING);
  const rows = await qb.orderBy('agency_code').orderBy('status_code').execute();
  return rows.map((r) => ({
    agencyCode: r.agency_code,
    statusCode: r.status_code,
    count: Number(r.count),
    firstAt: new Date(Number(r.first_at)),
    lastAt: new Date(Number(r.last_at)),
  }));
}

/** keeps the latest of the stored and the given instants */
export async function touchAgencies(
  base: Kysely<Database>,
  seen: ReadonlyArray<{ code: string; at: Date }>,
): Promise<void> {
  for (const part of chunks([...seen])) {
    await stats(base)
      .insertInto('agency_last_seen')
      .values(part.map((s) => ({ agency_code: s.code, last_seen_at: s.at.getTime() })))
      .onConflict((oc) =>
        oc.column('agency_code').doUpdateSet({
          last_seen_at: sql`case when excluded.last_seen_at > agency_last_seen.last_seen_at then excluded.last_seen_at else agency_last_seen.last_seen_at end`,
        }),
      )
      .execute();
  }
}

export async function agenciesLastSeen(base: Kysely<Database>, codes?: readonly string[]): Promise<Map<string, Date>> {
  let qb = stats(base).selectFrom('agency_last_seen').selectAll();
  if (codes) qb = codes.length ? qb.where('agency_code', 'in', codes) : qb.where(NOTHING);
  const rows = await qb.execute();
  return new Map(rows.map((r) => [r.agency_code, new Date(Number(r.last_seen_at))]));
}

/**
 * Deliveries still `pending` (never acknowledged) that were created before `q.before`, per recipient:
 * read from the covering partial index of migration 011 (pending deliveries by recipient, creation time,
 * message type), never from the table's rows. `state = 'pending'` is written as a literal so that the
 * partial index qualifies. SQLite without `ANALYZE` statistics prefers `deliveries_state` (an equality)
 * and then reads every pending row: `indexedBy` (SQLite's INDEXED BY) names the index there, and the
 * statement fails to prepare rather than silently scan should the index ever stop qualifying.
 * PostgreSQL's planner picks the index itself once autovacuum has set the visibility map (an index-only
 * scan: 1.4 ms for 9,000 overdue of 1 M deliveries); until then any index needs a heap read per pending
 * row there (MVCC), whichever index it is.
 */
export async function overdueDeliveries(
  base: Kysely<Database>,
  q: OverdueQuery,
  opts: { indexedBy?: boolean } = {},
): Promise<OverdueSummary> {
  if (q.recipients && q.recipients.length === 0) return { total: 0, byRecipient: [] };
  const from = opts.indexedBy ? sql`deliveries indexed by deliveries_pending_recipient` : sql`deliveries`;
  const conditions = [sql`state = 'pending'`, sql`created_at < ${q.before.getTime()}`];
  if (q.recipients) conditions.push(sql`recipient in (${sql.join([...q.recipients])})`);
  if (q.messageType) conditions.push(sql`message_type = ${q.messageType}`);
  const { rows } = await sql<{ recipient: string; n: number | string; oldest: number | string }>`
    select recipient, count(*) as n, min(created_at) as oldest from ${from}
    where ${sql.join(conditions, sql` and `)} group by recipient`.execute(base);
  const byRecipient = rows
    .map((r) => ({ recipient: r.recipient, count: Number(r.n), oldest: new Date(Number(r.oldest)) }))
    .sort((a, b) => b.count - a.count || (a.recipient < b.recipient ? -1 : 1));
  return { total: byRecipient.reduce((s, r) => s + r.count, 0), byRecipient: byRecipient.slice(0, q.limit) };
}

/**
 * Documents (edoc packages), newest first, paged by `seq`: by number (code_number, exact), folded
 * subject (substring, accent-insensitive: only packages the aggregator has folded),
 * notation (exact), sender, recipient, acceptance time and delivery state.
 */
export async function searchDocuments(base: Kysely<Database>, q: DocumentSearchQuery): Promise<DocumentsTable[]> {
  const db = stats(base);
  let qb = db.selectFrom('documents as d').selectAll('d').where('d.message_type', '=', 'edoc');
  if (q.beforeSeq !== undefined) qb = qb.where('d.seq', '<', q.beforeSeq);
  if (q.codeNumber !== undefined) qb = qb.where('d.code_number', '=', q.codeNumber);
  if (q.codeNotation !== undefined) qb = qb.where('d.code_notation', '=', q.codeNotation);
  if (q.sender !== undefined) qb = qb.where('d.sender', '=', q.sender);
  if (q.from) qb = qb.where('d.accepted_at', '>=', q.from.getTime());
  if (q.to) qb = qb.where('d.accepted_at', '<', q.to.getTime());
  if (q.subject !== undefined) {
    const pattern = `%${escapeLike(foldText(q.subject))}%`;
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('document_search as s')
          .select('s.seq')
          .whereRef('s.seq', '=', 'd.seq')
          .where(sql<boolean>`s.subject_folded like ${pattern} escape '\\'`),
      ),
    );
  }
  if (q.recipient !== undefined || q.state !== undefined) {
    const recipient = q.recipient;
    const state = q.state;
    qb = qb.where((eb) => {
      let sub = eb.selectFrom('deliveries as r').select('r.seq').whereRef('r.doc_id', '=', 'd.doc_id');
      if (recipient !== undefined) sub = sub.where('r.recipient', '=', recipient);
      if (state !== undefined) sub = sub.where('r.state', '=', state);
      return eb.exists(sub);
    });
  }
  if (q.scope) {
    const scope = [...q.scope];
    if (scope.length === 0) return [];
    qb = qb.where((eb) =>
      eb.or([
        eb('d.sender', 'in', scope),
        eb.exists(
          eb
            .selectFrom('deliveries as r2')
            .select('r2.seq')
            .whereRef('r2.doc_id', '=', 'd.doc_id')
            .where('r2.recipient', 'in', scope),
        ),
      ]),
    );
  }
  return (await qb.orderBy('d.seq', 'desc').limit(q.limit).execute()) as DocumentsTable[];
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
