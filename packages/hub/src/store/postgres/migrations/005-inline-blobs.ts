import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { BIGINT, BYTES, TEXT } from './pg-types.js';

/** Small blobs stored in the database, content-addressed, written in the referencing document's transaction. */
export const inlineBlobs: Migration = {
  version: 5,
  name: 'inline-blobs',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('inline_blobs')
      // lowercase hex SHA-256 of the bytes, the same key a blob file would have
      .addColumn('key', TEXT, (c) => c.primaryKey())
      .addColumn('size', BIGINT, (c) => c.notNull())
      .addColumn('bytes', BYTES, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .execute();
  },
};
