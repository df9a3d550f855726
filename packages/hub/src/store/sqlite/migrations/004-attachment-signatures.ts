import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/**
 * Signatures found in attachments (PDF, raw or in a one-file ZIP), checked in the background after
 * acceptance. Verdicts are kept per content (sha256): the same file sent twice is inspected once.
 * Attachments accepted before this version start pending and are inspected at the next start.
 */
export const attachmentSignatures: Migration = {
  version: 4,
  name: 'attachment-signatures',
  async up(db: Kysely<unknown>) {
    // NULL: not inspected yet (the worker's queue)
    await db.schema.alterTable('attachments').addColumn('inspected_at', 'integer').execute();
    await db.schema
      .createIndex('attachments_uninspected')
      .on('attachments')
      .columns(['doc_id', 'idx'])
      .where(sql.ref('inspected_at'), 'is', null)
      .execute();
    await db.schema.createIndex('attachments_sha256').on('attachments').column('sha256').execute();

    await db.schema
      .createTable('attachment_inspections')
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('entry_name', 'text')
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('checked_at', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('attachment_signatures')
      .addColumn('sha256', 'text', (c) => c.notNull().references('attachment_inspections.sha256'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sub_filter', 'text')
      .addColumn('covers_whole', 'integer', (c) => c.notNull())
      .addColumn('signer_subject', 'text')
      .addColumn('signer_issuer', 'text')
      .addColumn('signer_agency_code', 'text')
      .addColumn('signer_serial', 'text')
      .addColumn('signer_fingerprint', 'text')
      .addColumn('signing_time', 'integer')
      .addColumn('signing_time_source', 'text')
      .addColumn('algorithm', 'text')
      .addColumn('digest_algorithm', 'text')
      .addColumn('weak', 'integer', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_signatures_pk', ['sha256', 'position'])
      .execute();
  },
};
