import { entryHash, GENESIS_HASH } from '@lienthong/trust';
import { type Kysely, sql } from 'kysely';
import { chainEntry } from '../../../audit/chain-entry.js';
import type { Migration } from '../../sql/migrator.js';

const BATCH = 1000;

/** Signed receipts of accepted packages; the audit log becomes a hash chain with signed checkpoints. */
export const receiptsAndAuditChain: Migration = {
  version: 3,
  name: 'receipts-and-audit-chain',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('receipts')
      .addColumn('doc_id', 'text', (c) => c.primaryKey().references('documents.doc_id'))
      .addColumn('receipt', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
    await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
    // Entries written before this version are chained now, in id order, inside this transaction.
    await sql`DROP TRIGGER audit_log_no_update`.execute(db);
    let prevHash = GENESIS_HASH;
    let afterId = 0;
    for (;;) {
      const { rows } = await sql<{ id: number; payload: string }>`
        SELECT id, payload FROM audit_log WHERE id > ${afterId} ORDER BY id LIMIT ${BATCH}`.execute(db);
      for (const r of rows) {
        const hash = entryHash(prevHash, chainEntry(r.id, r.payload));
        await sql`UPDATE audit_log SET prev_hash = ${prevHash}, hash = ${hash} WHERE id = ${r.id}`.execute(db);
        prevHash = hash;
        afterId = r.id;
      }
      if (rows.length < BATCH) break;
    }
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
      db,
    );

    // One signed checkpoint per head position the hub vouched for; append-only like the log.
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('jws', 'text', (c) => c.notNull())
      .execute();
    await sql`CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END`.execute(
      db,
    );
  },
};
