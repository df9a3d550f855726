// The portable queries (store/sql) with what PostgreSQL's concurrency needs on top, and, inside a
// group-commit batch (pg-batch.ts), the writes whose results nobody reads deferred into the next round
// trip, and counters and the audit chain's head taken from memory while the batch holds their locks.

import { type Kysely, sql } from 'kysely';
import type { MessageType } from '../../core/contract.js';
import { previousAuditHash } from '../sql/audit-chain-queries.js';
import type { Database, DeliveriesTable } from '../sql/database.js';
import { insertRows } from '../sql/precompiled.js';
import { fromDocument, toDelivery } from '../sql/row-mappers.js';
import { SqlStoreOps } from '../sql/sql-store-ops.js';
import type {
  AgencyRecord,
  AttachmentRecord,
  DeliveryPatch,
  DeliveryRecord,
  DocumentRecord,
  EarlierSubmission,
  EventRecord,
  InlineBlob,
  NewDocumentRecord,
  RelationRecord,
  SignatureRecord,
  TraceRecord,
} from '../store.js';
import type { SharedDirectoryCache } from './directory-cache.js';
import type { BatchCounter, PgBatch } from './pg-batch.js';

/** What the operations of one group-commit transaction run on. */
export interface BatchContext {
  batch: PgBatch;
  /** Kysely over the batch's connection: statements run at once (with the pending ones in front) */
  immediate: Kysely<Database>;
  /** Kysely over the batch's connection: statements are queued (deferred) */
  deferring: Kysely<Database>;
  /** the portable writes, run on `deferring` */
  deferred: SqlStoreOps;
}

const BATCH_COUNTERS = new Set<string>(['document_seq', 'delivery_seq', 'audit_id'] satisfies BatchCounter[]);

export class PostgresStoreOps extends SqlStoreOps {
  /** several nodes claim webhook notifications at once: each takes rows the others do not hold */
  protected override readonly claimsSkipLocked: boolean = true;

  /** the document inserted by this transaction: its deliveries and receipt need no lookup */
  private inserted: { docId: string; messageType: MessageType } | undefined;

  constructor(
    db: Kysely<Database>,
    /** set inside a group-commit transaction */
    private readonly inBatch?: BatchContext,
    /** the node's agencies cached outside transactions: told when this transaction writes the directory */
    private readonly shared?: SharedDirectoryCache,
    /**
     * the transaction's first run: intake's duplicate look-up answers "none" without a round trip, as the
     * unique indexes on documents (sender, sha256) and (sender, document_id) of new documents refuse a
     * duplicate at its insert; the transaction then runs again (a unique violation is retryable) and looks
     */
    private readonly optimistic = false,
  ) {
    super(db);
  }

  /** this transaction told `shared` it writes the directory */
  private writesDirectory = false;

  /** the transaction has committed or rolled back (PostgresStore.transaction) */
  ended(): void {
    if (!this.writesDirectory) return;
    this.writesDirectory = false;
    this.shared?.writeEnded();
  }

  /**
   * In a batch, a counter this batch already holds the row lock of is handed out from memory (nobody
   * else can move it until COMMIT); the first use takes the lock with `UPDATE … RETURNING` as always.
   */
  protected override async next(name: 'directory_version' | BatchCounter): Promise<number> {
    const b = this.inBatch?.batch;
    if (name === 'directory_version' && this.shared && !this.writesDirectory) {
      this.writesDirectory = true;
      this.shared.writeStarted();
    }
    if (b && name === 'directory_version') b.directory.write();
    if (!b || !BATCH_COUNTERS.has(name)) return super.next(name);
    // a value from memory assumes the batch's previous transaction committed: settle that first
    await b.confirmTail();
    const held = b.counters.get(name);
    const value = held === undefined ? await super.next(name) : held + 1;
    b.counters.set(name, value);
    if (held !== undefined) b.markDirty(name);
    return value;
  }

  /**
   * Locks the audit counter in a statement of its own before the link is read. Under READ COMMITTED
   * each statement sees what was committed when it *started*: a statement that waited for the counter's
   * row lock (another node appending) would still not see that node's entry, so a link read in the same
   * statement as the counter update could name the entry before it and fork the chain. Every statement
   * after this one starts once the previous appender has committed. In a batch that already appended,
   * the lock is held and the previous entry is the one it appended last.
   */
  protected override async auditLink(): Promise<{ id: number; prevHash: string }> {
    const ctx = this.inBatch;
    if (!ctx) {
      await sql`SELECT value FROM counters WHERE name = 'audit_id' FOR UPDATE`.execute(this.db);
      return super.auditLink();
    }
    // the head from memory assumes the batch's previous transaction committed: settle that first
    await ctx.batch.confirmTail();
    const head = ctx.batch.auditHead;
    if (head) {
      const id = await this.next('audit_id');
      if (id !== head.id + 1) throw new Error(`audit counter ${id} does not follow the batch's head ${head.id}`);
      return { id, prevHash: head.hash };
    }
    // the lock statement needs no answer: it travels in front of the counter update
    await sql`SELECT value FROM counters WHERE name = 'audit_id' FOR UPDATE`.execute(ctx.deferring);
    const id = await this.next('audit_id');
    return { id, prevHash: await previousAuditHash(this.db, id) };
  }

  /** in a batch the audit row is deferred, and the batch remembers the chain's new head */
  protected override auditWriter(): Kysely<Database> {
    return this.inBatch ? this.inBatch.deferring : this.db;
  }

  protected override auditAppended(id: number, hash: string): void {
    if (this.inBatch) this.inBatch.batch.auditHead = { id, hash };
  }

  /**
   * In a batch, answered from the directory cache while the version this transaction read is the cached
   * one; in its first run, without reading the version: the cache's is checked by a deferred call instead.
   */
  override async getAgency(code: string): Promise<AgencyRecord | undefined> {
    const cache = this.inBatch?.batch.directory;
    if (!cache) return super.getAgency(code);
    if (this.optimistic) this.inBatch!.batch.assumeDirectory();
    const hit = cache.get(code);
    if (hit !== undefined) return hit ?? undefined;
    const found = await super.getAgency(code);
    cache.put(code, found ?? null);
    return found;
  }

  override async getAgencies(codes: string[]): Promise<AgencyRecord[]> {
    const cache = this.inBatch?.batch.directory;
    if (!cache || codes.length === 0) return super.getAgencies(codes);
    if (this.optimistic) this.inBatch!.batch.assumeDirectory();
    const out: AgencyRecord[] = [];
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const hit = cache.get(code);
      if (hit === undefined) missing.push(code);
      else if (hit) out.push(hit);
    }
    if (missing.length === 0) return out;
    const found = await super.getAgencies(missing);
    const byCode = new Map(found.map((a) => [a.code, a]));
    for (const code of missing) cache.put(code, byCode.get(code) ?? null);
    return [...out, ...found];
  }

  override async insertDocument(d: NewDocumentRecord): Promise<DocumentRecord> {
    const ctx = this.inBatch;
    if (!ctx) return super.insertDocument(d);
    const seq = await this.next('document_seq');
    await insertRows(ctx.deferring, 'documents', [fromDocument(d, seq)]);
    this.inserted = { docId: d.docId, messageType: d.messageType };
    return { ...d, seq };
  }

  override async insertDelivery(docId: string, recipient: string, at: Date): Promise<DeliveryRecord> {
    const ctx = this.inBatch;
    if (!ctx || this.inserted?.docId !== docId) return super.insertDelivery(docId, recipient, at);
    const seq = await this.next('delivery_seq');
    const row: DeliveriesTable = {
      doc_id: docId,
      recipient,
      seq,
      message_type: this.inserted.messageType,
      state: 'pending',
      state_description: null,
      created_at: at.getTime(),
      updated_at: at.getTime(),
      fetched_at: null,
      last_status: null,
      last_status_at: null,
    };
    await insertRows(ctx.deferring, 'deliveries', [row]);
    return toDelivery(row);
  }

  /**
   * Deferred only for the document this transaction inserted: no receipt can be stored for it yet
   * (its doc_id was free, or the insert fails the transaction), so the stored receipt is this one.
   */
  override async insertReceipt(docId: string, receipt: string, at: Date): Promise<string> {
    const ctx = this.inBatch;
    if (!ctx || this.inserted?.docId !== docId) return super.insertReceipt(docId, receipt, at);
    // a plain insert: neither the conflict clause, nor RETURNING, nor the read of a stored one can matter
    await insertRows(ctx.deferring, 'receipts', [{ doc_id: docId, receipt, created_at: at.getTime() }]);
    return receipt;
  }

  override insertAttachments(list: AttachmentRecord[]): Promise<void> {
    return this.deferredOr(
      (o) => o.insertAttachments(list),
      () => super.insertAttachments(list),
    );
  }

  override insertTraces(list: TraceRecord[]): Promise<void> {
    return this.deferredOr(
      (o) => o.insertTraces(list),
      () => super.insertTraces(list),
    );
  }

  override insertRelations(list: RelationRecord[]): Promise<void> {
    return this.deferredOr(
      (o) => o.insertRelations(list),
      () => super.insertRelations(list),
    );
  }

  override insertEvents(list: EventRecord[]): Promise<void> {
    return this.deferredOr(
      (o) => o.insertEvents(list),
      () => super.insertEvents(list),
    );
  }

  override insertSignature(s: SignatureRecord): Promise<void> {
    return this.deferredOr(
      (o) => o.insertSignature(s),
      () => super.insertSignature(s),
    );
  }

  override insertInlineBlobs(blobs: InlineBlob[], at: Date): Promise<void> {
    return this.deferredOr(
      (o) => o.insertInlineBlobs(blobs, at),
      () => super.insertInlineBlobs(blobs, at),
    );
  }

  override updateDelivery(docId: string, recipient: string, p: DeliveryPatch): Promise<void> {
    return this.deferredOr(
      (o) => o.updateDelivery(docId, recipient, p),
      () => super.updateDelivery(docId, recipient, p),
    );
  }

  override findEarlierSubmission(sender: string, sha256: string, documentId?: string): Promise<EarlierSubmission> {
    if (this.optimistic && this.inBatch) return Promise.resolve({ sameBytes: undefined, sameDocumentId: [] });
    return this.findEarlierSubmissionAtOnce(sender, sha256, documentId);
  }

  /** a write whose result nobody reads: queued in a batch, run at once outside one */
  private deferredOr(inBatch: (ops: SqlStoreOps) => Promise<void>, alone: () => Promise<void>): Promise<void> {
    return this.inBatch ? inBatch(this.inBatch.deferred) : alone();
  }
}
