// The Store: everything durable except blob bytes. Backend-neutral: records are plain values,
// timestamps are Dates, and every multi-row change happens inside `transaction`.
// Implementations live beside this file in folders named after the technology (sqlite/, postgres/).

import type { BusinessDocType, Priority, StatusCode } from '@lienthong/edxml';
import type {
  AckState,
  Agency,
  AttachmentInspectionState,
  AttachmentSignature,
  DeliveryState,
  MessageType,
  SignaturePolicy,
  SignatureReason,
  SignatureVerdict,
  TimelineEvent,
} from '../core/contract.js';

export type AgencyRecord = Agency;

/** An agency as registered: the store assigns its version, deletion flag and time; its signature policy is set later. */
export type NewAgencyRecord = Omit<Agency, 'signaturePolicy' | 'version' | 'deleted' | 'updatedAt'>;

export type AgencyPatch = Partial<Omit<NewAgencyRecord, 'code'>> & {
  deleted?: boolean;
  /** null: back to the hub's default */
  signaturePolicy?: SignaturePolicy | null;
};

export interface AgencyFilter {
  includeDisabled?: boolean;
  /** include deleted rows (incremental sync needs them) */
  includeDeleted?: boolean;
  /** only rows changed after this directory version */
  sinceVersion?: number;
  level?: number;
  tenantId?: string;
}

export interface CredentialRecord {
  systemId: string;
  /** the VXP secret sealed with the master key (AES-256-GCM) */
  vxpSecretSealed: string;
  apiKeyId: string;
  /** lowercase hex SHA-256 of the API key's secret part */
  apiKeyHash: string;
  createdAt: Date;
}

export interface DocumentRecord {
  docId: string;
  /** store-assigned, increasing: order of acceptance */
  seq: number;
  messageType: MessageType;
  /** From/OrganId */
  sender: string;
  /** the authenticated system that submitted it (differs from sender for a tenant's unit) */
  submittedBy: string;
  /** MessageHeader/DocumentId (documents only) */
  documentId?: string;
  businessType?: BusinessDocType;
  /** the DocumentId a revoke/update/replace is about */
  businessTarget?: string;
  subject?: string;
  codeNumber?: string;
  codeNotation?: string;
  priority?: Priority;
  dueDate?: string;
  statusCode?: StatusCode;
  statusDescription?: string;
  statusStaff?: string;
  /** DocId of the document a status package reports on, when known to this hub */
  responseForDocId?: string;
  responseForOrganId?: string;
  responseForDocumentId?: string;
  /** raw request body, content-addressed */
  blobKey: string;
  xmlStart: number;
  xmlEnd: number;
  traceOffset?: number;
  tracePrefix?: string;
  traceIndent?: string;
  /** yyyy/MM/dd HH:mm:ss, Vietnam time: the hub's own TraceHeader */
  hubTraceTimestamp?: string;
  sha256: string;
  size: number;
  acceptedAt: Date;
}

export type NewDocumentRecord = Omit<DocumentRecord, 'seq'>;

export interface AttachmentRecord {
  docId: string;
  index: number;
  contentId?: string;
  name?: string;
  contentType?: string;
  size: number;
  sha256: string;
  blobKey: string;
}

/** An attachment the background inspection has not judged yet. */
export interface UninspectedAttachment {
  docId: string;
  index: number;
  sha256: string;
  blobKey: string;
  size: number;
}

/** The inspection of one attachment content (sha256): shared by every attachment with those bytes. */
export interface AttachmentInspectionRecord {
  sha256: string;
  outcome: Exclude<AttachmentInspectionState['state'], 'pending'>;
  format: NonNullable<AttachmentInspectionState['format']>;
  entryName?: string;
  reasons: SignatureReason[];
  checkedAt: Date;
  /** in file order */
  signatures: AttachmentSignature[];
}

export interface DeliveryRecord {
  docId: string;
  recipient: string;
  /** store-assigned, increasing: the inbox cursor position */
  seq: number;
  state: DeliveryState;
  stateDescription?: string;
  createdAt: Date;
  updatedAt: Date;
  /** first time the recipient read the package */
  fetchedAt?: Date;
  /** latest business status this recipient sent about the document */
  lastStatus?: StatusCode;
  lastStatusAt?: Date;
}

export interface DeliveryPatch {
  state?: DeliveryState;
  stateDescription?: string | null;
  updatedAt?: Date;
  fetchedAt?: Date;
  lastStatus?: StatusCode;
  lastStatusAt?: Date;
}

export interface EventRecord extends TimelineEvent {
  docId: string;
  /** the recipient the event is about; undefined for document-level events */
  recipient?: string;
}

export interface TraceRecord {
  docId: string;
  position: number;
  organId: string;
  timestamp: string;
  byHub: boolean;
}

export type RelationKind = 'revokes' | 'updates' | 'replaces' | 'revoked-by' | 'updated-by' | 'replaced-by';

export interface RelationRecord {
  docId: string;
  relatedDocId: string;
  relation: RelationKind;
}

export interface SignatureRecord extends SignatureVerdict {
  docId: string;
}

/** Per sender agency: its documents (edoc packages) and their XML-signature verdicts. */
export interface SignatureStatsRow {
  sender: string;
  documents: number;
  /** valid, including weak ones */
  valid: number;
  /** valid but weak (SHA-1, small RSA key) */
  weak: number;
  invalid: number;
  indeterminate: number;
  /** checked and carrying no Signature */
  absent: number;
  /** accepted while the policy was `off` */
  unchecked: number;
  /** documents with at least one attachment carrying a valid PDF signature over the whole file */
  pdfSigned: number;
}

export interface AuditInput {
  at: Date;
  /** authenticated system, or 'admin' / 'hub' */
  actor: string;
  /** accept | refuse | fetch | ack | status | agency-add | agency-enable | … */
  action: string;
  /** DocId or agency code the entry is about */
  subject?: string;
  outcome: 'ok' | 'refused';
  reason?: string;
  requestId?: string;
  /** canonical JSON (sorted keys, no whitespace) of the entry's details */
  payload: string;
  /**
   * canonicalJson(chainEntry(id, payload)) — what the hash chain hashes — when the caller has it for
   * less than parsing the payload again (recordAudit); without it the store computes it
   */
  chainText?: (id: number) => string;
}

export interface AuditRecord extends AuditInput {
  /** strictly increasing, gap-free within a store */
  id: number;
  /** hash of the entry before (64 zeros for the first): the audit hash chain (docs/trust.md) */
  prevHash: string;
  /** entryHash(prevHash, chainEntry(id, payload)) */
  hash: string;
}

/** A signed statement by the hub that the audit chain's entry `seq` had hash `hash` at `at`. */
export interface AuditCheckpointRecord {
  seq: number;
  hash: string;
  at: Date;
  /** compact JWS (signCheckpoint of @lienthong/trust) */
  jws: string;
}

export interface InboxFilter {
  recipients: string[];
  messageType: MessageType;
  states: DeliveryState[];
  afterSeq?: number;
  limit: number;
  from?: string;
  fromDate?: Date;
  toDate?: Date;
}

export interface InboxRow {
  delivery: DeliveryRecord;
  document: DocumentRecord;
}

export interface SentFilter {
  senders: string[];
  messageType: MessageType;
  docId?: string;
  /** newest first: only documents with seq below this */
  beforeSeq?: number;
  limit: number;
}

/** Reads and writes; inside `Store.transaction` they see and change one consistent state. */
export interface StoreOps {
  ping(): Promise<void>;

  getAgency(code: string): Promise<AgencyRecord | undefined>;
  getAgencies(codes: string[]): Promise<AgencyRecord[]>;
  listAgencies(filter: AgencyFilter): Promise<AgencyRecord[]>;
  countAgencies(): Promise<number>;
  /** inserts, or revives a deleted row with the same code; bumps the directory version */
  insertAgency(agency: NewAgencyRecord, at: Date): Promise<AgencyRecord>;
  /** bumps the directory version */
  updateAgency(code: string, patch: AgencyPatch, at: Date): Promise<AgencyRecord | undefined>;

  getCredential(systemId: string): Promise<CredentialRecord | undefined>;
  getCredentialByKeyId(keyId: string): Promise<CredentialRecord | undefined>;
  /** insert or replace the system's credentials */
  putCredential(credential: CredentialRecord): Promise<void>;

  getDocument(docId: string): Promise<DocumentRecord | undefined>;
  findDocumentBySha(sender: string, sha256: string): Promise<DocumentRecord | undefined>;
  /** edoc documents carrying this MessageHeader/DocumentId, oldest first; optionally only from one sender */
  findDocumentsByDocumentId(documentId: string, sender?: string): Promise<DocumentRecord[]>;
  insertDocument(document: NewDocumentRecord): Promise<DocumentRecord>;
  countDocuments(): Promise<number>;

  insertSignature(signature: SignatureRecord): Promise<void>;
  getSignature(docId: string): Promise<SignatureRecord | undefined>;
  /** per sender agency, sorted by code */
  signatureStats(): Promise<SignatureStatsRow[]>;

  insertAttachments(attachments: AttachmentRecord[]): Promise<void>;
  listAttachments(docId: string): Promise<AttachmentRecord[]>;
  /** attachments not inspected yet, oldest documents first */
  listUninspectedAttachments(limit: number): Promise<UninspectedAttachment[]>;
  /** how many attachments wait for the inspector (the queue's depth, for /metrics and the benchmarks) */
  countUninspectedAttachments(): Promise<number>;
  getAttachmentInspections(sha256s: string[]): Promise<AttachmentInspectionRecord[]>;
  /**
   * Stores the verdicts on these contents (one already stored for a content is kept) and marks every
   * attachment with one of these contents inspected; run it inside `Store.transaction` so that both happen
   * or neither.
   */
  saveAttachmentInspections(inspections: readonly AttachmentInspectionRecord[]): Promise<void>;
  insertTraces(traces: TraceRecord[]): Promise<void>;
  listTraces(docId: string): Promise<TraceRecord[]>;
  insertRelations(relations: RelationRecord[]): Promise<void>;
  listRelations(docId: string): Promise<RelationRecord[]>;

  insertDelivery(docId: string, recipient: string, at: Date): Promise<DeliveryRecord>;
  getDeliveries(docId: string): Promise<DeliveryRecord[]>;
  /** the deliveries of one document to these recipients only (a fetch must not read all 1,000 of a fan-out) */
  getDeliveriesTo(docId: string, recipients: readonly string[]): Promise<DeliveryRecord[]>;
  updateDelivery(docId: string, recipient: string, patch: DeliveryPatch): Promise<void>;
  /**
   * Compare-and-set: applies `patch` only while the delivery is still in state `expected.state` with
   * description `expected.stateDescription` (undefined: none). False when another writer (another hub
   * node) changed it first: the caller reads it again. Under PostgreSQL's READ COMMITTED the UPDATE
   * waits for a concurrent writer's row lock and then tests the row as that writer left it.
   */
  updateDeliveryIf(
    docId: string,
    recipient: string,
    expected: { state: DeliveryState; stateDescription?: string },
    patch: DeliveryPatch,
  ): Promise<boolean>;
  /** records the first fetch of docId by those recipients not fetched before; returns them (one statement) */
  markFetched(docId: string, recipients: string[], at: Date): Promise<string[]>;
  listInbox(filter: InboxFilter): Promise<InboxRow[]>;
  countDeliveries(filter: { recipients: string[]; messageType: MessageType; states: DeliveryState[] }): Promise<number>;
  countAllPending(): Promise<number>;
  listSent(filter: SentFilter): Promise<DocumentRecord[]>;
  /** status packages reporting on this document, oldest first */
  listStatusReports(docId: string): Promise<DocumentRecord[]>;

  insertEvents(events: EventRecord[]): Promise<void>;
  listEvents(docId: string): Promise<EventRecord[]>;

  /**
   * Appends the next entry of the hash chain: takes the next `audit_id`, reads the previous entry's hash and
   * writes the entry with both hashes, all in one transaction. Taking the id is the write lock that orders
   * appenders: SQLite has one writer at a time; on PostgreSQL the `UPDATE counters … RETURNING` holds the
   * counter row's lock until commit, so the previous entry read after it (READ COMMITTED) is the committed head.
   */
  appendAudit(entry: AuditInput): Promise<AuditRecord>;
  listAudit(afterId: number, limit: number): Promise<AuditRecord[]>;
  /** the newest entry's id and hash */
  auditHead(): Promise<{ id: number; hash: string } | undefined>;
  /** ignored when a checkpoint of that seq exists already */
  insertAuditCheckpoint(checkpoint: AuditCheckpointRecord): Promise<void>;
  /** oldest first */
  listAuditCheckpoints(): Promise<AuditCheckpointRecord[]>;
  latestAuditCheckpoint(): Promise<AuditCheckpointRecord | undefined>;

  /** stores the hub's signed receipt of an accepted document unless it has one; returns the stored receipt */
  insertReceipt(docId: string, receipt: string, at: Date): Promise<string>;
  getReceipt(docId: string): Promise<string | undefined>;

  /** stores small blobs in the database (in the caller's transaction); a key already stored is kept */
  insertInlineBlobs(blobs: InlineBlob[], at: Date): Promise<void>;
  getInlineBlob(key: string): Promise<Uint8Array | undefined>;
  inlineBlobSize(key: string): Promise<number | undefined>;
  /**
   * Which of `keys` some row references as its blob (`documents.blob_key`, `attachments.blob_key`: the
   * only columns blobs are read through). Pass a bounded batch (a few hundred keys).
   */
  referencedBlobKeys(keys: readonly string[]): Promise<Set<string>>;

  // ── Webhooks: push delivery (migration 007; delivery/webhooks/) ─────────────────────────────────────
  getWebhook(agency: string): Promise<WebhookRecord | undefined>;
  /** the agencies that have a webhook */
  listWebhookOwners(): Promise<string[]>;
  /**
   * Registers or changes the agency's webhook. A new registration pushes only deliveries created after it
   * (`fromSeq` = the delivery counter now); a change keeps `fromSeq` and the notifications not sent yet.
   */
  putWebhook(webhook: NewWebhookRecord, at: Date): Promise<WebhookRecord>;
  /** false when there was none; notifications not sent yet are skipped when their turn comes */
  deleteWebhook(agency: string): Promise<boolean>;
  /**
   * Creates the notifications of deliveries committed since the last call (seq order, behind the
   * `webhook_cursor` counter), at most `limit` deliveries scanned; run inside `Store.transaction`. The
   * cursor row is locked first, so two nodes never scan the same range; delivery seqs are handed out in
   * commit order, so a delivery committed later always has a seq past the cursor.
   */
  deriveWebhookNotifications(
    limit: number,
    at: Date,
    horizonMs: number,
    newId: () => string,
  ): Promise<{ scanned: number; created: number }>;
  /** how many deliveries the notifications have not been derived from yet (0: nothing new) */
  webhookCursorLag(): Promise<number>;
  /**
   * Claims up to `limit` pending notifications due at `now` that nobody holds (PostgreSQL: FOR UPDATE SKIP
   * LOCKED), counts the attempt, and leases them to `claim` until `leaseUntil`: a node that dies leaves
   * them claimable again after that. Run inside `Store.transaction`.
   */
  claimWebhookNotifications(
    limit: number,
    now: Date,
    leaseUntil: Date,
    claim: string,
  ): Promise<WebhookNotificationRecord[]>;
  /** whether a pending notification is due at `now` (one index probe: the dispatcher asks before claiming) */
  hasDueWebhookNotifications(now: Date): Promise<boolean>;
  /** records an attempt's outcome, only while `claim` still holds the notification; false otherwise */
  finishWebhookNotification(id: string, claim: string, outcome: WebhookOutcome): Promise<boolean>;
  listWebhookNotifications(filter: WebhookNotificationFilter): Promise<WebhookNotificationRecord[]>;
  /** dead letters (these ids, or all of them, optionally of one agency) due again now, with a new horizon */
  retryWebhookNotifications(
    filter: { ids?: readonly string[]; agency?: string },
    at: Date,
    horizonMs: number,
  ): Promise<number>;
  webhookQueueStats(now: Date, agency?: string): Promise<WebhookQueueStats>;
  // ---- federation (migration 008; docs/protocols/federation.md) --------------------------------------
  /**
   * Inserts or updates an agency learned over a link: served by `servedBy`, reached through `via`.
   * An agency this hub serves itself is never overwritten ('local'). Bumps the directory version when
   * something changed, so the change travels on to the other links.
   */
  upsertRemoteAgency(agency: RemoteAgencyRecord, at: Date): Promise<'inserted' | 'updated' | 'unchanged' | 'local'>;
  /**
   * Directory changes after `sinceVersion` (disabled and deleted rows included), oldest version first,
   * leaving out the agencies reached through `excludeVia` (what a peer told us is not told back to it).
   */
  listDirectoryChanges(sinceVersion: number, excludeVia: string, limit: number): Promise<DirectoryChange[]>;
  /** the agencies among `codes` served by another hub; agencies of this hub are not in the map */
  getAgencyRoutes(codes: readonly string[]): Promise<Map<string, AgencyRoute>>;
  getFederationCursor(peer: string): Promise<number>;
  setFederationCursor(peer: string, version: number, at: Date): Promise<void>;
  /** appends to the outbox: each entry gets the next `federation_outbox_seq` (commit order) */
  enqueueOutbox(entries: NewOutboxEntry[], at: Date): Promise<number[]>;
  /** the waiting entries towards `peer`, in seq order */
  listWaitingOutbox(peer: string, limit: number): Promise<OutboxEntry[]>;
  updateOutbox(seq: number, patch: OutboxPatch): Promise<void>;
  /** entries towards `peer`, newest first (any state) */
  listOutbox(peer: string, limit: number): Promise<OutboxEntry[]>;
  /** per peer with outbox entries: waiting count, oldest waiting entry's creation time, dead count */
  outboxSummary(): Promise<OutboxSummaryRow[]>;
  recordLinkResult(peer: string, ok: boolean, at: Date, error?: string): Promise<void>;
  listLinkStats(): Promise<LinkStatsRecord[]>;
  /** remembers that `docId` came over the link from `peer`, where it is `remoteDocId` */
  insertInbound(docId: string, link: InboundRecord): Promise<void>;
  getInbound(docId: string): Promise<InboundRecord | undefined>;
  findInbound(peer: string, remoteDocId: string): Promise<string | undefined>;
  /** records a link message as applied; false when it was applied before (a retried message) */
  markLinkMessageSeen(peer: string, messageId: string, at: Date): Promise<boolean>;
  /**
   * Takes or renews the lease on forwarding the link to `peer` until now + ttlMs: true when `holder` has it
   * (it held it, or the lease was free or expired). Several hub nodes on one database forward a link one at a time.
   */
  acquireLinkLease(peer: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  // ---- console (migration 009; docs/console.md): accounts, sessions, read marks, agency signing keys ----
  insertConsoleAccount(account: ConsoleAccountRecord): Promise<void>;
  getConsoleAccount(id: string): Promise<ConsoleAccountRecord | undefined>;
  getConsoleAccountByUsername(username: string): Promise<ConsoleAccountRecord | undefined>;
  /** sorted by username */
  listConsoleAccounts(): Promise<ConsoleAccountRecord[]>;
  updateConsoleAccount(id: string, patch: ConsoleAccountPatch): Promise<void>;
  insertConsoleSession(session: ConsoleSessionRecord): Promise<void>;
  /** by the SHA-256 (hex) of the cookie's secret */
  getConsoleSession(id: string): Promise<ConsoleSessionRecord | undefined>;
  touchConsoleSession(id: string, lastSeenAt: Date): Promise<void>;
  deleteConsoleSession(id: string): Promise<void>;
  /** every session of an account (password change, disable); returns how many */
  deleteConsoleSessionsOf(accountId: string): Promise<number>;
  deleteExpiredConsoleSessions(now: Date): Promise<number>;
  /** records that the account opened these documents (first time kept) */
  markConsoleRead(accountId: string, docIds: readonly string[], at: Date): Promise<void>;
  /** which of these documents the account has opened */
  consoleReads(accountId: string, docIds: readonly string[]): Promise<Set<string>>;
  /** insert or replace */
  putAgencySigningKey(key: AgencySigningKeyRecord): Promise<void>;
  getAgencySigningKey(agencyCode: string): Promise<AgencySigningKeyRecord | undefined>;

  // ---- operator console statistics and search (console/ops, migration 010) ----
  /**
   * Folds up to `limit` accepted packages after the statistics cursor into the pre-aggregated tables and
   * moves the cursor; run it inside `Store.transaction` (the cursor's row lock orders several nodes).
   */
  foldStats(limit: number): Promise<StatsFoldResult>;
  /** the statistics cursor and the newest package's seq */
  statsProgress(): Promise<{ cursor: number; head: number }>;
  /** packages per day (yyyymmdd) or month (yyyymm), Vietnam time, per agency level and direction */
  statsSeries(q: StatsQuery, bucket: 'day' | 'month'): Promise<StatsSeriesRow[]>;
  /** per agency: packages sent (and how many with a valid signature) and received, sorted by code */
  statsByAgency(q: StatsQuery): Promise<StatsAgencyRow[]>;
  /** status codes returned per agency (all time), sorted by agency and code */
  statsStatusCodes(agencies?: readonly string[]): Promise<StatsStatusCodeRow[]>;
  /** records that these agencies were seen (keeps the later of stored and given) */
  touchAgencies(seen: ReadonlyArray<{ code: string; at: Date }>): Promise<void>;
  agenciesLastSeen(codes?: readonly string[]): Promise<Map<string, Date>>;
  /** pending deliveries created before `before`, per recipient (most first) */
  overdueDeliveries(q: OverdueQuery): Promise<OverdueSummary>;
  /** documents by number, notation, folded subject, sender, recipient, time, state: newest first */
  searchDocuments(q: DocumentSearchQuery): Promise<DocumentRecord[]>;

  // ---- intake's look-ups before it inserts (pg helper, session 4) ----
  /**
   * What intake checks before it inserts a package, in one look-up: the sender's document with the same
   * bytes (findDocumentBySha) and, with `documentId`, the sender's edoc documents with that DocumentId
   * (findDocumentsByDocumentId, oldest first). Inside a transaction a backend whose unique indexes refuse
   * both kinds of duplicate may answer "none" without looking, the first time a transaction runs: the
   * insert then fails with a unique violation, and the transaction runs again and looks (PostgreSQL).
   */
  findEarlierSubmission(sender: string, sha256: string, documentId?: string): Promise<EarlierSubmission>;
  // console clerk lists: most urgent, nearest due date, newest first; keyset pages
  /** deliveries to these recipients in these states, with their documents */
  listConsoleInbox(
    q: ConsoleListQuery & { recipients: readonly string[]; states: readonly DeliveryState[] },
  ): Promise<InboxRow[]>;
  /** documents these senders sent */
  listConsoleOutbox(q: ConsoleListQuery & { senders: readonly string[] }): Promise<DocumentRecord[]>;
  // ---- delivery: the acknowledgement without reading the delivery first (delivery helper, session 5) ----
  /**
   * The transport acknowledgement as one compare-and-set: sets the state and description (null: none)
   * unless the delivery is done or withdrawn, or already in that state with that description. True when
   * it changed the row. False otherwise: the caller reads the delivery to tell why (none, done, withdrawn,
   * nothing to change). Under PostgreSQL's READ COMMITTED the UPDATE waits for a concurrent writer's row
   * lock and then tests the row as that writer left it.
   */
  acknowledgeDelivery(
    docId: string,
    recipient: string,
    ack: { state: AckState; stateDescription: string | null; updatedAt: Date },
  ): Promise<boolean>;
  /**
   * `acknowledgeDelivery` for many documents of one recipient at once (`POST /v1/acks`): the same
   * compare-and-set on each delivery, in a few statements. Returns the docIds whose delivery it changed,
   * in no particular order; the caller decides about the others as after a false `acknowledgeDelivery`.
   */
  acknowledgeDeliveries(
    recipient: string,
    docIds: readonly string[],
    ack: { state: AckState; stateDescription: string | null; updatedAt: Date },
  ): Promise<string[]>;
}

/** findEarlierSubmission's answer */
export interface EarlierSubmission {
  sameBytes: DocumentRecord | undefined;
  sameDocumentId: DocumentRecord[];
}

// ── Webhooks: push delivery (migration 007) ─────────────────────────────────────────────────────────

export type WebhookEvent = 'edoc' | 'status';

export interface WebhookRecord {
  agency: string;
  url: string;
  events: WebhookEvent[];
  /** the signing secret sealed with the master key (AAD `webhook:<agency>`) */
  secretSealed: string;
  /** deliveries with seq above this are pushed */
  fromSeq: number;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhookRecord = Pick<WebhookRecord, 'agency' | 'url' | 'events' | 'secretSealed'>;

export type WebhookNotificationState = 'pending' | 'sent' | 'skipped' | 'dead';

export interface WebhookNotificationRecord {
  id: string;
  /** the webhook's owner: the recipient, or the tenant the recipient is a unit of */
  agency: string;
  /** the delivery's recipient */
  recipient: string;
  docId: string;
  deliverySeq: number;
  type: WebhookEvent;
  state: WebhookNotificationState;
  /** attempts started (claims) */
  attempts: number;
  /** pending: due at (while claimed: the lease's end) */
  nextAttemptAt?: Date;
  /** a failed attempt after this makes it a dead letter */
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  lastAttemptAt?: Date;
  /** HTTP status of the last answer */
  lastStatus?: number;
  lastError?: string;
  /** when it became sent, skipped or dead */
  doneAt?: Date;
}

export type WebhookOutcome =
  | { state: 'sent' | 'skipped' | 'dead'; at: Date; status?: number; error?: string }
  | { state: 'pending'; at: Date; nextAttemptAt: Date; status?: number; error?: string };

export interface WebhookNotificationFilter {
  states?: WebhookNotificationState[];
  agency?: string;
  /** oldest first */
  limit: number;
}

export interface WebhookQueueStats {
  pending: number;
  /** pending and due now (not leased) */
  due: number;
  dead: number;
  /** the earliest due time among pending notifications */
  oldestDueAt?: Date;
}

/** Where a package that came over a link came from. */
export interface InboundRecord {
  peer: string;
  /** its DocId at that hub */
  remoteDocId: string;
  /** the hubs it went through before this one, oldest first */
  path: string[];
}

/** What a linked hub says of one of its agencies (the directory exchange carries it as it is). */
export interface RemoteAgencyFields {
  code: string;
  parentCode?: string;
  name: string;
  level: number;
  email?: string;
  phone?: string;
  fax?: string;
  enabled: boolean;
  deleted: boolean;
}

/** An agency as a linked hub describes it. */
export interface RemoteAgencyRecord extends RemoteAgencyFields {
  servedBy: string;
  via: string;
}

export interface AgencyRoute {
  servedBy: string;
  via: string;
}

export interface DirectoryChange {
  agency: AgencyRecord;
  /** undefined: served by this hub */
  route?: AgencyRoute;
}

export type OutboxKind = 'package' | 'ack';
export type OutboxState = 'waiting' | 'sent' | 'dead';

export interface NewOutboxEntry {
  peer: string;
  kind: OutboxKind;
  docId?: string;
  recipients?: string[];
  /** a link message (acks): JSON-serialisable */
  payload?: unknown;
}

export interface OutboxEntry extends NewOutboxEntry {
  seq: number;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  remoteDocId?: string;
  createdAt: Date;
  doneAt?: Date;
}

export interface OutboxPatch {
  state?: OutboxState;
  attempts?: number;
  nextAttemptAt?: Date;
  lastError?: string | null;
  remoteDocId?: string;
  doneAt?: Date;
}

export interface OutboxSummaryRow {
  peer: string;
  waiting: number;
  oldestWaitingAt?: Date;
  dead: number;
  sent: number;
}

export interface LinkStatsRecord {
  peer: string;
  successes: number;
  failures: number;
  lastSuccessAt?: Date;
  lastFailureAt?: Date;
  lastError?: string;
}

// ---- console records (migration 009) ----

export type ConsoleRole = 'national_operator' | 'provincial_operator' | 'auditor' | 'clerk';

export interface ConsoleAccountRecord {
  /** random, opaque */
  id: string;
  /** unique, lowercase */
  username: string;
  /** `scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>` (console/auth/password.ts) */
  passwordHash: string;
  role: ConsoleRole;
  /** a clerk's agency; a provincial operator's province (the subtree they see) */
  agencyCode?: string;
  displayName: string;
  disabled: boolean;
  /** sign-in failures since the last success */
  failedCount: number;
  lockedUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type ConsoleAccountPatch = Partial<
  Pick<ConsoleAccountRecord, 'passwordHash' | 'role' | 'displayName' | 'disabled' | 'failedCount'>
> & { agencyCode?: string | null; lockedUntil?: Date | null; updatedAt: Date };

export interface ConsoleSessionRecord {
  /** lowercase hex SHA-256 of the cookie's 32 random bytes */
  id: string;
  accountId: string;
  csrfToken: string;
  createdAt: Date;
  /** absolute expiry */
  expiresAt: Date;
  /** idle expiry counts from here */
  lastSeenAt: Date;
}

export interface AgencySigningKeyRecord {
  agencyCode: string;
  /** PKCS#8 PEM sealed with the master key, context `signing-key:<code>` */
  keySealed: string;
  /** PEM: the agency's certificate, then its chain */
  certificate: string;
  createdAt: Date;
}

export interface StatsFoldResult {
  /** packages folded by this call */
  folded: number;
  /** the cursor after it */
  cursor: number;
}

export interface StatsQuery {
  /** yyyymmdd, inclusive */
  fromDay: number;
  toDay: number;
  agencies?: readonly string[];
  levels?: readonly number[];
  messageType?: MessageType;
}

export interface StatsSeriesRow {
  bucket: number;
  level: number;
  direction: 'sent' | 'received';
  count: number;
}

export interface StatsAgencyRow {
  agencyCode: string;
  sent: number;
  sentSigned: number;
  received: number;
}

export interface StatsStatusCodeRow {
  agencyCode: string;
  statusCode: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

export interface OverdueQuery {
  before: Date;
  recipients?: readonly string[];
  messageType?: MessageType;
  /** how many recipients to list */
  limit: number;
}

export interface OverdueSummary {
  total: number;
  byRecipient: Array<{ recipient: string; count: number; oldest: Date }>;
}

export interface DocumentSearchQuery {
  codeNumber?: string;
  codeNotation?: string;
  /** matched folded (lower case, no diacritics) as a substring */
  subject?: string;
  sender?: string;
  recipient?: string;
  state?: DeliveryState;
  from?: Date;
  to?: Date;
  /** only documents sent by or delivered to one of these */
  scope?: readonly string[];
  /** page: documents with a smaller seq */
  beforeSeq?: number;
  limit: number;
}

/** A small blob stored in the database instead of as a file: key = lowercase hex SHA-256 of bytes. */
export interface InlineBlob {
  key: string;
  bytes: Uint8Array;
}

export interface Store extends StoreOps {
  /**
   * Several hub nodes on one database (PostgreSQL): claims up to `limit` attachments not yet inspected
   * that no other node holds (FOR UPDATE SKIP LOCKED) and runs `fn` with them in a transaction of its
   * own, outside group commit, that keeps them claimed until `fn` returns; what `fn` writes through
   * `ops` commits with it. Undefined on SQLite (one node: the inspector lists and saves as it goes).
   */
  withClaimedAttachments?<T>(
    limit: number,
    fn: (claimed: UninspectedAttachment[], ops: StoreOps) => Promise<T>,
  ): Promise<T>;
  /** runs fn in one transaction: all of its writes become visible together, or none do */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** where a page of a console list starts: after this row of the order (priority desc, due asc, seq desc) */
export interface ConsoleListKey {
  /** priority, absent = 0 */
  priority: number;
  /** due date as stored, absent = '9999-12-31' */
  due: string;
  /** the delivery's seq (inbox) or the document's (outbox) */
  seq: number;
}

export interface ConsoleListQuery {
  messageType: MessageType;
  after?: ConsoleListKey;
  limit: number;
}
