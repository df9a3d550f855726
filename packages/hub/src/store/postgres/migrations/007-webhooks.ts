import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/**
 * SQLite's migration 007 in PostgreSQL types.
 * Push delivery: one webhook per agency, and a durable notification per (delivery, webhook) that the
 * dispatcher (delivery/webhooks/) sends, retries and finally dead-letters. Notifications are derived from
 * `deliveries` in seq order behind the `webhook_cursor` counter (which starts at the deliveries already
 * there: none of them is pushed).
 */
export const webhooks: Migration = {
  version: 7,
  name: 'webhooks',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhooks')
      .addColumn('agency', TEXT, (c) => c.primaryKey().references('agencies.code'))
      .addColumn('url', TEXT, (c) => c.notNull())
      .addColumn('events', TEXT, (c) => c.notNull())
      .addColumn('secret_sealed', TEXT, (c) => c.notNull())
      .addColumn('from_seq', BIGINT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('updated_at', BIGINT, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_notifications')
      .addColumn('id', TEXT, (c) => c.primaryKey())
      // the webhook's owner: the recipient, or the tenant whose unit the recipient is
      .addColumn('agency', TEXT, (c) => c.notNull())
      .addColumn('recipient', TEXT, (c) => c.notNull())
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('delivery_seq', BIGINT, (c) => c.notNull())
      .addColumn('type', TEXT, (c) => c.notNull())
      .addColumn('state', TEXT, (c) => c.notNull())
      .addColumn('attempts', INT, (c) => c.notNull())
      .addColumn('next_attempt_at', BIGINT)
      .addColumn('claim', TEXT)
      .addColumn('expires_at', BIGINT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('updated_at', BIGINT, (c) => c.notNull())
      .addColumn('last_attempt_at', BIGINT)
      .addColumn('last_status', INT)
      .addColumn('last_error', TEXT)
      .addColumn('done_at', BIGINT)
      .addUniqueConstraint('webhook_notifications_delivery', ['doc_id', 'recipient'])
      .execute();
    await db.schema
      .createIndex('webhook_notifications_due')
      .on('webhook_notifications')
      .columns(['state', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('webhook_notifications_agency')
      .on('webhook_notifications')
      .columns(['agency', 'state'])
      .execute();
    await sql`INSERT INTO counters (name, value) SELECT 'webhook_cursor', value FROM counters WHERE name = 'delivery_seq'`.execute(
      db,
    );
  },
};
