import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/**
 * Indexes on the columns that reference blob keys, so that the garbage collector asks "is this blob
 * referenced?" by index lookup instead of scanning every document.
 */
export const blobKeyIndexes: Migration = {
  version: 6,
  name: 'blob-key-indexes',
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('documents_blob_key').on('documents').column('blob_key').execute();
    await db.schema.createIndex('attachments_blob_key').on('attachments').column('blob_key').execute();
  },
};
