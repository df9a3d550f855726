import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';
import { appendOnly, BIGINT, INT, TEXT } from './pg-types.js';

/** The schema of SQLite's migration 001, in PostgreSQL types (pg-types.ts). */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('counters')
      .addColumn('name', TEXT, (c) => c.primaryKey())
      .addColumn('value', BIGINT, (c) => c.notNull())
      .execute();
    await db
      .insertInto('counters' as never)
      .values([
        { name: 'directory_version', value: 0 },
        { name: 'document_seq', value: 0 },
        { name: 'delivery_seq', value: 0 },
        { name: 'audit_id', value: 0 },
      ] as never)
      .execute();

    await db.schema
      .createTable('agencies')
      .addColumn('code', TEXT, (c) => c.primaryKey())
      .addColumn('parent_code', TEXT)
      .addColumn('name', TEXT, (c) => c.notNull())
      .addColumn('level', INT, (c) => c.notNull())
      .addColumn('email', TEXT)
      .addColumn('phone', TEXT)
      .addColumn('fax', TEXT)
      .addColumn('enabled', INT, (c) => c.notNull())
      .addColumn('is_tenant', INT, (c) => c.notNull())
      .addColumn('tenant_id', TEXT)
      .addColumn('demo', INT, (c) => c.notNull())
      .addColumn('version', BIGINT, (c) => c.notNull())
      .addColumn('deleted', INT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('updated_at', BIGINT, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agencies_version').on('agencies').column('version').execute();
    await db.schema.createIndex('agencies_tenant').on('agencies').column('tenant_id').execute();

    await db.schema
      .createTable('credentials')
      .addColumn('system_id', TEXT, (c) => c.primaryKey().references('agencies.code'))
      .addColumn('vxp_secret_sealed', TEXT, (c) => c.notNull())
      .addColumn('api_key_id', TEXT, (c) => c.notNull().unique())
      .addColumn('api_key_hash', TEXT, (c) => c.notNull())
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('documents')
      .addColumn('doc_id', TEXT, (c) => c.primaryKey())
      .addColumn('seq', BIGINT, (c) => c.notNull().unique())
      .addColumn('message_type', TEXT, (c) => c.notNull())
      .addColumn('sender', TEXT, (c) => c.notNull())
      .addColumn('submitted_by', TEXT, (c) => c.notNull())
      .addColumn('document_id', TEXT)
      .addColumn('business_type', INT)
      .addColumn('business_target', TEXT)
      .addColumn('subject', TEXT)
      .addColumn('code_number', TEXT)
      .addColumn('code_notation', TEXT)
      .addColumn('priority', INT)
      .addColumn('due_date', TEXT)
      .addColumn('status_code', TEXT)
      .addColumn('status_description', TEXT)
      .addColumn('status_staff', TEXT)
      .addColumn('response_for_doc_id', TEXT, (c) => c.references('documents.doc_id'))
      .addColumn('response_for_organ_id', TEXT)
      .addColumn('response_for_document_id', TEXT)
      .addColumn('blob_key', TEXT, (c) => c.notNull())
      .addColumn('xml_start', BIGINT, (c) => c.notNull())
      .addColumn('xml_end', BIGINT, (c) => c.notNull())
      .addColumn('trace_offset', BIGINT)
      .addColumn('trace_prefix', TEXT)
      .addColumn('trace_indent', TEXT)
      .addColumn('hub_trace_timestamp', TEXT)
      .addColumn('sha256', TEXT, (c) => c.notNull())
      .addColumn('size', BIGINT, (c) => c.notNull())
      .addColumn('accepted_at', BIGINT, (c) => c.notNull())
      .execute();
    // Dedupe: one document per sender and package digest.
    await db.schema
      .createIndex('documents_sender_sha')
      .on('documents')
      .columns(['sender', 'sha256'])
      .unique()
      .execute();
    // A DocumentId names one *new* document per sender; revokes/updates/replaces reuse it.
    await db.schema
      .createIndex('documents_sender_new_document_id')
      .on('documents')
      .columns(['sender', 'document_id'])
      .unique()
      .where(sql.ref('business_type'), '=', 0)
      .execute();
    await db.schema.createIndex('documents_document_id').on('documents').columns(['document_id', 'sender']).execute();
    await db.schema
      .createIndex('documents_sender_seq')
      .on('documents')
      .columns(['sender', 'message_type', 'seq'])
      .execute();
    await db.schema.createIndex('documents_response_for').on('documents').column('response_for_doc_id').execute();

    await db.schema
      .createTable('attachments')
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('idx', INT, (c) => c.notNull())
      .addColumn('content_id', TEXT)
      .addColumn('name', TEXT)
      .addColumn('content_type', TEXT)
      .addColumn('size', BIGINT, (c) => c.notNull())
      .addColumn('sha256', TEXT, (c) => c.notNull())
      .addColumn('blob_key', TEXT, (c) => c.notNull())
      .addPrimaryKeyConstraint('attachments_pk', ['doc_id', 'idx'])
      .execute();

    await db.schema
      .createTable('deliveries')
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('recipient', TEXT, (c) => c.notNull())
      .addColumn('seq', BIGINT, (c) => c.notNull().unique())
      .addColumn('message_type', TEXT, (c) => c.notNull())
      .addColumn('state', TEXT, (c) => c.notNull())
      .addColumn('state_description', TEXT)
      .addColumn('created_at', BIGINT, (c) => c.notNull())
      .addColumn('updated_at', BIGINT, (c) => c.notNull())
      .addColumn('fetched_at', BIGINT)
      .addColumn('last_status', TEXT)
      .addColumn('last_status_at', BIGINT)
      .addPrimaryKeyConstraint('deliveries_pk', ['doc_id', 'recipient'])
      .execute();
    await db.schema
      .createIndex('deliveries_inbox')
      .on('deliveries')
      .columns(['recipient', 'message_type', 'state', 'seq'])
      .execute();
    await db.schema.createIndex('deliveries_state').on('deliveries').column('state').execute();

    await db.schema
      .createTable('events')
      .addColumn('id', BIGINT, (c) => c.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('recipient', TEXT)
      .addColumn('at', BIGINT, (c) => c.notNull())
      .addColumn('kind', TEXT, (c) => c.notNull())
      .addColumn('actor', TEXT)
      .addColumn('detail', TEXT)
      .addColumn('status_code', TEXT)
      .addColumn('related_doc_id', TEXT)
      .execute();
    await db.schema.createIndex('events_doc').on('events').columns(['doc_id', 'id']).execute();

    await db.schema
      .createTable('trace_headers')
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('position', INT, (c) => c.notNull())
      .addColumn('organ_id', TEXT, (c) => c.notNull())
      .addColumn('timestamp', TEXT, (c) => c.notNull())
      .addColumn('by_hub', INT, (c) => c.notNull())
      .addPrimaryKeyConstraint('trace_headers_pk', ['doc_id', 'position'])
      .execute();

    await db.schema
      .createTable('document_relations')
      .addColumn('doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('related_doc_id', TEXT, (c) => c.notNull().references('documents.doc_id'))
      .addColumn('relation', TEXT, (c) => c.notNull())
      .addPrimaryKeyConstraint('document_relations_pk', ['doc_id', 'related_doc_id', 'relation'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', BIGINT, (c) => c.primaryKey())
      .addColumn('at', BIGINT, (c) => c.notNull())
      .addColumn('actor', TEXT, (c) => c.notNull())
      .addColumn('action', TEXT, (c) => c.notNull())
      .addColumn('subject', TEXT)
      .addColumn('outcome', TEXT, (c) => c.notNull())
      .addColumn('reason', TEXT)
      .addColumn('request_id', TEXT)
      .addColumn('payload', TEXT, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_subject').on('audit_log').column('subject').execute();
    // Append-only, enforced by the database itself.
    await appendOnly(db, 'audit_log');
  },
};
