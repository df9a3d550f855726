import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/** SQLite's migration 004 in PostgreSQL types: signatures found in attachments, verdicts per content. */
export const attachmentSignatures: Migration = {
  version: 4,
  name: 'attachment-signatures',
  async up(db: Kysely<unknown>) {
    // NULL: not inspected yet (the worker's queue)
    await db.schema.alterTable('attachments').addColumn('inspected_at', BIGINT).execute();
    await db.schema
      .createIndex('attachments_uninspected')
      .on('attachments')
      .columns(['doc_id', 'idx'])
      .where(sql.ref('inspected_at'), 'is', null)
      .execute();
    await db.schema.createIndex('attachments_sha256').on('attachments').column('sha256').execute();

    await db.schema
      .createTable('attachment_inspections')
      .addColumn('sha256', TEXT, (c) => c.primaryKey())
      .addColumn('outcome', TEXT, (c) => c.notNull())
      .addColumn('format', TEXT, (c) => c.notNull())
      .addColumn('entry_name', TEXT)
      .addColumn('reasons', TEXT, (c) => c.notNull())
      .addColumn('checked_at', BIGINT, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('attachment_signatures')
      .addColumn('sha256', TEXT, (c) => c.notNull().references('attachment_inspections.sha256'))
      .addColumn('position', INT, (c) => c.notNull())
      .addColumn('status', TEXT, (c) => c.notNull())
      .addColumn('sub_filter', TEXT)
      .addColumn('covers_whole', INT, (c) => c.notNull())
      .addColumn('signer_subject', TEXT)
      .addColumn('signer_issuer', TEXT)
      .addColumn('signer_agency_code', TEXT)
      .addColumn('signer_serial', TEXT)
      .addColumn('signer_fingerprint', TEXT)
      .addColumn('signing_time', BIGINT)
      .addColumn('signing_time_source', TEXT)
      .addColumn('algorithm', TEXT)
      .addColumn('digest_algorithm', TEXT)
      .addColumn('weak', INT, (c) => c.notNull())
      .addColumn('reasons', TEXT, (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_signatures_pk', ['sha256', 'position'])
      .execute();
  },
};
