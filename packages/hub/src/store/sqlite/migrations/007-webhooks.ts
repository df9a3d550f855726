import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/**
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
      .addColumn('agency', 'text', (c) => c.primaryKey().references('agencies.code'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('from_seq', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // the webhook's owner: the recipient, or the tenant whose unit the recipient is
      .addColumn('agency', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('delivery_seq', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'integer')
      .addColumn('claim', 'text')
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('last_attempt_at', 'integer')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('done_at', 'integer')
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
