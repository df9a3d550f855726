// The audit hash chain's queries: the link to the previous entry, the head, signed checkpoints.

import { GENESIS_HASH } from '@lienthong/trust';
import { type Kysely, sql } from 'kysely';
import type { AuditCheckpointRecord } from '../store.js';
import { type BatchMember, batchMember } from './batch-members.js';
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
 *
 * In a group-commit batch (`db` its transaction) only the batch's first link is read: the batch holds
 * the only write lock until its COMMIT, so the next link is the entry it appended last, kept in memory
 * (and dropped with a transaction rolled back to its savepoint); the counter is written once, before the
 * COMMIT. A fetch and an acknowledgement each append one entry: this was 2 of 13 statements per package.
 */
export async function nextAuditLink(db: Kysely<Database>): Promise<{ id: number; prevHash: string }> {
  const batch = batchMember(db, BATCH_AUDIT_HEAD, () => new BatchAuditHead());
  const head = batch?.head;
  if (head) return { id: head.id + 1, prevHash: head.hash };
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
  if (batch) batch.counter = row.value;
  return { id: row.value, prevHash: row.prev_hash ?? GENESIS_HASH };
}

/** Told of the entry just appended on `db` (nextAuditLink's link): a group-commit batch links the next one to it. */
export function auditAppendedInBatch(db: Kysely<Database>, id: number, hash: string): void {
  const batch = batchMember(db, BATCH_AUDIT_HEAD, () => new BatchAuditHead());
  if (batch) batch.head = { id, hash };
}

const BATCH_AUDIT_HEAD = 'audit-head';

/** The audit chain's head as a group-commit batch's transactions left it, and the counter as it holds it. */
class BatchAuditHead implements BatchMember {
  /** the newest entry appended by the batch (none yet: the next link is read) */
  head: { id: number; hash: string } | undefined;
  /** the audit counter's value in the batch's transaction (written by its first link) */
  counter: number | undefined;
  /** as they were when the current transaction started (made during it: nothing) */
  private saved: { head: { id: number; hash: string } | undefined; counter: number | undefined } = {
    head: undefined,
    counter: undefined,
  };

  itemStarted(): void {
    this.saved = { head: this.head, counter: this.counter };
  }

  itemRolledBack(): void {
    // the savepoint restored the counter row as it was then: so are the head and what the row holds
    this.head = this.saved.head;
    this.counter = this.saved.counter;
  }

  async beforeCommit(trx: Kysely<Database>): Promise<void> {
    if (!this.head || this.head.id === this.counter) return;
    await precompiled(trx, 'setAuditCounter', [this.head.id], (slot) =>
      trx
        .updateTable('counters')
        .set({ value: slot(0) })
        .where('name', '=', 'audit_id'),
    );
    this.counter = this.head.id;
  }
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
