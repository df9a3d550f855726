import type { Kysely } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { BIGINT, INT, TEXT } from './pg-types.js';

/** The XML-signature verdict of each accepted package, and each agency's own signature policy. */
export const documentSignatures: Migration = {
  version: 2,
  name: 'document-signatures',
  async up(db: Kysely<unknown>) {
    // NULL: the hub's default (trust.signaturePolicy)
    await db.schema.alterTable('agencies').addColumn('signature_policy', TEXT).execute();

    await db.schema
      .createTable('document_signatures')
      .addColumn('doc_id', TEXT, (c) => c.primaryKey().references('documents.doc_id'))
      .addColumn('status', TEXT, (c) => c.notNull())
      .addColumn('weak', INT, (c) => c.notNull())
      .addColumn('policy', TEXT, (c) => c.notNull())
      .addColumn('algorithm', TEXT)
      .addColumn('digest_algorithm', TEXT)
      .addColumn('signer_subject', TEXT)
      .addColumn('signer_issuer', TEXT)
      .addColumn('signer_agency_code', TEXT)
      .addColumn('signer_serial', TEXT)
      .addColumn('signer_fingerprint', TEXT)
      .addColumn('signer_not_after', BIGINT)
      .addColumn('reasons', TEXT, (c) => c.notNull())
      .addColumn('checked_at', BIGINT, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('document_signatures_status').on('document_signatures').column('status').execute();
  },
};
