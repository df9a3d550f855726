import { entryHash, GENESIS_HASH } from '@lienthong/trust';
import { type Kysely, sql } from 'kysely';
import { chainEntry } from '../../../audit/chain-entry.js';
import type { Migration } from '../../sql/migrator.js';
import { appendOnly, BIGINT, TEXT } from './pg-types.js';

const BATCH = 1000;

/** Signed receipts of accepted packages; the audit log becomes a hash chain with signed checkpoints. */
export const receiptsAndAuditChain: Migration = {
  version: 3,
  name: 'receipts-and-audit-chain',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('receipts')
      .addColumn('doc_id', TEXT, (c) => c.primaryKey().references('documents.doc_id'))
      .addColumn('receipt', TEXT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .execute();

    await db.schema.alterTable('audit_log').addColumn('prev_hash', TEXT).execute();
    await db.schema.alterTable('audit_log').addColumn('hash', TEXT).execute();
    // Entries written before this version are chained now, in id order, inside this transaction.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(db);
    let prevHash = GENESIS_HASH;
    let afterId = 0;
    for (;;) {
      const { rows } = await sql<{ id: number; payload: string }>`
        SELECT id, payload FROM audit_log WHERE id > ${afterId} ORDER BY id LIMIT ${BATCH}`.execute(db);
      for (const r of rows) {
        const id = Number(r.id);
        const hash = entryHash(prevHash, chainEntry(id, r.payload));
        await sql`UPDATE audit_log SET prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${id}`.execute(db);
        prevHash = hash;
        afterId = id;
      }
      if (rows.length < BATCH) break;
    }
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(db);

    // One signed checkpoint per head position the hub vouched for; append-only like the log.
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('seq', BIGINT, (c) => c.primaryKey())
      .addColumn('hash', TEXT, (c) => c.notNull())
      .addColumn('at', BIGINT, (c) => c.notNull())
      .addColumn('jws', TEXT, (c) => c.notNull())
      .execute();
    await appendOnly(db, 'audit_checkpoints');
  },
};
