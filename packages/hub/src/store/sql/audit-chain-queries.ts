// The audit hash chain's queries: the link to the previous entry, the head, signed checkpoints.

import { GENESIS_HASH } from '@lienthong/trust';
import { type Kysely, sql } from 'kysely';
import type { AuditCheckpointRecord } from '../store.js';
import type { AuditCheckpointsTable, Database } from './database.js';
import { ONE_ROW } from './literal-limits.js';
import { precompiled } from './precompiled.js';

/**
 * The hash the entry `id` links to. Normally entry id-1's; if entries were deleted from the file, the
 * newest one left, so the hub keeps working and `audit verify` names the gap.
 */
export async function previousAuditHash(db: Kysely<Database>, id: number): Promise<string> {
  const { rows } = await precompiled(db, 'previousAuditHash', [id], (slot) =>
    db.selectFrom('audit_log').select('hash').where('id', '<', slot(0)).orderBy('id', 'desc').limit(ONE_ROW),
  );
  return rows[0]?.hash ?? GENESIS_HASH;
}

/**
 * The next audit id and the hash it links to (as previousAuditHash) in one statement. Only where no
 * other transaction can commit an audit entry between taking the counter and reading the log: SQLite
 * (one writer at a time). Not PostgreSQL: under READ COMMITTED a statement that waited for the
 * counter's row lock reads the log as of before the wait, and would miss the entry just committed.
 */
export async function nextAuditLink(db: Kysely<Database>): Promise<{ id: number; prevHash: string }> {
  const { rows } = await precompiled(db, 'nextAuditLink', [], () =>
    db
      .updateTable('counters')
      .set({ value: sql`value + 1` })
      .where('name', '=', 'audit_id')
      .returning([
        'value',
        sql<
          string | null
        >`(select hash from audit_log where audit_log.id < counters.value order by audit_log.id desc limit 1)`.as(
          'prev_hash',
        ),
      ]),
  );
  const row = rows[0];
  if (!row) throw new Error('no counter audit_id');
  return { id: row.value, prevHash: row.prev_hash ?? GENESIS_HASH };
}

export async function auditHead(db: Kysely<Database>): Promise<{ id: number; hash: string } | undefined> {
  const r = await db
    .selectFrom('audit_log')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(ONE_ROW)
    .executeTakeFirst();
  return r && { id: r.id, hash: r.hash ?? '' };
}

export async function insertAuditCheckpoint(db: Kysely<Database>, c: AuditCheckpointRecord): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({ seq: c.seq, hash: c.hash, at: c.at.getTime(), jws: c.jws })
    .onConflict((oc) => oc.column('seq').doNothing())
    .execute();
}

export async function listAuditCheckpoints(db: Kysely<Database>): Promise<AuditCheckpointRecord[]> {
  return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(toCheckpoint);
}

export async function latestAuditCheckpoint(db: Kysely<Database>): Promise<AuditCheckpointRecord | undefined> {
  const r = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(ONE_ROW)
    .executeTakeFirst();
  return r && toCheckpoint(r);
}

function toCheckpoint(r: AuditCheckpointsTable): AuditCheckpointRecord {
  return { seq: r.seq, hash: r.hash, at: new Date(r.at), jws: r.jws };
}
