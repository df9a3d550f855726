// The Store's queries in portable Kysely: the same code serves every SQL backend.
// Works on a Kysely instance or a Transaction; the backend decides how transactions are opened.

import { entryHash } from '@lienthong/trust';
import { type Kysely, sql } from 'kysely';
import { chainEntry, entryHashOfText } from '../../audit/chain-entry.js';
import type { AckState, DeliveryState, MessageType } from '../../core/contract.js';
import type {
  AgencyFilter,
  AgencyPatch,
  AgencyRecord,
  // federation
  AgencyRoute,
  AgencySigningKeyRecord,
  AttachmentInspectionRecord,
  AttachmentRecord,
  AuditCheckpointRecord,
  AuditInput,
  AuditRecord,
  ConsoleAccountPatch,
  ConsoleAccountRecord,
  ConsoleListQuery,
  ConsoleSessionRecord,
  CredentialRecord,
  DeliveryPatch,
  DeliveryRecord,
  DirectoryChange,
  DocumentRecord,
  // console statistics (migration 010)
  DocumentSearchQuery,
  EarlierSubmission,
  EventRecord,
  InboundRecord,
  InboxFilter,
  InboxRow,
  InlineBlob,
  LinkStatsRecord,
  NewAgencyRecord,
  NewDocumentRecord,
  NewOutboxEntry,
  NewWebhookRecord,
  OutboxEntry,
  OutboxKind,
  OutboxPatch,
  OutboxState,
  OutboxSummaryRow,
  OverdueQuery,
  OverdueSummary,
  RelationRecord,
  RemoteAgencyRecord,
  SentFilter,
  SignatureRecord,
  SignatureStatsRow,
  StatsAgencyRow,
  StatsFoldResult,
  StatsQuery,
  StatsSeriesRow,
  StatsStatusCodeRow,
  StoreOps,
  TraceRecord,
  UninspectedAttachment,
  WebhookNotificationFilter,
  WebhookNotificationRecord,
  WebhookOutcome,
  WebhookQueueStats,
  WebhookRecord,
} from '../store.js';
import {
  countPdfSignedBySender,
  countUninspectedAttachments,
  getAttachmentInspections,
  listUninspectedAttachments,
  saveAttachmentInspections,
} from './attachment-inspection-queries.js';
import {
  auditAppendedInBatch,
  auditHead,
  insertAuditCheckpoint,
  latestAuditCheckpoint,
  listAuditCheckpoints,
  previousAuditHash,
} from './audit-chain-queries.js';
import * as consoleLists from './console-list-queries.js';
import * as consoleQ from './console-queries.js';
import type { Database, DeliveriesTable, DocumentsTable, FederationOutboxTable } from './database.js';
import { deferredEvents, type EventRow } from './deferred-events.js';
import { getInlineBlob, inlineBlobSize, insertInlineBlobs, referencedBlobKeys } from './inline-blob-queries.js';
import { limitAtLeast, ONE_ROW } from './literal-limits.js';
import { insertRows, precompiled } from './precompiled.js';
import { getReceipt, insertReceipt } from './receipt-queries.js';
import {
  fromDocument,
  toAgency,
  toAttachment,
  toAudit,
  toCredential,
  toDelivery,
  toDocument,
  toEvent,
  toRelation,
  toTrace,
} from './row-mappers.js';
import { fromSignature, toSignature } from './signature-rows.js';
import * as stats from './stats-queries.js';
import {
  claimWebhookNotifications,
  deleteWebhook,
  deriveWebhookNotifications,
  finishWebhookNotification,
  getWebhook,
  listWebhookNotifications,
  putWebhook,
  retryWebhookNotifications,
  webhookCursorLag,
  webhookQueueStats,
} from './webhook-queries.js';

type Counter = 'directory_version' | 'document_seq' | 'delivery_seq' | 'audit_id' | 'federation_outbox_seq';

const DOCUMENT_COLUMNS = [
  'doc_id',
  'seq',
  'message_type',
  'sender',
  'submitted_by',
  'document_id',
  'business_type',
  'business_target',
  'subject',
  'code_number',
  'code_notation',
  'priority',
  'due_date',
  'status_code',
  'status_description',
  'status_staff',
  'response_for_doc_id',
  'response_for_organ_id',
  'response_for_document_id',
  'blob_key',
  'xml_start',
  'xml_end',
  'trace_offset',
  'trace_prefix',
  'trace_indent',
  'hub_trace_timestamp',
  'sha256',
  'size',
  'accepted_at',
] as const;

export class SqlStoreOps implements StoreOps {
  /** the last document inserted through this object (a transaction): its deliveries need its message type */
  private lastInserted: { docId: string; messageType: MessageType } | undefined;

  constructor(protected readonly db: Kysely<Database>) {}

  /** Counters are rows, not backend sequences, so values are handed out in commit order on every backend. */
  protected async next(name: Counter): Promise<number> {
    const { rows } = await precompiled(this.db, 'next', [name], (slot) =>
      this.db.updateTable('counters').set({ value: sql`value + 1` }).where('name', '=', slot(0)).returning('value'),
    );
    if (!rows[0]) throw new Error(`no counter ${name}`);
    return rows[0].value;
  }

  /** the next audit id and the hash of the entry it links to */
  protected async auditLink(): Promise<{ id: number; prevHash: string }> {
    const id = await this.next('audit_id');
    return { id, prevHash: await previousAuditHash(this.db, id) };
  }

  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  async getAgency(code: string): Promise<AgencyRecord | undefined> {
    const r = await this.db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst();
    return r && toAgency(r);
  }

  async getAgencies(codes: string[]): Promise<AgencyRecord[]> {
    if (codes.length === 0) return [];
    const rows = await this.db.selectFrom('agencies').selectAll().where('code', 'in', codes).execute();
    return rows.map(toAgency);
  }

  async listAgencies(f: AgencyFilter): Promise<AgencyRecord[]> {
    let q = this.db.selectFrom('agencies').selectAll();
    if (!f.includeDisabled) q = q.where('enabled', '=', 1);
    if (!f.includeDeleted) q = q.where('deleted', '=', 0);
    if (f.sinceVersion !== undefined) q = q.where('version', '>', f.sinceVersion);
    if (f.level !== undefined) q = q.where('level', '=', f.level);
    if (f.tenantId !== undefined) q = q.where('tenant_id', '=', f.tenantId);
    const rows = await q.orderBy(f.sinceVersion !== undefined ? 'version' : 'code').execute();
    return rows.map(toAgency);
  }

  async countAgencies(): Promise<number> {
    const r = await this.db
      .selectFrom('agencies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertAgency(a: NewAgencyRecord, at: Date): Promise<AgencyRecord> {
    const version = await this.next('directory_version');
    const row = {
      code: a.code,
      parent_code: a.parentCode ?? null,
      name: a.name,
      level: a.level,
      email: a.email ?? null,
      phone: a.phone ?? null,
      fax: a.fax ?? null,
      enabled: a.enabled ? 1 : 0,
      is_tenant: a.isTenant ? 1 : 0,
      tenant_id: a.tenantId ?? null,
      demo: a.demo ? 1 : 0,
      version,
      deleted: 0,
      created_at: at.getTime(),
      updated_at: at.getTime(),
    };
    const { code: _code, created_at: _created, ...revived } = row;
    await this.db
      .insertInto('agencies')
      .values(row)
      .onConflict((oc) => oc.column('code').doUpdateSet(revived).where('agencies.deleted', '=', 1))
      .execute();
    const stored = await this.getAgency(a.code);
    if (!stored || stored.version !== version) throw new Error(`agency ${a.code} already exists`);
    return stored;
  }

  async updateAgency(code: string, p: AgencyPatch, at: Date): Promise<AgencyRecord | undefined> {
    const version = await this.next('directory_version');
    const set: Partial<Database['agencies']> = { version, updated_at: at.getTime() };
    if (p.parentCode !== undefined) set.parent_code = p.parentCode;
    if (p.name !== undefined) set.name = p.name;
    if (p.level !== undefined) set.level = p.level;
    if (p.email !== undefined) set.email = p.email;
    if (p.phone !== undefined) set.phone = p.phone;
    if (p.fax !== undefined) set.fax = p.fax;
    if (p.enabled !== undefined) set.enabled = p.enabled ? 1 : 0;
    if (p.isTenant !== undefined) set.is_tenant = p.isTenant ? 1 : 0;
    if (p.tenantId !== undefined) set.tenant_id = p.tenantId;
    if (p.demo !== undefined) set.demo = p.demo ? 1 : 0;
    if (p.deleted !== undefined) set.deleted = p.deleted ? 1 : 0;
    if (p.signaturePolicy !== undefined) set.signature_policy = p.signaturePolicy;
    const r = await this.db.updateTable('agencies').set(set).where('code', '=', code).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return this.getAgency(code);
  }

  async getCredential(systemId: string): Promise<CredentialRecord | undefined> {
    const r = await this.db.selectFrom('credentials').selectAll().where('system_id', '=', systemId).executeTakeFirst();
    return r && toCredential(r);
  }

  async getCredentialByKeyId(keyId: string): Promise<CredentialRecord | undefined> {
    const r = await this.db.selectFrom('credentials').selectAll().where('api_key_id', '=', keyId).executeTakeFirst();
    return r && toCredential(r);
  }

  async putCredential(c: CredentialRecord): Promise<void> {
    const row = {
      system_id: c.systemId,
      vxp_secret_sealed: c.vxpSecretSealed,
      api_key_id: c.apiKeyId,
      api_key_hash: c.apiKeyHash,
      created_at: c.createdAt.getTime(),
    };
    const { system_id: _id, ...update } = row;
    await this.db
      .insertInto('credentials')
      .values(row)
      .onConflict((oc) => oc.column('system_id').doUpdateSet(update))
      .execute();
  }

  async getDocument(docId: string): Promise<DocumentRecord | undefined> {
    const { rows } = await precompiled(this.db, 'getDocument', [docId], (slot) =>
      this.db.selectFrom('documents').selectAll().where('doc_id', '=', slot(0)),
    );
    return rows[0] && toDocument(rows[0]);
  }

  async findDocumentBySha(sender: string, sha256: string): Promise<DocumentRecord | undefined> {
    const { rows } = await precompiled(this.db, 'findDocumentBySha', [sender, sha256], (slot) =>
      this.db
        .selectFrom('documents')
        .selectAll()
        .where('sender', '=', slot(0))
        .where('sha256', '=', slot(1))
        .limit(ONE_ROW),
    );
    return rows[0] && toDocument(rows[0]);
  }

  async findDocumentsByDocumentId(documentId: string, sender?: string): Promise<DocumentRecord[]> {
    // Filtered and ordered here, not in SQL: with `message_type = ? ORDER BY seq` SQLite's planner
    // prefers the (sender, message_type, seq) index and scans every document of the sender.
    const { rows } = await precompiled(
      this.db,
      sender === undefined ? 'findDocumentsByDocumentId' : 'findDocumentsByDocumentId+sender',
      [documentId, sender],
      (slot) => {
        const q = this.db.selectFrom('documents').selectAll().where('document_id', '=', slot(0));
        return sender === undefined ? q : q.where('sender', '=', slot(1));
      },
    );
    return rows
      .filter((r) => r.message_type === 'edoc')
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map(toDocument);
  }

  async insertDocument(d: NewDocumentRecord): Promise<DocumentRecord> {
    const seq = await this.next('document_seq');
    await insertRows(this.db, 'documents', [fromDocument(d, seq)]);
    this.lastInserted = { docId: d.docId, messageType: d.messageType };
    return { ...d, seq };
  }

  async countDocuments(): Promise<number> {
    const r = await this.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertSignature(s: SignatureRecord): Promise<void> {
    await insertRows(this.db, 'document_signatures', [fromSignature(s)]);
  }

  async getSignature(docId: string): Promise<SignatureRecord | undefined> {
    const r = await this.db
      .selectFrom('document_signatures')
      .selectAll()
      .where('doc_id', '=', docId)
      .executeTakeFirst();
    return r && toSignature(r);
  }

  async signatureStats(): Promise<SignatureStatsRow[]> {
    const count = (status: string) => sql<number>`sum(case when s.status = ${status} then 1 else 0 end)`;
    const rows = await this.db
      .selectFrom('documents as d')
      .leftJoin('document_signatures as s', 's.doc_id', 'd.doc_id')
      .where('d.message_type', '=', 'edoc')
      .groupBy('d.sender')
      .orderBy('d.sender')
      .select((eb) => [
        'd.sender as sender',
        eb.fn.countAll<number>().as('documents'),
        count('valid').as('valid'),
        sql<number>`sum(case when s.status = 'valid' and s.weak = 1 then 1 else 0 end)`.as('weak'),
        count('invalid').as('invalid'),
        count('indeterminate').as('indeterminate'),
        count('absent').as('absent'),
        sql<number>`sum(case when s.doc_id is null then 1 else 0 end)`.as('unchecked'),
      ])
      .execute();
    const pdfSigned = await countPdfSignedBySender(this.db);
    return rows.map((r) => ({
      sender: r.sender,
      documents: Number(r.documents),
      valid: Number(r.valid),
      weak: Number(r.weak),
      invalid: Number(r.invalid),
      indeterminate: Number(r.indeterminate),
      absent: Number(r.absent),
      unchecked: Number(r.unchecked),
      pdfSigned: pdfSigned.get(r.sender) ?? 0,
    }));
  }

  async insertAttachments(list: AttachmentRecord[]): Promise<void> {
    if (list.length === 0) return;
    await insertRows(
      this.db,
      'attachments',
      list.map((a) => ({
        doc_id: a.docId,
        idx: a.index,
        content_id: a.contentId ?? null,
        name: a.name ?? null,
        content_type: a.contentType ?? null,
        size: a.size,
        sha256: a.sha256,
        blob_key: a.blobKey,
      })),
    );
  }

  async listAttachments(docId: string): Promise<AttachmentRecord[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .selectAll()
      .where('doc_id', '=', docId)
      .orderBy('idx')
      .execute();
    return rows.map(toAttachment);
  }

  listUninspectedAttachments(limit: number): Promise<UninspectedAttachment[]> {
    return listUninspectedAttachments(this.db, limit);
  }

  countUninspectedAttachments(): Promise<number> {
    return countUninspectedAttachments(this.db);
  }

  getAttachmentInspections(sha256s: string[]): Promise<AttachmentInspectionRecord[]> {
    return getAttachmentInspections(this.db, sha256s);
  }

  saveAttachmentInspections(inspections: readonly AttachmentInspectionRecord[]): Promise<void> {
    return saveAttachmentInspections(this.db, inspections);
  }

  async insertTraces(list: TraceRecord[]): Promise<void> {
    if (list.length === 0) return;
    await insertRows(
      this.db,
      'trace_headers',
      list.map((t) => ({
        doc_id: t.docId,
        position: t.position,
        organ_id: t.organId,
        timestamp: t.timestamp,
        by_hub: t.byHub ? 1 : 0,
      })),
    );
  }

  async listTraces(docId: string): Promise<TraceRecord[]> {
    const rows = await this.db
      .selectFrom('trace_headers')
      .selectAll()
      .where('doc_id', '=', docId)
      .orderBy('position')
      .execute();
    return rows.map(toTrace);
  }

  async insertRelations(list: RelationRecord[]): Promise<void> {
    if (list.length === 0) return;
    await this.db
      .insertInto('document_relations')
      .values(list.map((r) => ({ doc_id: r.docId, related_doc_id: r.relatedDocId, relation: r.relation })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async listRelations(docId: string): Promise<RelationRecord[]> {
    const rows = await this.db.selectFrom('document_relations').selectAll().where('doc_id', '=', docId).execute();
    return rows.map(toRelation);
  }

  async insertDelivery(docId: string, recipient: string, at: Date): Promise<DeliveryRecord> {
    // the document this transaction just inserted needs no lookup
    const messageType =
      (this.lastInserted?.docId === docId ? this.lastInserted.messageType : undefined) ??
      (
        await this.db
          .selectFrom('documents')
          .select('message_type')
          .where('doc_id', '=', docId)
          .executeTakeFirstOrThrow()
      ).message_type;
    const seq = await this.next('delivery_seq');
    const row: DeliveriesTable = {
      doc_id: docId,
      recipient,
      seq,
      message_type: messageType,
      state: 'pending',
      state_description: null,
      created_at: at.getTime(),
      updated_at: at.getTime(),
      fetched_at: null,
      last_status: null,
      last_status_at: null,
    };
    await insertRows(this.db, 'deliveries', [row]);
    return toDelivery(row);
  }

  async getDeliveries(docId: string): Promise<DeliveryRecord[]> {
    const { rows } = await precompiled(this.db, 'getDeliveries', [docId], (slot) =>
      this.db.selectFrom('deliveries').selectAll().where('doc_id', '=', slot(0)).orderBy('seq'),
    );
    return rows.map(toDelivery);
  }

  async getDeliveriesTo(docId: string, recipients: readonly string[]): Promise<DeliveryRecord[]> {
    if (recipients.length === 1) {
      const { rows } = await precompiled(this.db, 'getDeliveryTo', [docId, recipients[0]], (slot) =>
        this.db.selectFrom('deliveries').selectAll().where('doc_id', '=', slot(0)).where('recipient', '=', slot(1)),
      );
      return rows.map(toDelivery);
    }
    const out: DeliveriesTable[] = [];
    // a shared server's scope can name many units: bounded IN lists
    for (let i = 0; i < recipients.length; i += 500) {
      out.push(
        ...(await this.db
          .selectFrom('deliveries')
          .selectAll()
          .where('doc_id', '=', docId)
          .where('recipient', 'in', recipients.slice(i, i + 500))
          .execute()),
      );
    }
    return out.sort((a, b) => Number(a.seq) - Number(b.seq)).map(toDelivery);
  }

  async updateDelivery(docId: string, recipient: string, p: DeliveryPatch): Promise<void> {
    const set: Partial<DeliveriesTable> = {};
    if (p.state !== undefined) set.state = p.state;
    if (p.stateDescription !== undefined) set.state_description = p.stateDescription;
    if (p.updatedAt !== undefined) set.updated_at = p.updatedAt.getTime();
    if (p.fetchedAt !== undefined) set.fetched_at = p.fetchedAt.getTime();
    if (p.lastStatus !== undefined) set.last_status = p.lastStatus;
    if (p.lastStatusAt !== undefined) set.last_status_at = p.lastStatusAt.getTime();
    const columns = Object.keys(set) as (keyof DeliveriesTable)[];
    if (columns.length === 0) return;
    await precompiled(
      this.db,
      `updateDelivery:${columns.join()}`,
      [docId, recipient, ...columns.map((c) => set[c])],
      (slot) =>
        this.db
          .updateTable('deliveries')
          .set(Object.fromEntries(columns.map((c, i) => [c, slot(i + 2)])))
          .where('doc_id', '=', slot(0))
          .where('recipient', '=', slot(1)),
    );
  }

  async updateDeliveryIf(
    docId: string,
    recipient: string,
    expected: { state: DeliveryState; stateDescription?: string },
    p: DeliveryPatch,
  ): Promise<boolean> {
    const set: Partial<DeliveriesTable> = {};
    if (p.state !== undefined) set.state = p.state;
    if (p.stateDescription !== undefined) set.state_description = p.stateDescription;
    if (p.updatedAt !== undefined) set.updated_at = p.updatedAt.getTime();
    if (p.fetchedAt !== undefined) set.fetched_at = p.fetchedAt.getTime();
    if (p.lastStatus !== undefined) set.last_status = p.lastStatus;
    if (p.lastStatusAt !== undefined) set.last_status_at = p.lastStatusAt.getTime();
    const columns = Object.keys(set) as (keyof DeliveriesTable)[];
    if (columns.length === 0) return false;
    const described = expected.stateDescription !== undefined;
    const result = await precompiled(
      this.db,
      `updateDeliveryIf:${described}:${columns.join()}`,
      [docId, recipient, expected.state, expected.stateDescription, ...columns.map((c) => set[c])],
      (slot) => {
        const q = this.db
          .updateTable('deliveries')
          .set(Object.fromEntries(columns.map((c, i) => [c, slot(i + 4)])))
          .where('doc_id', '=', slot(0))
          .where('recipient', '=', slot(1))
          .where('state', '=', slot(2));
        return (
          described ? q.where('state_description', '=', slot(3)) : q.where('state_description', 'is', null)
        ).returning('recipient');
      },
    );
    return result.rows.length > 0;
  }

  async markFetched(docId: string, recipients: string[], at: Date): Promise<string[]> {
    if (recipients.length === 0) return [];
    const { rows } = await precompiled(
      this.db,
      `markFetched:${recipients.length}`,
      [at.getTime(), docId, ...recipients],
      (slot) =>
        this.db
          .updateTable('deliveries')
          .set({ fetched_at: slot(0) })
          .where('doc_id', '=', slot(1))
          .where(
            'recipient',
            'in',
            recipients.map((_, i) => slot(i + 2)),
          )
          .where('fetched_at', 'is', null)
          .returning('recipient'),
    );
    return rows.map((r) => r.recipient);
  }

  async listInbox(f: InboxFilter): Promise<InboxRow[]> {
    if (f.recipients.length === 0 || f.states.length === 0) return [];
    let q = this.db
      .selectFrom('deliveries as d')
      .innerJoin('documents as doc', 'doc.doc_id', 'd.doc_id')
      .selectAll('d')
      .select(DOCUMENT_COLUMNS.map((c) => `doc.${c} as doc_${c}` as const))
      .where('d.recipient', 'in', f.recipients)
      .where('d.message_type', '=', f.messageType)
      .where('d.state', 'in', f.states);
    if (f.afterSeq !== undefined) q = q.where('d.seq', '>', f.afterSeq);
    if (f.from !== undefined) q = q.where('doc.sender', '=', f.from);
    if (f.fromDate !== undefined) q = q.where('d.created_at', '>=', f.fromDate.getTime());
    if (f.toDate !== undefined) q = q.where('d.created_at', '<=', f.toDate.getTime());
    const rows = (await q.orderBy('d.seq').limit(limitAtLeast(f.limit)).execute()).slice(0, f.limit);
    return rows.map((r) => {
      const doc = {} as Record<string, unknown>;
      for (const c of DOCUMENT_COLUMNS) doc[c] = (r as Record<string, unknown>)[`doc_${c}`];
      return { delivery: toDelivery(r), document: toDocument(doc as unknown as DocumentsTable) };
    });
  }

  async countDeliveries(f: {
    recipients: string[];
    messageType: MessageType;
    states: DeliveryState[];
  }): Promise<number> {
    if (f.recipients.length === 0 || f.states.length === 0) return 0;
    const r = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('recipient', 'in', f.recipients)
      .where('message_type', '=', f.messageType)
      .where('state', 'in', f.states)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countAllPending(): Promise<number> {
    const r = await this.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', 'in', ['pending', 'processing'])
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async listSent(f: SentFilter): Promise<DocumentRecord[]> {
    if (f.senders.length === 0) return [];
    let q = this.db
      .selectFrom('documents')
      .selectAll()
      .where('sender', 'in', f.senders)
      .where('message_type', '=', f.messageType);
    if (f.docId !== undefined) q = q.where('doc_id', '=', f.docId);
    if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
    return (await q.orderBy('seq', 'desc').limit(f.limit).execute()).map(toDocument);
  }

  async listStatusReports(docId: string): Promise<DocumentRecord[]> {
    const rows = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('response_for_doc_id', '=', docId)
      .where('message_type', '=', 'status')
      .orderBy('seq')
      .execute();
    return rows.map(toDocument);
  }

  async insertEvents(list: EventRecord[]): Promise<void> {
    if (list.length === 0) return;
    const rows = list.map(
      (e): EventRow => ({
        doc_id: e.docId,
        recipient: e.recipient ?? null,
        at: e.at.getTime(),
        kind: e.kind,
        actor: e.actor ?? null,
        detail: e.detail ?? null,
        status_code: e.statusCode ?? null,
        related_doc_id: e.relatedDocId ?? null,
      }),
    );
    // in a SQLite group-commit batch: written with the batch's other events before its COMMIT
    const deferred = deferredEvents(this.db);
    if (deferred) deferred.add(rows);
    else await insertRows(this.db, 'events', rows);
  }

  async listEvents(docId: string): Promise<EventRecord[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('doc_id', '=', docId).orderBy('id').execute();
    return rows.map(toEvent);
  }

  async appendAudit(e: AuditInput): Promise<AuditRecord> {
    const { id, prevHash } = await this.auditLink();
    const hash = e.chainText
      ? entryHashOfText(prevHash, e.chainText(id))
      : entryHash(prevHash, chainEntry(id, e.payload));
    await insertRows(this.auditWriter(), 'audit_log', [
      {
        id,
        at: e.at.getTime(),
        actor: e.actor,
        action: e.action,
        subject: e.subject ?? null,
        outcome: e.outcome,
        reason: e.reason ?? null,
        request_id: e.requestId ?? null,
        payload: e.payload,
        prev_hash: prevHash,
        hash,
      },
    ]);
    this.auditAppended(id, hash);
    const { chainText: _, ...entry } = e;
    return { ...entry, id, prevHash, hash };
  }

  /** where the audit row is written (PostgreSQL's group-commit batch defers it) */
  protected auditWriter(): Kysely<Database> {
    return this.db;
  }

  /** told of each entry appended (a batch keeps the chain's head in memory: SQLite's, PostgreSQL's) */
  protected auditAppended(id: number, hash: string): void {
    auditAppendedInBatch(this.db, id, hash);
  }

  auditHead(): Promise<{ id: number; hash: string } | undefined> {
    return auditHead(this.db);
  }

  insertAuditCheckpoint(c: AuditCheckpointRecord): Promise<void> {
    return insertAuditCheckpoint(this.db, c);
  }

  listAuditCheckpoints(): Promise<AuditCheckpointRecord[]> {
    return listAuditCheckpoints(this.db);
  }

  latestAuditCheckpoint(): Promise<AuditCheckpointRecord | undefined> {
    return latestAuditCheckpoint(this.db);
  }

  insertReceipt(docId: string, receipt: string, at: Date): Promise<string> {
    return insertReceipt(this.db, docId, receipt, at);
  }

  getReceipt(docId: string): Promise<string | undefined> {
    return getReceipt(this.db, docId);
  }

  insertInlineBlobs(blobs: InlineBlob[], at: Date): Promise<void> {
    return insertInlineBlobs(this.db, blobs, at);
  }

  getInlineBlob(key: string): Promise<Uint8Array | undefined> {
    return getInlineBlob(this.db, key);
  }

  inlineBlobSize(key: string): Promise<number | undefined> {
    return inlineBlobSize(this.db, key);
  }

  referencedBlobKeys(keys: readonly string[]): Promise<Set<string>> {
    return referencedBlobKeys(this.db, keys);
  }

  async listAudit(afterId: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toAudit);
  }

  // ── Webhooks: push delivery (migration 007; store/sql/webhook-queries.ts) ────────────────────────────
  /** PostgreSQL: claims skip rows another node holds (FOR UPDATE SKIP LOCKED); SQLite has one writer */
  protected readonly claimsSkipLocked: boolean = false;

  getWebhook(agency: string): Promise<WebhookRecord | undefined> {
    return getWebhook(this.db, agency);
  }
  async listWebhookOwners(): Promise<string[]> {
    return (await this.db.selectFrom('webhooks').select('agency').orderBy('agency').execute()).map((r) => r.agency);
  }
  putWebhook(webhook: NewWebhookRecord, at: Date): Promise<WebhookRecord> {
    return putWebhook(this.db, webhook, at);
  }
  deleteWebhook(agency: string): Promise<boolean> {
    return deleteWebhook(this.db, agency);
  }
  deriveWebhookNotifications(
    limit: number,
    at: Date,
    horizonMs: number,
    newId: () => string,
  ): Promise<{ scanned: number; created: number }> {
    return deriveWebhookNotifications(this.db, limit, at, horizonMs, newId);
  }
  webhookCursorLag(): Promise<number> {
    return webhookCursorLag(this.db);
  }
  claimWebhookNotifications(
    limit: number,
    now: Date,
    leaseUntil: Date,
    claim: string,
  ): Promise<WebhookNotificationRecord[]> {
    return claimWebhookNotifications(this.db, limit, now, leaseUntil, claim, this.claimsSkipLocked);
  }
  async hasDueWebhookNotifications(now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('webhook_notifications')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now.getTime())
      .limit(ONE_ROW)
      .executeTakeFirst();
    return row !== undefined;
  }
  finishWebhookNotification(id: string, claim: string, outcome: WebhookOutcome): Promise<boolean> {
    return finishWebhookNotification(this.db, id, claim, outcome);
  }
  listWebhookNotifications(filter: WebhookNotificationFilter): Promise<WebhookNotificationRecord[]> {
    return listWebhookNotifications(this.db, filter);
  }
  retryWebhookNotifications(
    filter: { ids?: readonly string[]; agency?: string },
    at: Date,
    horizonMs: number,
  ): Promise<number> {
    return retryWebhookNotifications(this.db, filter, at, horizonMs);
  }
  webhookQueueStats(now: Date, agency?: string): Promise<WebhookQueueStats> {
    return webhookQueueStats(this.db, now, agency);
  }
  // ---- federation (migration 008; docs/protocols/federation.md) --------------------------------------

  async upsertRemoteAgency(a: RemoteAgencyRecord, at: Date): Promise<'inserted' | 'updated' | 'unchanged' | 'local'> {
    const row = await this.db.selectFrom('agencies').selectAll().where('code', '=', a.code).executeTakeFirst();
    const routeSet = { served_by: a.servedBy, via_hub: a.via };
    if (!row) {
      if (a.deleted) return 'unchanged';
      await this.insertAgency(
        {
          code: a.code,
          parentCode: a.parentCode,
          name: a.name,
          level: a.level,
          email: a.email,
          phone: a.phone,
          fax: a.fax,
          enabled: a.enabled,
          isTenant: false,
          demo: false,
        },
        at,
      );
      await this.db.updateTable('agencies').set(routeSet).where('code', '=', a.code).execute();
      return 'inserted';
    }
    const local = (row.served_by ?? null) === null;
    // a code this hub serves (and that is not deleted here) stays this hub's
    if (local && row.deleted === 0) return 'local';
    const same =
      row.deleted === (a.deleted ? 1 : 0) &&
      row.enabled === (a.enabled ? 1 : 0) &&
      row.name === a.name &&
      (row.parent_code ?? undefined) === a.parentCode &&
      row.level === a.level &&
      (row.email ?? undefined) === a.email &&
      (row.phone ?? undefined) === a.phone &&
      (row.fax ?? undefined) === a.fax &&
      row.served_by === a.servedBy &&
      row.via_hub === a.via;
    if (same) return 'unchanged';
    await this.updateAgency(
      a.code,
      {
        parentCode: a.parentCode ?? null,
        name: a.name,
        level: a.level,
        email: a.email ?? null,
        phone: a.phone ?? null,
        fax: a.fax ?? null,
        enabled: a.enabled,
        deleted: a.deleted,
        isTenant: false,
        tenantId: null,
      } as never,
      at,
    );
    await this.db.updateTable('agencies').set(routeSet).where('code', '=', a.code).execute();
    return 'updated';
  }

  async listDirectoryChanges(sinceVersion: number, excludeVia: string, limit: number): Promise<DirectoryChange[]> {
    const rows = await this.db
      .selectFrom('agencies')
      .selectAll()
      .where('version', '>', sinceVersion)
      .where((eb) => eb.or([eb('via_hub', 'is', null), eb('via_hub', '!=', excludeVia)]))
      .orderBy('version')
      .limit(limit)
      .execute();
    return rows.map((r) => {
      const route = r.served_by && r.via_hub ? { servedBy: r.served_by, via: r.via_hub } : undefined;
      return { agency: toAgency(r), ...(route ? { route } : {}) };
    });
  }

  async getAgencyRoutes(codes: readonly string[]): Promise<Map<string, AgencyRoute>> {
    const out = new Map<string, AgencyRoute>();
    if (codes.length === 0) return out;
    const rows = await this.db
      .selectFrom('agencies')
      .select(['code', 'served_by', 'via_hub'])
      .where('code', 'in', [...codes])
      .where('via_hub', 'is not', null)
      .execute();
    for (const r of rows) if (r.served_by && r.via_hub) out.set(r.code, { servedBy: r.served_by, via: r.via_hub });
    return out;
  }

  async getFederationCursor(peer: string): Promise<number> {
    const r = await this.db
      .selectFrom('federation_cursors')
      .select('version')
      .where('peer', '=', peer)
      .executeTakeFirst();
    return r ? Number(r.version) : 0;
  }

  async setFederationCursor(peer: string, version: number, at: Date): Promise<void> {
    await this.db
      .insertInto('federation_cursors')
      .values({ peer, version, updated_at: at.getTime() })
      .onConflict((oc) => oc.column('peer').doUpdateSet({ version, updated_at: at.getTime() }))
      .execute();
  }

  async enqueueOutbox(entries: NewOutboxEntry[], at: Date): Promise<number[]> {
    const seqs: number[] = [];
    for (const e of entries) {
      const seq = await this.next('federation_outbox_seq');
      await this.db
        .insertInto('federation_outbox')
        .values({
          seq,
          peer: e.peer,
          kind: e.kind,
          doc_id: e.docId ?? null,
          recipients: e.recipients ? JSON.stringify(e.recipients) : null,
          payload: e.payload === undefined ? null : JSON.stringify(e.payload),
          state: 'waiting',
          attempts: 0,
          next_attempt_at: at.getTime(),
          last_error: null,
          remote_doc_id: null,
          created_at: at.getTime(),
          done_at: null,
        })
        .execute();
      seqs.push(seq);
    }
    return seqs;
  }

  async listWaitingOutbox(peer: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('federation_outbox')
      .selectAll()
      .where('peer', '=', peer)
      .where('state', '=', 'waiting')
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toOutbox);
  }

  async listOutbox(peer: string, limit: number): Promise<OutboxEntry[]> {
    const rows = await this.db
      .selectFrom('federation_outbox')
      .selectAll()
      .where('peer', '=', peer)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toOutbox);
  }

  async updateOutbox(seq: number, p: OutboxPatch): Promise<void> {
    const set: Partial<FederationOutboxTable> = {};
    if (p.state !== undefined) set.state = p.state;
    if (p.attempts !== undefined) set.attempts = p.attempts;
    if (p.nextAttemptAt !== undefined) set.next_attempt_at = p.nextAttemptAt.getTime();
    if (p.lastError !== undefined) set.last_error = p.lastError;
    if (p.remoteDocId !== undefined) set.remote_doc_id = p.remoteDocId;
    if (p.doneAt !== undefined) set.done_at = p.doneAt.getTime();
    if (Object.keys(set).length === 0) return;
    await this.db.updateTable('federation_outbox').set(set).where('seq', '=', seq).execute();
  }

  async outboxSummary(): Promise<OutboxSummaryRow[]> {
    const rows = await this.db
      .selectFrom('federation_outbox')
      .select((eb) => ['peer', 'state', eb.fn.countAll<number>().as('n'), eb.fn.min<number>('created_at').as('oldest')])
      .groupBy(['peer', 'state'])
      .orderBy('peer')
      .execute();
    const out = new Map<string, OutboxSummaryRow>();
    for (const r of rows) {
      const row = out.get(r.peer) ?? { peer: r.peer, waiting: 0, dead: 0, sent: 0 };
      const n = Number(r.n);
      if (r.state === 'waiting') {
        row.waiting = n;
        row.oldestWaitingAt = new Date(Number(r.oldest));
      } else if (r.state === 'dead') row.dead = n;
      else if (r.state === 'sent') row.sent = n;
      out.set(r.peer, row);
    }
    return [...out.values()];
  }

  async recordLinkResult(peer: string, ok: boolean, at: Date, error?: string): Promise<void> {
    const t = at.getTime();
    await this.db
      .insertInto('federation_link_stats')
      .values({
        peer,
        successes: ok ? 1 : 0,
        failures: ok ? 0 : 1,
        last_success_at: ok ? t : null,
        last_failure_at: ok ? null : t,
        last_error: ok ? null : (error ?? null),
      })
      .onConflict((oc) =>
        oc.column('peer').doUpdateSet(
          ok
            ? { successes: sql`federation_link_stats.successes + 1`, last_success_at: t }
            : {
                failures: sql`federation_link_stats.failures + 1`,
                last_failure_at: t,
                last_error: error ?? null,
              },
        ),
      )
      .execute();
  }

  async listLinkStats(): Promise<LinkStatsRecord[]> {
    const rows = await this.db.selectFrom('federation_link_stats').selectAll().orderBy('peer').execute();
    return rows.map((r) => ({
      peer: r.peer,
      successes: Number(r.successes),
      failures: Number(r.failures),
      ...(r.last_success_at === null ? {} : { lastSuccessAt: new Date(Number(r.last_success_at)) }),
      ...(r.last_failure_at === null ? {} : { lastFailureAt: new Date(Number(r.last_failure_at)) }),
      ...(r.last_error === null ? {} : { lastError: r.last_error }),
    }));
  }

  async insertInbound(docId: string, link: InboundRecord): Promise<void> {
    await this.db
      .insertInto('federation_inbound')
      .values({ doc_id: docId, peer: link.peer, remote_doc_id: link.remoteDocId, path: JSON.stringify(link.path) })
      .execute();
  }

  async getInbound(docId: string): Promise<InboundRecord | undefined> {
    const r = await this.db
      .selectFrom('federation_inbound')
      .select(['peer', 'remote_doc_id', 'path'])
      .where('doc_id', '=', docId)
      .executeTakeFirst();
    return r && { peer: r.peer, remoteDocId: r.remote_doc_id, path: JSON.parse(r.path) as string[] };
  }

  async findInbound(peer: string, remoteDocId: string): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('federation_inbound')
      .select('doc_id')
      .where('peer', '=', peer)
      .where('remote_doc_id', '=', remoteDocId)
      .executeTakeFirst();
    return r?.doc_id;
  }

  async acquireLinkLease(peer: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    const expires = now.getTime() + ttlMs;
    const r = await this.db
      .insertInto('federation_leases')
      .values({ peer, holder, expires_at: expires })
      .onConflict((oc) =>
        oc
          .column('peer')
          .doUpdateSet({ holder, expires_at: expires })
          .where((eb) =>
            eb.or([
              eb('federation_leases.holder', '=', holder),
              eb('federation_leases.expires_at', '<', now.getTime()),
            ]),
          ),
      )
      .returning('holder')
      .execute();
    return r.length > 0;
  }

  async markLinkMessageSeen(peer: string, messageId: string, at: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('federation_seen')
      .values({ peer, message_id: messageId, at: at.getTime() })
      .onConflict((oc) => oc.doNothing())
      .returning('peer')
      .execute();
    return r.length > 0;
  }
  // ---- console (migration 009; docs/console.md) ----
  insertConsoleAccount(account: ConsoleAccountRecord): Promise<void> {
    return consoleQ.insertConsoleAccount(this.db, account);
  }
  getConsoleAccount(id: string): Promise<ConsoleAccountRecord | undefined> {
    return consoleQ.getConsoleAccount(this.db, id);
  }
  getConsoleAccountByUsername(username: string): Promise<ConsoleAccountRecord | undefined> {
    return consoleQ.getConsoleAccountByUsername(this.db, username);
  }
  listConsoleAccounts(): Promise<ConsoleAccountRecord[]> {
    return consoleQ.listConsoleAccounts(this.db);
  }
  updateConsoleAccount(id: string, patch: ConsoleAccountPatch): Promise<void> {
    return consoleQ.updateConsoleAccount(this.db, id, patch);
  }
  insertConsoleSession(session: ConsoleSessionRecord): Promise<void> {
    return consoleQ.insertConsoleSession(this.db, session);
  }
  getConsoleSession(id: string): Promise<ConsoleSessionRecord | undefined> {
    return consoleQ.getConsoleSession(this.db, id);
  }
  touchConsoleSession(id: string, lastSeenAt: Date): Promise<void> {
    return consoleQ.touchConsoleSession(this.db, id, lastSeenAt);
  }
  deleteConsoleSession(id: string): Promise<void> {
    return consoleQ.deleteConsoleSession(this.db, id);
  }
  deleteConsoleSessionsOf(accountId: string): Promise<number> {
    return consoleQ.deleteConsoleSessionsOf(this.db, accountId);
  }
  deleteExpiredConsoleSessions(now: Date): Promise<number> {
    return consoleQ.deleteExpiredConsoleSessions(this.db, now);
  }
  markConsoleRead(accountId: string, docIds: readonly string[], at: Date): Promise<void> {
    return consoleQ.markConsoleRead(this.db, accountId, docIds, at);
  }
  consoleReads(accountId: string, docIds: readonly string[]): Promise<Set<string>> {
    return consoleQ.consoleReads(this.db, accountId, docIds);
  }
  putAgencySigningKey(key: AgencySigningKeyRecord): Promise<void> {
    return consoleQ.putAgencySigningKey(this.db, key);
  }
  getAgencySigningKey(agencyCode: string): Promise<AgencySigningKeyRecord | undefined> {
    return consoleQ.getAgencySigningKey(this.db, agencyCode);
  }

  // ---- operator console statistics and search (console/ops, migration 010) ----
  foldStats(limit: number): Promise<StatsFoldResult> {
    return stats.foldStats(this.db, limit);
  }
  statsProgress(): Promise<{ cursor: number; head: number }> {
    return stats.statsProgress(this.db);
  }
  statsSeries(q: StatsQuery, bucket: 'day' | 'month'): Promise<StatsSeriesRow[]> {
    return stats.statsSeries(this.db, q, bucket);
  }
  statsByAgency(q: StatsQuery): Promise<StatsAgencyRow[]> {
    return stats.statsByAgency(this.db, q);
  }
  statsStatusCodes(agencies?: readonly string[]): Promise<StatsStatusCodeRow[]> {
    return stats.statsStatusCodes(this.db, agencies);
  }
  touchAgencies(seen: ReadonlyArray<{ code: string; at: Date }>): Promise<void> {
    return stats.touchAgencies(this.db, seen);
  }
  agenciesLastSeen(codes?: readonly string[]): Promise<Map<string, Date>> {
    return stats.agenciesLastSeen(this.db, codes);
  }
  overdueDeliveries(q: OverdueQuery): Promise<OverdueSummary> {
    return stats.overdueDeliveries(this.db, q);
  }
  async searchDocuments(q: DocumentSearchQuery): Promise<DocumentRecord[]> {
    return (await stats.searchDocuments(this.db, q)).map(toDocument);
  }

  // ---- intake's look-ups before it inserts (pg helper, session 4) ----
  async findEarlierSubmission(sender: string, sha256: string, documentId?: string): Promise<EarlierSubmission> {
    const sameBytes = await this.findDocumentBySha(sender, sha256);
    if (sameBytes || documentId === undefined) return { sameBytes, sameDocumentId: [] };
    return { sameBytes, sameDocumentId: await this.findDocumentsByDocumentId(documentId, sender) };
  }

  /** findEarlierSubmission in one statement (PostgreSQL: one round trip instead of two) */
  protected async findEarlierSubmissionAtOnce(
    sender: string,
    sha256: string,
    documentId?: string,
  ): Promise<EarlierSubmission> {
    const { rows } = await precompiled(this.db, 'findEarlierSubmission', [sender, sha256, documentId ?? null], (slot) =>
      this.db
        .selectFrom('documents')
        .selectAll()
        .where('sender', '=', slot(0))
        .where((eb) => eb.or([eb('sha256', '=', slot(1)), eb('document_id', '=', slot(2))])),
    );
    const same = rows.find((r) => r.sha256 === sha256);
    if (same) return { sameBytes: toDocument(same), sameDocumentId: [] };
    return {
      sameBytes: undefined,
      sameDocumentId: rows
        .filter((r) => documentId !== undefined && r.document_id === documentId && r.message_type === 'edoc')
        .sort((a, b) => Number(a.seq) - Number(b.seq))
        .map(toDocument),
    };
  }

  // console clerk lists (console-list-queries.ts)
  listConsoleInbox(
    q: ConsoleListQuery & { recipients: readonly string[]; states: readonly DeliveryState[] },
  ): Promise<InboxRow[]> {
    return consoleLists.listConsoleInbox(this.db, q, DOCUMENT_COLUMNS, (r) => {
      const doc = {} as Record<string, unknown>;
      for (const c of DOCUMENT_COLUMNS) doc[c] = r[`doc_${c}`];
      return {
        delivery: toDelivery(r as unknown as DeliveriesTable),
        document: toDocument(doc as unknown as DocumentsTable),
      };
    });
  }
  async listConsoleOutbox(q: ConsoleListQuery & { senders: readonly string[] }): Promise<DocumentRecord[]> {
    return (await consoleLists.listConsoleOutbox(this.db, q)).map(toDocument);
  }

  async acknowledgeDelivery(
    docId: string,
    recipient: string,
    ack: { state: AckState; stateDescription: string | null; updatedAt: Date },
  ): Promise<boolean> {
    const { rows } = await precompiled(
      this.db,
      'acknowledgeDelivery',
      [docId, recipient, ack.state, ack.stateDescription, ack.updatedAt.getTime()],
      (slot) =>
        this.db
          .updateTable('deliveries')
          .set({ state: slot(2), state_description: slot(3), updated_at: slot(4) })
          .where('doc_id', '=', slot(0))
          .where('recipient', '=', slot(1))
          .where('state', 'not in', ['done', 'withdrawn'])
          .where((eb) => eb.or([eb('state', '<>', slot(2)), eb('state_description', 'is distinct from', slot(3))]))
          .returning('recipient'),
    );
    return rows.length > 0;
  }

  async acknowledgeDeliveries(
    recipient: string,
    docIds: readonly string[],
    ack: { state: AckState; stateDescription: string | null; updatedAt: Date },
  ): Promise<string[]> {
    const changed: string[] = [];
    const head = [recipient, ack.state, ack.stateDescription, ack.updatedAt.getTime()];
    for (let i = 0; i < docIds.length; ) {
      const n = ACK_CHUNKS.find((c) => c <= docIds.length - i)!;
      const chunk = docIds.slice(i, i + n);
      i += n;
      const { rows } = await precompiled(this.db, `acknowledgeDeliveries:${n}`, [...head, ...chunk], (slot) =>
        this.db
          .updateTable('deliveries')
          .set({ state: slot(1), state_description: slot(2), updated_at: slot(3) })
          .where('recipient', '=', slot(0))
          .where(
            'doc_id',
            'in',
            chunk.map((_, k) => slot(head.length + k)),
          )
          .where('state', 'not in', ['done', 'withdrawn'])
          .where((eb) => eb.or([eb('state', '<>', slot(1)), eb('state_description', 'is distinct from', slot(2))]))
          .returning('doc_id'),
      );
      for (const r of rows) changed.push(r.doc_id);
    }
    return changed;
  }
}

/** documents per acknowledging UPDATE, largest first: a few fixed sizes keep the statement shapes few */
const ACK_CHUNKS = [64, 16, 4, 1];

function toOutbox(r: FederationOutboxTable): OutboxEntry {
  return {
    seq: Number(r.seq),
    peer: r.peer,
    kind: r.kind as OutboxKind,
    ...(r.doc_id === null ? {} : { docId: r.doc_id }),
    ...(r.recipients === null ? {} : { recipients: JSON.parse(r.recipients) as string[] }),
    ...(r.payload === null ? {} : { payload: JSON.parse(r.payload) as unknown }),
    state: r.state as OutboxState,
    attempts: r.attempts,
    nextAttemptAt: new Date(Number(r.next_attempt_at)),
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
    ...(r.remote_doc_id === null ? {} : { remoteDocId: r.remote_doc_id }),
    createdAt: new Date(Number(r.created_at)),
    ...(r.done_at === null ? {} : { doneAt: new Date(Number(r.done_at)) }),
  };
}
