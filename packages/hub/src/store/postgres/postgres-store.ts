// The Store on PostgreSQL: the portable Kysely queries of store/sql over a `pg` pool. Several hub nodes
// may share one database: every write that takes a counter value runs in a transaction whose
// `UPDATE counters … RETURNING` holds that counter's row lock until commit, so sequence numbers are
// handed out in commit order and the audit hash chain stays linear and gap-free (store.ts, appendAudit).

import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import { claimUninspectedAttachments } from '../sql/attachment-inspection-queries.js';
import type { Database } from '../sql/database.js';
import { type Migration, runMigrations } from '../sql/migrator.js';
import { SqlStoreOps } from '../sql/sql-store-ops.js';
import { GroupCommitter } from '../sqlite/group-commit.js';
import { StatementCounter } from '../sqlite/statement-cache.js';
import type {
  AgencyPatch,
  AgencyRecord,
  AuditInput,
  AuditRecord,
  DeliveryRecord,
  DocumentRecord,
  NewAgencyRecord,
  NewDocumentRecord,
  Store,
  StoreOps,
  UninspectedAttachment,
} from '../store.js';
import { SharedDirectoryCache } from './directory-cache.js';
import { migrations } from './migrations/index.js';
import { PgBatch, PgGroupCommitter } from './pg-batch.js';
import { connectionOf, guardedPool, isRetryable, withConnection } from './pg-errors.js';
import { type BatchContext, PostgresStoreOps } from './postgres-store-ops.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database?… (libpq connection URI) */
  url: string;
  /** most connections this store opens (default 10) */
  poolSize?: number;
  /** milliseconds to wait for a free connection or a new one before the request fails with 503 (default 10 000) */
  connectionTimeoutMs?: number;
  /** run pending migrations when opening (default true) */
  migrate?: boolean;
  /** told about errors of idle connections (a restarted server): the pool replaces them by itself */
  onIdleError?: (err: Error) => void;
}

/**
 * LIENTHONG_PG_GROUP_COMMIT=plain: the group commit without deferred writes nor values in memory (one
 * round trip per statement, store/sqlite/group-commit.ts), for A/B measurements of the batch
 * (docs/BENCHMARKS.md, session 3). Not a setting for production.
 */
const PLAIN = process.env.LIENTHONG_PG_GROUP_COMMIT === 'plain';

/**
 * LIENTHONG_PG_DIRECTORY_CACHE=off: no agencies cached outside transactions (directory-cache.ts), for
 * A/B measurements. Not a setting for production.
 */
const SHARED_DIRECTORY = process.env.LIENTHONG_PG_DIRECTORY_CACHE !== 'off';

/** How often a transaction is run again after a deadlock, serialization failure or raced unique key. */
const MAX_ATTEMPTS = 5;

/** pg_advisory_lock key held while migrating, so that nodes starting together migrate once. */
const MIGRATION_LOCK = 0x4c54_4d49; // 'LTMI'

/** int8 (counters, times in ms, sizes) as a JS number, as SQLite returns it: every value stays below 2^53. */
function parseInt8(value: string): number {
  return Number(value);
}

function createPool(opts: PostgresStoreOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 10_000,
    keepAlive: true,
    application_name: 'lienthong',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 && format !== 'binary'
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // an idle connection dropped by the server must not crash the process; the next query opens a new one
  pool.on('error', (err) => opts.onIdleError?.(err));
  return pool;
}

function createKysely(pool: pg.Pool, counter?: StatementCounter): { db: Kysely<Database>; clients: PostgresPool } {
  const guarded = guardedPool(pool);
  const clients = counter ? countingPool(guarded, counter) : guarded;
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool: clients }) }), clients };
}

/**
 * Counts the round trips to the server (one per `query` call, however many statements its text holds),
 * by SQL text when the counter is asked to (intake-bench's per-package figures).
 */
function countingPool(inner: PostgresPool, counter: StatementCounter): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await inner.connect();
      const query = (...args: unknown[]): unknown => {
        counter.total++;
        const first = args[0];
        const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
        if (counter.bySql) counter.bySql.set(text, (counter.bySql.get(text) ?? 0) + 1);
        return (client.query as (...a: unknown[]) => unknown)(...args);
      };
      return withConnection(
        { query: query as PostgresPoolClient['query'], release: () => client.release() },
        connectionOf(client),
      );
    },
    end: () => inner.end(),
  };
}

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(opts);
  const statements = new StatementCounter();
  const { db, clients } = createKysely(pool, statements);
  try {
    if (opts.migrate ?? true) await migratePostgres(db);
    else await sql`SELECT 1`.execute(db);
    const store = new PostgresStore(db, pool, clients);
    store.statements = statements;
    if (SHARED_DIRECTORY) {
      store.sharedDirectory = new SharedDirectoryCache(opts.url, opts.onIdleError);
      await store.sharedDirectory.start();
    }
    return store;
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/**
 * Runs the pending migrations under a session advisory lock on one connection: a node that starts while
 * another migrates waits, then finds the work done. Returns the migrations it applied.
 */
export async function migratePostgres(db: Kysely<Database>, list: Migration[] = migrations): Promise<Migration[]> {
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      // applied_at holds epoch milliseconds: bigint here (runMigrations' own CREATE is then a no-op)
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`.execute(conn);
      const applied = await runMigrations(conn, list);
      return list.filter((m) => applied.includes(m.version));
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}

/** Opens a database only to migrate it (`lienthong migrate`); returns what it applied. */
export async function migratePostgresDatabase(url: string): Promise<Migration[]> {
  const { db } = createKysely(createPool({ url, poolSize: 1 }));
  try {
    return await migratePostgres(db);
  } finally {
    await db.destroy();
  }
}

/** committed document rows a node keeps (getDocument) */
const KEPT_DOCUMENTS = 4096;

export class PostgresStore extends PostgresStoreOps implements Store {
  private closed = false;
  /** round trips to the server, as the SQLite store counts its statements (intake-bench prints them) */
  statements: StatementCounter | undefined;
  /**
   * Group commit, as on SQLite (store/sqlite/group-commit.ts): transactions asked for while a batch runs
   * wait and then run together in one PostgreSQL transaction, each in its own savepoint, with one COMMIT
   * (one WAL flush). Without it every transaction that takes a counter would hold the counter's row lock
   * through its own commit flush, and the hub would accept one package per flush (a few dozen a second).
   * The batch defers the writes whose results are not used and keeps held counters in memory
   * (pg-batch.ts), so that a transaction costs few round trips.
   */
  readonly groupCommit: PgGroupCommitter;
  private readonly batchContext: BatchContext;
  private readonly plain: GroupCommitter;
  /** agencies cached in this process for reads outside transactions (set by openPostgresStore) */
  sharedDirectory: SharedDirectoryCache | undefined;

  constructor(
    db: Kysely<Database>,
    /** the pool under the store: for LISTEN connections and diagnostics (size, idle, waiting) */
    readonly pool: pg.Pool,
    /** the connections Kysely runs on (connection errors mapped): group-commit batches take theirs here */
    clients: PostgresPool = guardedPool(pool),
  ) {
    super(db);
    const batch = new PgBatch();
    // Kysely instances over the running batch's connection (made once: compiled queries are cached per instance)
    const immediate = new Kysely<Database>({ dialect: new PostgresDialect({ pool: batch.immediate }) });
    const deferring = new Kysely<Database>({ dialect: new PostgresDialect({ pool: batch.deferring }) });
    this.batchContext = { batch, immediate, deferring, deferred: new SqlStoreOps(deferring) };
    this.groupCommit = new PgGroupCommitter(clients, batch);
    this.plain = new GroupCommitter(db);
  }

  /** READ COMMITTED, run again from the start (up to 5 times) after a deadlock or a raced unique key. */
  async transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    const ctx = this.batchContext;
    const shared = this.sharedDirectory;
    for (let attempt = 1; ; attempt++) {
      let ops: PostgresStoreOps | undefined;
      const run = (db: Kysely<Database>, batch?: BatchContext) => {
        ops = new PostgresStoreOps(db, batch, shared, batch !== undefined && attempt === 1);
        return fn(ops);
      };
      try {
        if (PLAIN) return await this.plain.run((trx) => run(trx));
        // the first run joins the batch's group (pg-batch.ts); a run again confirms what is before it
        return await this.groupCommit.run(() => run(ctx.immediate, ctx), attempt === 1);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
        // let the transaction we collided with finish before trying again
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      } finally {
        ops?.ended();
      }
    }
  }

  /** Outside transactions: from the node's agency cache when it may answer (directory-cache.ts). */
  override async getAgency(code: string): Promise<AgencyRecord | undefined> {
    const shared = this.sharedDirectory;
    if (!shared?.usable) return super.getAgency(code);
    const hit = shared.get(code);
    if (hit) return hit;
    const token = shared.token;
    const found = await super.getAgency(code);
    if (found) shared.put(found, token);
    return found;
  }

  override async getAgencies(codes: string[]): Promise<AgencyRecord[]> {
    const shared = this.sharedDirectory;
    if (!shared?.usable || codes.length === 0) return super.getAgencies(codes);
    const out: AgencyRecord[] = [];
    const missing: string[] = [];
    for (const code of new Set(codes)) {
      const hit = shared.get(code);
      if (hit) out.push(hit);
      else missing.push(code);
    }
    if (missing.length === 0) return out;
    const token = shared.token;
    const found = await super.getAgencies(missing);
    for (const a of found) shared.put(a, token);
    return [...out, ...found];
  }

  // Writes that take a counter value and insert a row are atomic even outside a transaction: a counter
  // is never ahead of its rows, and the counter's row lock orders concurrent writers (store.ts).
  override insertAgency(a: NewAgencyRecord, at: Date): Promise<AgencyRecord> {
    return this.transaction((tx) => tx.insertAgency(a, at));
  }
  override updateAgency(code: string, p: AgencyPatch, at: Date): Promise<AgencyRecord | undefined> {
    return this.transaction((tx) => tx.updateAgency(code, p, at));
  }
  override insertDocument(d: NewDocumentRecord): Promise<DocumentRecord> {
    return this.transaction((tx) => tx.insertDocument(d));
  }

  /**
   * A committed document row never changes (the hub updates and deletes none), on this node or any other:
   * the rows read last are kept, so the recipients of a package fetching it do not each read its row
   * (one round trip of each fetch). Unknown ids are not kept: the document may be committed in a moment.
   */
  override async getDocument(docId: string): Promise<DocumentRecord | undefined> {
    const kept = this.documents.get(docId);
    if (kept) {
      this.documents.delete(docId);
      this.documents.set(docId, kept);
      return { ...kept };
    }
    const row = await super.getDocument(docId);
    if (row) {
      if (this.documents.size >= KEPT_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
      this.documents.set(docId, { ...row });
    }
    return row;
  }
  /** document rows read last, least recently used first */
  private readonly documents = new Map<string, DocumentRecord>();
  override insertDelivery(docId: string, recipient: string, at: Date): Promise<DeliveryRecord> {
    return this.transaction((tx) => tx.insertDelivery(docId, recipient, at));
  }
  override appendAudit(e: AuditInput): Promise<AuditRecord> {
    return this.transaction((tx) => tx.appendAudit(e));
  }

  /**
   * The attachment inspector's claim (store.ts): a plain transaction on a connection of its own, not a
   * group-commit batch, since it stays open while the claimed attachments are inspected.
   */
  withClaimedAttachments<T>(
    limit: number,
    fn: (claimed: UninspectedAttachment[], ops: StoreOps) => Promise<T>,
  ): Promise<T> {
    let ops: PostgresStoreOps | undefined;
    return this.db
      .transaction()
      .execute(async (trx) => {
        const claimed = await claimUninspectedAttachments(trx, limit);
        ops = new PostgresStoreOps(trx, undefined, this.sharedDirectory);
        return fn(claimed, ops);
      })
      .finally(() => ops?.ended());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.groupCommit.idle();
    await this.plain.idle();
    await this.sharedDirectory?.close();
    await this.db.destroy();
  }
}
