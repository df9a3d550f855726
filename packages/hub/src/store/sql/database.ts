// Kysely table types of the SQL schema (see migrations/ and docs/data-model.md).
// Portable column types only: TEXT, INTEGER (epoch milliseconds for times, 0/1 for booleans).

import type { Generated } from 'kysely';

export interface CountersTable {
  name: string;
  value: number;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface AgenciesTable {
  code: string;
  parent_code: string | null;
  name: string;
  level: number;
  email: string | null;
  phone: string | null;
  fax: string | null;
  enabled: number;
  is_tenant: number;
  tenant_id: string | null;
  demo: number;
  signature_policy: string | null;
  version: number;
  deleted: number;
  created_at: number;
  updated_at: number;
}

export interface CredentialsTable {
  system_id: string;
  vxp_secret_sealed: string;
  api_key_id: string;
  api_key_hash: string;
  created_at: number;
}

export interface DocumentsTable {
  doc_id: string;
  seq: number;
  message_type: string;
  sender: string;
  submitted_by: string;
  document_id: string | null;
  business_type: number | null;
  business_target: string | null;
  subject: string | null;
  code_number: string | null;
  code_notation: string | null;
  priority: number | null;
  due_date: string | null;
  status_code: string | null;
  status_description: string | null;
  status_staff: string | null;
  response_for_doc_id: string | null;
  response_for_organ_id: string | null;
  response_for_document_id: string | null;
  blob_key: string;
  xml_start: number;
  xml_end: number;
  trace_offset: number | null;
  trace_prefix: string | null;
  trace_indent: string | null;
  hub_trace_timestamp: string | null;
  sha256: string;
  size: number;
  accepted_at: number;
}

export interface AttachmentsTable {
  doc_id: string;
  idx: number;
  content_id: string | null;
  name: string | null;
  content_type: string | null;
  size: number;
  sha256: string;
  blob_key: string;
  /** NULL until the background inspection has stored a verdict for this content */
  inspected_at: number | null;
}

export interface AttachmentInspectionsTable {
  sha256: string;
  outcome: string;
  format: string;
  entry_name: string | null;
  /** JSON list of {code, message, severity} */
  reasons: string;
  checked_at: number;
}

export interface AttachmentSignaturesTable {
  sha256: string;
  position: number;
  status: string;
  sub_filter: string | null;
  covers_whole: number;
  signer_subject: string | null;
  signer_issuer: string | null;
  signer_agency_code: string | null;
  signer_serial: string | null;
  signer_fingerprint: string | null;
  signing_time: number | null;
  signing_time_source: string | null;
  algorithm: string | null;
  digest_algorithm: string | null;
  weak: number;
  /** JSON list of {code, message, severity} */
  reasons: string;
}

export interface DeliveriesTable {
  doc_id: string;
  recipient: string;
  seq: number;
  message_type: string;
  state: string;
  state_description: string | null;
  created_at: number;
  updated_at: number;
  fetched_at: number | null;
  last_status: string | null;
  last_status_at: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  doc_id: string;
  recipient: string | null;
  at: number;
  kind: string;
  actor: string | null;
  detail: string | null;
  status_code: string | null;
  related_doc_id: string | null;
}

export interface TraceHeadersTable {
  doc_id: string;
  position: number;
  organ_id: string;
  timestamp: string;
  by_hub: number;
}

export interface DocumentRelationsTable {
  doc_id: string;
  related_doc_id: string;
  relation: string;
}

export interface DocumentSignaturesTable {
  doc_id: string;
  status: string;
  weak: number;
  policy: string;
  algorithm: string | null;
  digest_algorithm: string | null;
  signer_subject: string | null;
  signer_issuer: string | null;
  signer_agency_code: string | null;
  signer_serial: string | null;
  signer_fingerprint: string | null;
  signer_not_after: number | null;
  /** JSON list of {code, message, severity} */
  reasons: string;
  checked_at: number;
}

export interface AuditLogTable {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  outcome: string;
  reason: string | null;
  request_id: string | null;
  payload: string;
  /** hex hash of the previous entry (64 zeros for the first) */
  prev_hash: string | null;
  /** hex SHA-256(prev_hash bytes || canonical JSON of the chain entry) */
  hash: string | null;
}

export interface ReceiptsTable {
  doc_id: string;
  /** compact JWS signed by the hub */
  receipt: string;
  created_at: number;
}

export interface AuditCheckpointsTable {
  /** the audit_log id of the head the checkpoint vouches for */
  seq: number;
  hash: string;
  at: number;
  /** compact JWS of {seq, hash, at} signed by the hub */
  jws: string;
}

export interface Database {
  counters: CountersTable;
  schema_migrations: SchemaMigrationsTable;
  agencies: AgenciesTable;
  credentials: CredentialsTable;
  documents: DocumentsTable;
  attachments: AttachmentsTable;
  attachment_inspections: AttachmentInspectionsTable;
  attachment_signatures: AttachmentSignaturesTable;
  deliveries: DeliveriesTable;
  events: EventsTable;
  trace_headers: TraceHeadersTable;
  document_relations: DocumentRelationsTable;
  audit_log: AuditLogTable;
  receipts: ReceiptsTable;
  audit_checkpoints: AuditCheckpointsTable;
  document_signatures: DocumentSignaturesTable;
  inline_blobs: InlineBlobsTable;
  // --- console (migration 009) ---
  console_accounts: ConsoleAccountsTable;
  console_sessions: ConsoleSessionsTable;
  console_reads: ConsoleReadsTable;
  agency_signing_keys: AgencySigningKeysTable;
}

export interface InlineBlobsTable {
  key: string;
  size: number;
  bytes: Uint8Array;
  created_at: number;
}

// --- console (migration 009) ---

export interface ConsoleAccountsTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  agency_code: string | null;
  display_name: string;
  disabled: number;
  failed_count: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface ConsoleSessionsTable {
  id: string;
  account_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface ConsoleReadsTable {
  account_id: string;
  doc_id: string;
  read_at: number;
}

export interface AgencySigningKeysTable {
  agency_code: string;
  key_sealed: string;
  certificate: string;
  created_at: number;
}
