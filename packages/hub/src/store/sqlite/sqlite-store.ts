// The embedded Store: one SQLite file in WAL mode, fully synchronous, behind Kysely.

import { mkdirSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql, type Transaction } from 'kysely';
import { fsyncFile } from '../../blobs/fs/fsync-dir.js';
import { nextAuditLink } from '../sql/audit-chain-queries.js';
import { batchMember } from '../sql/batch-members.js';
import type { Database } from '../sql/database.js';
import { runMigrations } from '../sql/migrator.js';
import { runDirectly } from '../sql/precompiled.js';
import { SqlStoreOps } from '../sql/sql-store-ops.js';
import { overdueDeliveries } from '../sql/stats-queries.js';
import type {
  AgencyPatch,
  AgencyRecord,
  AuditInput,
  AuditRecord,
  CredentialRecord,
  DeliveryRecord,
  DocumentRecord,
  NewAgencyRecord,
  NewDocumentRecord,
  NewWebhookRecord,
  OverdueQuery,
  OverdueSummary,
  Store,
  StoreOps,
  WebhookRecord,
} from '../store.js';
import { BATCH_COUNTERS, BATCH_COUNTERS_MEMBER, type BatchCounter, BatchCounters } from './batch-counters.js';
import { GroupCommitter } from './group-commit.js';
import { migrations } from './migrations/index.js';
import { QueuedSqliteDialect } from './queued-sqlite-dialect.js';
import { ReadCache } from './read-cache.js';
import { type CachingDatabase, cachingDatabase, StatementCounter } from './statement-cache.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SqliteStoreOptions {
  /** path of the database file */
  file: string;
  /** milliseconds to wait for a lock held by another connection */
  busyTimeoutMs?: number;
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  mkdirSync(dirname(opts.file), { recursive: true });
  const sqlite = new SQLite(opts.file);
  try {
    sqlite.pragma('journal_mode = WAL');
    // FULL: a transaction that returned is on disk, even if the machine loses power right after.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    const statements = new StatementCounter();
    const database = cachingDatabase(sqlite, statements);
    const dialect = new QueuedSqliteDialect({ database });
    const db = new Kysely<Database>({ dialect });
    await runMigrations(db, migrations);
    // the store's precompiled queries outside transactions skip Kysely's executor when nothing holds
    // the connection: the usual case for intake's look-ups, made while the last batch's WAL is fsync'd
    runDirectly(db, (statement, parameters) => dialect.runIfIdle(() => database.run(statement, parameters)));
    const checkpointer = new WalCheckpointer(opts.file, (pages) => sqlite.pragma(`wal_autocheckpoint = ${pages}`));
    return new SqliteStore(db, opts.file, new ReadCache(sqlite), statements, database, checkpointer);
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

export class SqliteStore extends SqlStoreOps implements Store {
  private closed = false;
  /** concurrent transactions share one COMMIT (one WAL fsync), each in its own savepoint */
  readonly groupCommit: GroupCommitter;

  constructor(
    db: Kysely<Database>,
    file: string,
    /** agencies, credentials and documents, checked against other connections' commits */
    readonly cache: ReadCache,
    /** statements run, by SQL text (benchmarks, tests) */
    readonly statements: StatementCounter = new StatementCounter(),
    /**
     * the connection's statement cache: a transaction holds the one connection, so its precompiled
     * queries (and the batch's savepoints) run on it directly, not through Kysely's executor
     */
    private readonly direct?: CachingDatabase,
    /** WAL checkpoints in a worker thread, started at the first batch (without it: SQLite's, on this thread) */
    readonly checkpointer?: WalCheckpointer,
  ) {
    super(db);
    this.wal = new WalSync(`${file}-wal`);
    // A batch commits at synchronous=NORMAL (no fsync on the event loop), then its WAL is fsync'd in
    // the thread pool before any caller is answered: the same durability as synchronous=FULL (which
    // in WAL mode is exactly an fsync of the WAL at each commit), paid once per batch and off the
    // loop. Checkpoints sync the WAL and the database file themselves at NORMAL too. Every other
    // write on the connection stays at FULL.
    //
    // A batch's items each run in a savepoint, and SQLite copies each page an item changes (one that
    // existed before the savepoint) into the savepoint's journal: in memory up to 64 KiB, then into a
    // temporary file, one pwrite per page and one per page number. A package changes more than 64 KiB
    // of such pages: some 80 syscalls per package on the event loop. With temp_store = memory for the
    // batch the journal stays in memory (emptied at each item's release: one item's pages at a time).
    // Only for the batch: outside it temp_store also decides where large sorts (CREATE INDEX, the
    // console's GROUP BYs) spill, and those stay on disk.
    this.groupCommit = new GroupCommitter(db, {
      beforeBatch: async (d) => {
        checkpointer?.start();
        await sql`pragma synchronous = normal`.execute(d);
        await sql`pragma temp_store = memory`.execute(d);
      },
      afterBatch: async (d) => {
        cache.batchEnded();
        await sql`pragma synchronous = full`.execute(d);
        await sql`pragma temp_store = default`.execute(d);
      },
      syncAfterCommit: () => this.wal.sync(),
      ...(direct ? { run: (statement: string) => void direct.run(statement, []) } : {}),
    });
  }

  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    return this.groupCommit.run((trx) => {
      const direct = this.direct;
      if (direct) runDirectly(trx, (statement, parameters) => direct.run(statement, parameters));
      return fn(new SqliteTxOps(trx, this.cache));
    });
  }

  override getAgency(code: string): Promise<AgencyRecord | undefined> {
    return this.cache.agency(code, () => super.getAgency(code));
  }
  override getAgencies(codes: string[]): Promise<AgencyRecord[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.cache.agencyList(codes, (missing) => super.getAgencies(missing));
  }
  override getCredential(systemId: string): Promise<CredentialRecord | undefined> {
    return this.cache.credential(systemId, () => super.getCredential(systemId));
  }
  override getCredentialByKeyId(keyId: string): Promise<CredentialRecord | undefined> {
    return this.cache.credentialByKeyId(keyId, () => super.getCredentialByKeyId(keyId));
  }
  override getDocument(docId: string): Promise<DocumentRecord | undefined> {
    return this.cache.document(docId, true, () => super.getDocument(docId));
  }
  override async putCredential(c: CredentialRecord): Promise<void> {
    try {
      await super.putCredential(c);
    } finally {
      this.cache.drop();
    }
  }

  // Writes that take a counter value and insert a row are made atomic even outside a transaction,
  // so a crash can never leave a counter ahead of its rows (the audit chain must have no gaps).
  override insertAgency(a: NewAgencyRecord, at: Date): Promise<AgencyRecord> {
    return this.transaction((tx) => tx.insertAgency(a, at));
  }
  override updateAgency(code: string, p: AgencyPatch, at: Date): Promise<AgencyRecord | undefined> {
    return this.transaction((tx) => tx.updateAgency(code, p, at));
  }
  override insertDocument(d: NewDocumentRecord): Promise<DocumentRecord> {
    return this.transaction((tx) => tx.insertDocument(d));
  }
  override insertDelivery(docId: string, recipient: string, at: Date): Promise<DeliveryRecord> {
    return this.transaction((tx) => tx.insertDelivery(docId, recipient, at));
  }
  override appendAudit(e: AuditInput): Promise<AuditRecord> {
    return this.transaction((tx) => tx.appendAudit(e));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupCommit.idle();
    // before the writer's connection: the last connection to close checkpoints and removes the WAL
    await this.checkpointer?.close();
    await this.wal.close();
    await this.db.destroy();
  }

  /** the WAL file, fsync'd after each group commit through a descriptor kept open */
  private readonly wal: WalSync;

  // console statistics: the overdue count names its covering partial index (stats-queries.ts)
  override overdueDeliveries(q: OverdueQuery): Promise<OverdueSummary> {
    return overdueDeliveries(this.db, q, { indexedBy: true });
  }
}

/**
 * fsync of the WAL file through one descriptor kept open: opening and closing the file for every
 * group commit cost more main-thread time than the fsync request itself (≈ 4 % of a delivery profile).
 * The WAL file lives as long as the store's connection (SQLite truncates or rewinds it, never replaces it
 * while a connection is open); should the descriptor fail anyway, the file is opened afresh once.
 */
class WalSync {
  private handle: Promise<FileHandle> | undefined;

  constructor(private readonly path: string) {}

  async sync(): Promise<void> {
    try {
      this.handle ??= open(this.path, 'r');
      await (await this.handle).sync();
    } catch {
      await this.close();
      // a fresh descriptor, as fsyncFile opens one; its failure is the batch's failure
      await fsyncFile(this.path);
    }
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    await h?.then((fh) => fh.close()).catch(() => undefined);
  }
}

/** The operations of one transaction of a group-commit batch: cached reads, and writes that mark the cache. */
class SqliteTxOps extends SqlStoreOps {
  constructor(
    trx: Transaction<Database>,
    private readonly cache: ReadCache,
  ) {
    super(trx);
  }

  /** in a group-commit batch, from memory after the batch's first read (batch-counters.ts) */
  protected override next(name: Parameters<SqlStoreOps['next']>[0]): Promise<number> {
    const counters = BATCH_COUNTERS.has(name) ? this.batchCounters() : undefined;
    if (!counters) return super.next(name);
    return counters.next(name as BatchCounter, () => super.next(name));
  }
  // reads the delivery_seq row: the batch's counters are written back first
  override async putWebhook(webhook: NewWebhookRecord, at: Date): Promise<WebhookRecord> {
    await this.batchCounters()?.writeBack(this.db);
    return super.putWebhook(webhook, at);
  }
  private batchCounters(): BatchCounters | undefined {
    return batchMember(this.db, BATCH_COUNTERS_MEMBER, () => new BatchCounters());
  }

  override getAgency(code: string): Promise<AgencyRecord | undefined> {
    return this.cache.agency(code, () => super.getAgency(code));
  }
  override getAgencies(codes: string[]): Promise<AgencyRecord[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return this.cache.agencyList(codes, (missing) => super.getAgencies(missing));
  }
  override getCredential(systemId: string): Promise<CredentialRecord | undefined> {
    return this.cache.credential(systemId, () => super.getCredential(systemId));
  }
  override getCredentialByKeyId(keyId: string): Promise<CredentialRecord | undefined> {
    return this.cache.credentialByKeyId(keyId, () => super.getCredentialByKeyId(keyId));
  }
  override getDocument(docId: string): Promise<DocumentRecord | undefined> {
    return this.cache.document(docId, false, () => super.getDocument(docId));
  }
  // SQLite has one writer at a time: the counter and the previous hash can be read by one statement
  protected override auditLink(): Promise<{ id: number; prevHash: string }> {
    return nextAuditLink(this.db);
  }
  override insertAgency(a: NewAgencyRecord, at: Date): Promise<AgencyRecord> {
    this.cache.written();
    return super.insertAgency(a, at);
  }
  override updateAgency(code: string, p: AgencyPatch, at: Date): Promise<AgencyRecord | undefined> {
    this.cache.written();
    return super.updateAgency(code, p, at);
  }
  override putCredential(c: CredentialRecord): Promise<void> {
    this.cache.written();
    return super.putCredential(c);
  }
}
