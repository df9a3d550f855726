import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/**
 * Small blobs (raw packages and attachments up to the inline threshold) stored in the database,
 * content-addressed like the blob files, and written in the same transaction as the document that
 * references them: the transaction's one WAL fsync makes them durable, instead of a file fsync, a
 * rename and a directory fsync per blob.
 */
export const inlineBlobs: Migration = {
  version: 5,
  name: 'inline-blobs',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('inline_blobs')
      // lowercase hex SHA-256 of the bytes, the same key a blob file would have
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('bytes', 'blob', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
  },
};
