// The clerk app's lists (console/clerk): the inbox (deliveries to the agency, with their documents) and the
// outbox (documents the agency sent), sorted and paged in SQL in one stable order: most urgent first
// (priority, absent = 0), then the nearest due date (absent = last), then the newest (seq). Keyset paging:
// a page continues after the last row's (priority, due date, seq). No index serves this order: the database
// sorts the agency's rows (a temporary B-tree) and returns one page. An expression index on documents
// (sender, message_type, coalesce(priority, 0) DESC, coalesce(due_date, …), seq DESC) would serve the
// outbox (0.5 ms instead of 86 ms for a sender of 17,853 documents) but costs every accepted document
// ≈20 µs more CPU at intake: not added (docs/BENCHMARKS.md, session 4). The inbox's sort keys are the
// documents' columns while its filter is on the deliveries, which no single index can serve.

import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { DeliveryState } from '../../core/contract.js';
import type { ConsoleListKey, ConsoleListQuery, InboxRow } from '../store.js';
import type { Database } from './database.js';

/** what an absent due date sorts as: after every real date */
export const NO_DUE_DATE = '9999-12-31';

const priorityOf = (table: string) => sql<number>`coalesce(${sql.ref(`${table}.priority`)}, 0)`;
const dueOf = (table: string) => sql<string>`coalesce(${sql.ref(`${table}.due_date`)}, ${sql.lit(NO_DUE_DATE)})`;

/** rows after `k` in the order priority desc, due asc, seq desc */
function after(table: string, seqRef: string, k: ConsoleListKey): Expression<SqlBool> {
  const p = priorityOf(table);
  const d = dueOf(table);
  const s = sql.ref(seqRef);
  return sql<SqlBool>`(${p} < ${k.priority} or (${p} = ${k.priority} and (${d} > ${k.due} or (${d} = ${k.due} and ${s} < ${k.seq}))))`;
}

export function keyOf(priority: number | undefined, dueDate: string | undefined, seq: number): ConsoleListKey {
  return { priority: priority ?? 0, due: dueDate ?? NO_DUE_DATE, seq };
}

/** Deliveries to `recipients` (their documents beside), in the console's order. */
export async function listConsoleInbox(
  db: Kysely<Database>,
  q: ConsoleListQuery & { recipients: readonly string[]; states: readonly DeliveryState[] },
  documentColumns: readonly string[],
  map: (row: Record<string, unknown>) => InboxRow,
): Promise<InboxRow[]> {
  if (q.recipients.length === 0 || q.states.length === 0) return [];
  let qb = db
    .selectFrom('deliveries as d')
    .innerJoin('documents as doc', 'doc.doc_id', 'd.doc_id')
    .selectAll('d')
    .select(documentColumns.map((c) => `doc.${c} as doc_${c}` as 'doc.doc_id'))
    .where('d.recipient', 'in', [...q.recipients])
    .where('d.message_type', '=', q.messageType)
    .where('d.state', 'in', [...q.states]);
  if (q.after) qb = qb.where(after('doc', 'd.seq', q.after));
  const rows = await qb
    .orderBy(priorityOf('doc'), 'desc')
    .orderBy(dueOf('doc'), 'asc')
    .orderBy('d.seq', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => map(r as Record<string, unknown>));
}

/** Documents sent by `senders`, in the console's order. */
export async function listConsoleOutbox(db: Kysely<Database>, q: ConsoleListQuery & { senders: readonly string[] }) {
  if (q.senders.length === 0) return [];
  let qb = db
    .selectFrom('documents')
    .selectAll()
    .where('sender', 'in', [...q.senders])
    .where('message_type', '=', q.messageType);
  if (q.after) qb = qb.where(after('documents', 'documents.seq', q.after));
  return qb
    .orderBy(priorityOf('documents'), 'desc')
    .orderBy(dueOf('documents'), 'asc')
    .orderBy('seq', 'desc')
    .limit(q.limit)
    .execute();
}
