import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/**
 * The overdue-acknowledgement count of the operator dashboard (pending deliveries created before the
 * deadline, per recipient) reads only a covering partial index: pending deliveries by recipient, creation
 * time and message type. With a million documents there are a few ten thousand pending deliveries out of
 * millions, and the count touches none of the table's rows. 010's `deliveries_pending_created` (creation
 * time only) made the planner fetch each pending row and lost to `deliveries_state` without statistics:
 * it is dropped. Portable: the same migration serves SQLite and PostgreSQL.
 */
export const consolePendingIndex: Migration = {
  version: 11,
  name: 'console-pending-index',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('deliveries_pending_recipient')
      .on('deliveries')
      .columns(['recipient', 'created_at', 'message_type'])
      .where(sql.ref('state'), '=', 'pending')
      .execute();
    await db.schema.dropIndex('deliveries_pending_created').execute();
  },
};
