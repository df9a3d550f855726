import { type Kysely, sql } from 'kysely';
import type { Migration } from '../../sql/migrator.js';

export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'integer', (c) => c.notNull())
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
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('parent_code', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('fax', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('is_tenant', 'integer', (c) => c.notNull())
      .addColumn('tenant_id', 'text')
      .addColumn('demo', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('deleted', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agencies_version').on('agencies').column('version').execute();
    await db.schema.createIndex('agencies_tenant').on('agencies').column('tenant_id').execute();

    await db.schema
      .createTable('credentials')
      .addColumn('system_id', 'text', (c) => c.primaryKey().references('agencies.code'))
      .addColumn('vxp_secret_sealed', 'text', (c) => c.notNull())
      .addColumn('api_key_id', 'text', (c) => c.notNull().unique())
      .addColumn('api_key_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('documents')
      .addColumn('doc_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .addColumn('message_type', 'text', (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      .addColumn('document_id', 'text')
      .addColumn('business_type', 'integer')
      .addColumn('business_target', 'text')
      .addColumn('subject', 'text')
      .addColumn('code_number', 'text')
      .addColumn('code_notation', 'text')
      .addColumn('priority', 'integer')
      .addColumn('due_date', 'text')
      .addColumn('status_code', 'text')
      .addColumn('status_description', 'text')
      .addColumn('status_staff', 'text')
      .addColumn('response_for_doc_id', 'text', (c) => c.references('documents.doc_id'))
      .addColumn('response_for_organ_id', 'text')
      .addColumn('response_for_document_id', 'text')
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('xml_start', 'integer', (c) => c.notNull())
      .addColumn('xml_end', 'integer', (c) => c.notNull())
      .addColumn('trace_offset', 'integer')
      .addColumn('trace_prefix', 'text')
      .addColumn('trace_indent', 'text')
      .addColumn('hub_trace_timestamp', 'text')
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('accepted_at', 'integer', (c) => c.notNull())
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
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('content_id', 'text')
      .addColumn('name', 'text')
      .addColumn('content_type', 'text')
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('attachments_pk', ['doc_id', 'idx'])
      .execute();

    await db.schema
      .createTable('deliveries')
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull().unique())
      .addColumn('message_type', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('state_description', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addColumn('fetched_at', 'integer')
      .addColumn('last_status', 'text')
      .addColumn('last_status_at', 'integer')
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
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('recipient', 'text')
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor', 'text')
      .addColumn('detail', 'text')
      .addColumn('status_code', 'text')
      .addColumn('related_doc_id', 'text')
      .execute();
    await db.schema.createIndex('events_doc').on('events').columns(['doc_id', 'id']).execute();

    await db.schema
      .createTable('trace_headers')
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('organ_id', 'text', (c) => c.notNull())
      .addColumn('timestamp', 'text', (c) => c.notNull())
      .addColumn('by_hub', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('trace_headers_pk', ['doc_id', 'position'])
      .execute();

    await db.schema
      .createTable('document_relations')
      .addColumn('doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('related_doc_id', 'text', (c) => c.notNull().references('documents.doc_id'))
      .addColumn('relation', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('document_relations_pk', ['doc_id', 'related_doc_id', 'relation'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('at', 'integer', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('subject', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_log_subject').on('audit_log').column('subject').execute();
    // Append-only, enforced by the database itself.
    await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
      db,
    );
    await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`.execute(
      db,
    );
  },
};
