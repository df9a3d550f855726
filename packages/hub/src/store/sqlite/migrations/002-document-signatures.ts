import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

/** The XML-signature verdict of each accepted package, and each agency's own signature policy. */
export const documentSignatures: Migration = {
  version: 2,
  name: 'document-signatures',
  async up(db: Kysely<unknown>) {
    // NULL: the hub's default (trust.signaturePolicy)
    await db.schema.alterTable('agencies').addColumn('signature_policy', 'text').execute();

    await db.schema
      .createTable('document_signatures')
      .addColumn('doc_id', 'text', (c) => c.primaryKey().references('documents.doc_id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('weak', 'integer', (c) => c.notNull())
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text')
      .addColumn('digest_algorithm', 'text')
      .addColumn('signer_subject', 'text')
      .addColumn('signer_issuer', 'text')
      .addColumn('signer_agency_code', 'text')
      .addColumn('signer_serial', 'text')
      .addColumn('signer_fingerprint', 'text')
      .addColumn('signer_not_after', 'integer')
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('checked_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('document_signatures_status').on('document_signatures').column('status').execute();
  },
};
