// The tables `migrate-store` copies, in dependency order (a row's foreign keys point at rows copied
// before it), each with the key it is paged by. `documents` is paged by `seq`, not by its primary key:
// a status refers (response_for_doc_id) to a document accepted before it, so seq order satisfies the
// self-reference. `counters` is written last and by upsert (the target's migration created its rows).
// `schema_migrations` is not copied: the target migrates itself to the same version.

export interface CopiedTable {
  name: string;
  /** unique, not null: the keyset the copy pages by */
  key: string[];
  /** rows per batch (inline_blobs: up to 256 KiB each) */
  batch?: number;
}

export const COPIED_TABLES: readonly CopiedTable[] = [
  { name: 'agencies', key: ['code'] },
  { name: 'credentials', key: ['system_id'] },
  { name: 'documents', key: ['seq'] },
  { name: 'document_relations', key: ['doc_id', 'related_doc_id', 'relation'] },
  { name: 'attachments', key: ['doc_id', 'idx'] },
  { name: 'attachment_inspections', key: ['sha256'] },
  { name: 'attachment_signatures', key: ['sha256', 'position'] },
  { name: 'deliveries', key: ['doc_id', 'recipient'] },
  { name: 'events', key: ['id'] },
  { name: 'trace_headers', key: ['doc_id', 'position'] },
  { name: 'document_signatures', key: ['doc_id'] },
  { name: 'receipts', key: ['doc_id'] },
  { name: 'audit_log', key: ['id'] },
  { name: 'audit_checkpoints', key: ['seq'] },
  { name: 'inline_blobs', key: ['key'], batch: 32 },
  { name: 'webhooks', key: ['agency'] },
  { name: 'webhook_notifications', key: ['id'] },
  // federation (migration 008)
  { name: 'federation_outbox', key: ['seq'] },
  { name: 'federation_cursors', key: ['peer'] },
  { name: 'federation_inbound', key: ['doc_id'] },
  { name: 'federation_seen', key: ['peer', 'message_id'] },
  { name: 'federation_link_stats', key: ['peer'] },
  { name: 'federation_leases', key: ['peer'] },
  // console (migration 009)
  { name: 'console_accounts', key: ['id'] },
  { name: 'console_sessions', key: ['id'] },
  { name: 'console_reads', key: ['account_id', 'doc_id'] },
  { name: 'agency_signing_keys', key: ['agency_code'] },
  // operator console (migration 010); its statistics are not copied: the target's aggregator folds them again
  { name: 'agency_last_seen', key: ['agency_code'] },
  { name: 'counters', key: ['name'] },
];

/** The SQLite tables a copy knows nothing about would be lost: refused. */
export const NOT_COPIED_TABLES: ReadonlySet<string> = new Set([
  'schema_migrations',
  // derived from documents and deliveries: rebuilt on the target from its own cursor (console/ops)
  'stats_cursor',
  'stats_daily',
  'stats_monthly',
  'stats_status_codes',
  'document_search',
]);
