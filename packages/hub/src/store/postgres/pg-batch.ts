// Group commit on PostgreSQL with few round trips. node-postgres sends one statement per round trip and
// waits for its answer; a group-commit batch runs on one connection, so before this every statement of
// every transaction of the batch was a serial network round trip (~25 per accepted package).
//
// A batch (PgBatch, one at a time per store) is ONE PostgreSQL transaction; each transaction asked for
// runs in its own savepoint, as in store/sqlite/group-commit.ts, and fails alone. What changes:
//  - Deferred writes: statements whose result the caller does not use (inserts of attachments, traces,
//    events, the document, deliveries, the audit entry…: PostgresStoreOps decides) are not sent when
//    asked for. Their parameters are written into the SQL as literals (inline-sql.ts) and they wait in
//    `pending`; the next statement whose result is needed carries them in front of it, as one
//    simple-protocol query (the server runs the `;`-separated statements in order and stops at the
//    first error). BEGIN and SAVEPOINT are deferred too. At the end of each transaction whatever is
//    still pending is sent with its RELEASE, so an error (a unique violation) always belongs to the
//    transaction that caused it: that one is rolled back to its savepoint and fails; the others commit.
//  - Counters known in memory: the first `UPDATE counters … RETURNING` of a batch takes the counter's
//    row lock, which the batch's transaction then holds until its COMMIT, so nobody else can move the
//    counter meanwhile: the next values are the one read plus one, plus two… (no round trip), and the
//    final value is written back once, just before COMMIT. Same for the audit chain's head (id, hash):
//    after the first append the previous entry's hash is the one this batch just computed. The values
//    are put back as they were when a transaction rolls back to its savepoint (its row locks, if it took
//    them, go with it: the next transaction takes them again). Sequence numbers still follow commit
//    order and the chain stays linear across nodes (store.ts), now for a batch at a time.
//  - Groups: a transaction in its first run (`grouped`) does not wait for the previous ones' deferred
//    writes to be confirmed before it queues its own or takes a counter value from memory. The grouped
//    transactions of a batch run inside one more savepoint, `g`: if a statement of the group fails and
//    it is not the running transaction's own (whose savepoint then exists), the batch rolls back to `g`
//    and every transaction of the group fails with a retryable error (40001): PostgresStore.transaction
//    runs them again, not grouped, in a later batch, where the one at fault fails alone. A transaction
//    that needs no answer (intake, with its agencies from the batch's cache: postgres-store-ops.ts) thus
//    costs no round trip of its own.

import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { AgencyRecord } from '../store.js';
import { executeStatement, inlineParameters } from './inline-sql.js';
import { connectionOf } from './pg-errors.js';

/** Counters whose value a batch keeps in memory once it holds their row lock. */
export type BatchCounter = 'document_seq' | 'delivery_seq' | 'audit_id';

interface QueryResultLike {
  command: string;
  rowCount: number | null;
  rows: unknown[];
}

interface Tail {
  name: string;
  end: number;
  before: Snapshot;
  /** the transaction committed into the batch (no error) or was rolled back (its error) */
  settle: (err?: unknown) => void;
}

interface Snapshot {
  counters: Map<string, number>;
  dirty: Set<string>;
  auditHead: { id: number; hash: string } | undefined;
}

/**
 * The error of a transaction rolled back with its group (see above): retryable, as a serialization
 * failure is, so that PostgresStore.transaction runs it again.
 */
export class GroupRolledBack extends Error {
  readonly code = '40001';
  constructor(cause: unknown) {
    super(`rolled back with the transactions grouped with it: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

interface Group {
  /** the state before `SAVEPOINT g` */
  before: Snapshot;
  /** the transactions of the group that ended: each fails with the group's error if it is rolled back */
  members: ((err: unknown) => void)[];
}

/** What a deferred statement answers at once: no rows, no row count (callers of deferred writes use neither). */
const DEFERRED: QueryResultLike = Object.freeze({ command: 'DEFERRED', rowCount: null, rows: [] }) as never;

export interface BatchStats {
  batches: number;
  items: number;
  largestBatch: number;
  /** statements that travelled in front of another one instead of in a round trip of their own */
  deferred: number;
}

/**
 * The connection of the running batch, as Kysely's PostgresDialect sees a pool client: `immediate` runs
 * statements (with whatever is pending in front), `deferring` queues them.
 */
export class PgBatch {
  private client: PostgresPoolClient | undefined;
  private pending: string[] = [];
  /** queries sent so far (whether a statement queued before a point has been sent since) */
  sends = 0;
  /**
   * The previous transaction of the batch, ended but not confirmed: its last deferred writes and its
   * RELEASE wait in `pending` (up to `end`) to travel with the next transaction's first statement that
   * needs an answer. If that query fails, `send` finds out whose error it was.
   */
  tail: Tail | undefined;
  /** the running transaction's savepoint, and the state to go back to if it fails */
  itemSavepoint: string | undefined;
  itemBefore: Snapshot | undefined;
  /** counter values this transaction holds the row lock of (the last value handed out) */
  counters = new Map<string, number>();
  /** counters handed out from memory since the last write-back */
  private dirty = new Set<string>();
  /** the newest audit entry of this transaction: the next one links to it */
  auditHead: { id: number; hash: string } | undefined;
  readonly stats: BatchStats = { batches: 0, items: 0, largestBatch: 0, deferred: 0 };
  /** the open group of first-run transactions (its `SAVEPOINT g` queued or sent, not released) */
  group: Group | undefined;
  /** the running transaction was rolled back with its group: the error it fails with */
  itemLost: GroupRolledBack | undefined;

  /** the client Kysely runs reads and writes on whose result is used */
  readonly immediate: PostgresPool = {
    connect: async () => this.immediateClient,
    end: async () => undefined,
  };
  /** the client Kysely runs deferred writes on */
  readonly deferring: PostgresPool = {
    connect: async () => this.deferringClient,
    end: async () => undefined,
  };

  private readonly immediateClient: PostgresPoolClient = {
    query: ((text: string, values?: readonly unknown[]) => this.run(text, values ?? [])) as never,
    release: () => undefined,
  };
  private readonly deferringClient: PostgresPoolClient = {
    query: ((text: string, values?: readonly unknown[]) => this.defer(text, values ?? [])) as never,
    release: () => undefined,
  };

  /**
   * Agencies as of a directory version (counter `directory_version`, moved by every agency write). Each
   * transaction of a batch reads the version in front of its first statement that needs an answer (no
   * round trip of its own); its agency lookups are answered from here while the version is the cached
   * one (postgres-store-ops.ts).
   */
  readonly directory = new DirectoryCache();
  /** the running transaction has not read the directory version yet */
  wantsDirectoryVersion = false;

  /** a transaction starts: the directory version is read again in front of its first answered statement */
  itemStarted(): void {
    this.wantsDirectoryVersion = true;
    this.directory.current = undefined;
  }

  /**
   * Server-side prepared statements: a statement text this batch sends often is PREPAREd once per
   * connection (outside the batch's transaction, so that a statement the server cannot prepare fails
   * nothing), and from then on travels as `EXECUTE name(literals)` in the multi-statement queries: the
   * server parses a short argument list and reuses its plan instead of parsing and planning the statement
   * each time. Off unless LIENTHONG_PG_PREPARE=on: measured slower on this machine (docs/BENCHMARKS.md, session 4).
   */
  private prepared: Set<string> = new Set();
  private readonly wanted = new Set<string>();

  /**
   * The statement as it travels in a multi-statement query: EXECUTE of its prepared form, or inlined.
   * Only deferred writes are prepared: a prepared statement whose result columns change (`SELECT *`
   * after another node's migration adds a column) fails with "cached plan must not change result type".
   */
  private render(text: string, values: readonly unknown[], prepare: boolean): string | undefined {
    if (!prepare) return inlineParameters(text, values);
    const name = this.prepared.has(text) ? PREPARED.names.get(text) : undefined;
    if (name !== undefined) {
      const executed = executeStatement(name, values);
      if (executed !== undefined) return executed;
    } else if (PREPARE && !PREPARED.refused.has(text)) {
      this.wanted.add(text);
    }
    return inlineParameters(text, values);
  }

  /**
   * Prepares on the attached connection, before BEGIN, the statements wanted since (one round trip each,
   * once per connection and statement). A statement the server refuses to prepare is never asked again.
   */
  async prepareWanted(): Promise<void> {
    if (this.wanted.size === 0) return;
    const client = this.connection();
    for (const text of this.wanted) {
      if (this.prepared.has(text) || PREPARED.refused.has(text)) continue;
      let name = PREPARED.names.get(text);
      if (name === undefined) {
        if (PREPARED.names.size >= MAX_PREPARED) continue;
        name = `lt_${PREPARED.names.size + 1}`;
        PREPARED.names.set(text, name);
      }
      try {
        await client.query(`PREPARE ${name} AS ${text}`, []);
        this.prepared.add(text);
      } catch (err) {
        // a lost connection fails the batch as BEGIN would have; anything else: that statement stays inlined
        if ((err as { severity?: string }).severity === undefined) throw err;
        PREPARED.refused.add(text);
      }
    }
    this.wanted.clear();
  }

  attach(client: PostgresPoolClient): void {
    const connection = connectionOf(client);
    let prepared = PREPARED.on.get(connection);
    if (!prepared) {
      prepared = new Set();
      PREPARED.on.set(connection, prepared);
    }
    this.prepared = prepared;
    this.client = client;
    this.tail = undefined;
    this.group = undefined;
    this.itemLost = undefined;
    this.pending = [];
    this.counters.clear();
    this.dirty.clear();
    this.auditHead = undefined;
  }

  detach(): PostgresPoolClient | undefined {
    const c = this.client;
    this.directory.batchEnded();
    this.wantsDirectoryVersion = false;
    this.tail = undefined;
    this.group = undefined;
    this.itemLost = undefined;
    this.itemSavepoint = undefined;
    this.itemBefore = undefined;
    this.client = undefined;
    this.pending = [];
    this.counters.clear();
    this.dirty.clear();
    this.auditHead = undefined;
    return c;
  }

  get active(): boolean {
    return this.client !== undefined;
  }

  private connection(): PostgresPoolClient {
    if (!this.client) throw new Error('no group-commit batch is running: a transaction was used after it ended');
    return this.client;
  }

  /** queues a statement without parameters (BEGIN, SAVEPOINT, RELEASE…) */
  deferRaw(text: string): void {
    this.pending.push(text);
  }

  /** how many statements wait now (a mark to cut back to with `dropPendingAfter`) */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** forgets the statements queued after `mark` (a transaction that failed before they were sent) */
  dropPendingAfter(mark: number): void {
    this.pending.length = Math.min(this.pending.length, mark);
  }

  /** Queues a statement; runs it at once (after what is pending) if a value of it has no exact literal. */
  private async defer(text: string, values: readonly unknown[]): Promise<QueryResultLike> {
    if (this.itemLost) throw this.itemLost;
    await this.confirmTail();
    const inlined = this.render(text, values, true);
    if (inlined === undefined) return this.run(text, values);
    this.connection();
    this.pending.push(inlined);
    this.stats.deferred++;
    return DEFERRED;
  }

  /** Runs a statement whose result is used: one round trip, carrying whatever is pending in front of it. */
  private async run(text: string, values: readonly unknown[]): Promise<QueryResultLike> {
    if (this.itemLost) throw this.itemLost;
    const client = this.connection();
    const inlined =
      this.pending.length > 0 || this.wantsDirectoryVersion ? this.render(text, values, false) : undefined;
    if (inlined !== undefined) {
      const version = this.wantsDirectoryVersion;
      // the version is read in a statement before the one asked for: what that one reads is at least as new
      if (version) this.pending.push(DIRECTORY_VERSION);
      this.pending.push(inlined);
      const results = await this.send(client);
      if (version) {
        this.wantsDirectoryVersion = false;
        const all = results as QueryResultLike[];
        const row = all[all.length - 2]?.rows[0] as { value?: number } | undefined;
        this.directory.seen(row?.value);
      }
      return last(results as QueryResultLike | QueryResultLike[]);
    }
    await this.flush();
    this.sends++;
    return (await client.query(text, values as unknown[])) as unknown as QueryResultLike;
  }

  private async send(client: PostgresPoolClient): Promise<QueryResultLike | QueryResultLike[]> {
    this.sends++;
    const statements = this.pending;
    this.pending = [];
    const tail = this.tail;
    // no values: node-postgres sends a simple Query message, which may hold several statements
    if (!tail) {
      try {
        return (await client.query(statements.join(';\n'), [])) as unknown as QueryResultLike[];
      } catch (err) {
        if (this.group) await this.groupFailed(client, err);
        throw err;
      }
    }
    this.tail = undefined;
    try {
      const results = (await client.query(statements.join(';\n'), [])) as unknown as QueryResultLike[];
      tail.settle();
      return results;
    } catch (err) {
      // Whose error: the previous transaction's tail, or what the running one sent after it? If the
      // running one's savepoint exists, the tail went through (its RELEASE ran before that SAVEPOINT).
      const own = statements.slice(tail.end);
      const savepoint = this.itemSavepoint;
      if (savepoint !== undefined && own[0] === `SAVEPOINT ${savepoint}`) {
        const exists = await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`, []).then(
          () => true,
          () => false,
        );
        if (exists) {
          tail.settle();
          throw err;
        }
      }
      // the tail failed: it alone is rolled back and fails (if that fails too, the batch does)
      await client.query(`ROLLBACK TO SAVEPOINT ${tail.name};\nRELEASE ${tail.name}`, []);
      tail.settle(err);
      this.restore(tail.before);
      this.itemBefore = tail.before;
      // the running transaction had only queued its savepoint and first statement (see confirmTail): again
      if (own.length === 0) return [];
      this.pending = own;
      return this.send(client);
    }
  }

  /**
   * A query failed while a group is open. If the running transaction's savepoint exists, everything in
   * front of it went through and the error is its own (rolled back to it: it fails as usual). Otherwise a
   * statement of the group failed: the batch rolls back to `g`, every transaction of the group fails with
   * a retryable error, and so does the running one, of which nothing reached the server.
   */
  private async groupFailed(client: PostgresPoolClient, err: unknown): Promise<never> {
    const savepoint = this.itemSavepoint;
    if (savepoint !== undefined) {
      const own = await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`, []).then(
        () => true,
        () => false,
      );
      if (own) throw err;
    }
    const group = this.group!;
    // if this fails too (a lost connection; or `g` was released, the error came after it), the batch fails
    await client.query('ROLLBACK TO SAVEPOINT g;\nRELEASE g', []).catch(() => {
      throw err;
    });
    this.group = undefined;
    const lost = new GroupRolledBack(err);
    for (const fail of group.members) fail(lost);
    this.restore(group.before);
    if (savepoint !== undefined) {
      this.itemLost = lost;
      this.itemBefore = group.before;
    }
    throw lost;
  }

  /** a first-run transaction starts: in the open group, or in one it opens */
  openGroup(): void {
    if (this.group) return;
    this.pending.push('SAVEPOINT g');
    this.group = { before: this.snapshot(), members: [] };
  }

  /**
   * Ends the open group (one round trip with what is pending). If it fails, its transactions fail with a
   * retryable error (groupFailed) and the batch goes on without them.
   */
  async closeGroup(): Promise<void> {
    if (!this.group) return;
    this.pending.push('RELEASE g');
    try {
      await this.send(this.connection());
      this.group = undefined;
    } catch (err) {
      if (!(err instanceof GroupRolledBack)) throw err;
    }
  }

  /**
   * The batch's end, in one round trip: the open group's RELEASE, the counters' write-back, COMMIT. If a
   * statement of the group fails there, its transactions fail (to run again) and the others commit.
   */
  async commit(): Promise<void> {
    for (;;) {
      if (this.group) this.pending.push('RELEASE g');
      this.deferCounterWriteBack();
      this.pending.push('COMMIT');
      try {
        await this.flush();
        this.group = undefined;
        return;
      } catch (err) {
        // rolled back to `g` (the counters as they were before it): write back what is left, and commit
        if (!(err instanceof GroupRolledBack)) throw err;
      }
    }
  }

  /**
   * In a transaction's first run: agencies are answered from the batch's cache of the directory version
   * read last (by an earlier transaction), and a call queued here fails this one (40001: it runs again)
   * unless the version is still that one when the call runs, in its place in the transaction.
   */
  assumeDirectory(): void {
    const d = this.directory;
    if (this.itemLost || d.current !== undefined) return;
    const version = d.assumable();
    if (version === undefined) return;
    this.connection();
    this.pending.push(`SELECT lienthong_directory_unchanged(${version})`);
    d.current = version;
  }

  /**
   * Sends the previous transaction's tail if it is still waiting: before the running transaction queues
   * a statement or takes a value from memory, which would assume the previous one committed.
   */
  async confirmTail(): Promise<void> {
    if (this.tail) await this.send(this.connection());
  }

  /** sends whatever is pending (one round trip; none when nothing is) */
  async flush(): Promise<void> {
    if (this.pending.length > 0) await this.send(this.connection());
  }

  /** a counter value handed out from memory: written back before COMMIT */
  markDirty(name: string): void {
    this.dirty.add(name);
  }

  /** queues the write-back of every counter handed out from memory (the batch still holds their locks) */
  deferCounterWriteBack(): void {
    for (const name of this.dirty) {
      this.pending.push(`UPDATE counters SET value = ${this.counters.get(name)} WHERE name = '${name}'`);
    }
    this.dirty.clear();
  }

  snapshot(): Snapshot {
    return { counters: new Map(this.counters), dirty: new Set(this.dirty), auditHead: this.auditHead };
  }

  /** back to a snapshot (copied: the same snapshot may be restored again) */
  restore(s: Snapshot): void {
    this.counters = new Map(s.counters);
    this.dirty = new Set(s.dirty);
    this.auditHead = s.auditHead;
  }
}

const DIRECTORY_VERSION = "SELECT value FROM counters WHERE name = 'directory_version'";

const PREPARE = process.env.LIENTHONG_PG_PREPARE === 'on';
/** at most this many statement texts are prepared (per connection, the same ones) */
const MAX_PREPARED = 64;
/** statement text -> its name on every connection; texts the server refused; what each connection has prepared */
const PREPARED = {
  names: new Map<string, string>(),
  refused: new Set<string>(),
  on: new WeakMap<object, Set<string>>(),
};

const MAX_AGENCIES = 10_000;

/** Agencies by code (null: none), valid for one directory version. */
export class DirectoryCache {
  private version: number | undefined;
  private readonly agencies = new Map<string, AgencyRecord | null>();
  /** the version the running transaction read, when it is the cached one */
  current: number | undefined;
  /** this batch wrote agencies (not committed yet): no lookup is answered from here until it ends */
  private written = false;
  readonly stats = { hits: 0, misses: 0, drops: 0 };

  /** the version the running transaction read */
  seen(version: number | undefined): void {
    if (version === undefined || this.written) return;
    if (version !== this.version) {
      if (this.agencies.size > 0) this.stats.drops++;
      this.agencies.clear();
      this.version = version;
    }
    this.current = version;
  }

  /** the cached version, if the cache may answer for it (this batch wrote no agency) */
  assumable(): number | undefined {
    return this.written ? undefined : this.version;
  }

  /** the agency, if this transaction may be answered from the cache and it is there */
  get(code: string): AgencyRecord | null | undefined {
    if (this.current === undefined) return undefined;
    const hit = this.agencies.get(code);
    if (hit === undefined) this.stats.misses++;
    else this.stats.hits++;
    return hit;
  }

  /** a row read after the version was (so at least as new as it) */
  put(code: string, agency: AgencyRecord | null): void {
    if (this.current === undefined || this.current !== this.version) return;
    if (this.agencies.size >= MAX_AGENCIES) this.agencies.clear();
    this.agencies.set(code, agency);
  }

  /** the batch writes agencies: drop everything, answer nothing until it has ended */
  write(): void {
    this.written = true;
    this.current = undefined;
    this.version = undefined;
    this.agencies.clear();
  }

  batchEnded(): void {
    this.written = false;
    this.current = undefined;
  }
}

function last(r: QueryResultLike | QueryResultLike[]): QueryResultLike {
  return Array.isArray(r) ? r[r.length - 1]! : r;
}

interface Item {
  fn: () => Promise<unknown>;
  /** a transaction's first run: it joins the batch's group (see the top of this file) */
  grouped: boolean;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * The queue: transactions asked for while a batch runs wait, then run together in the next one (at most
 * `maxBatch`). Callers are answered only after the batch's COMMIT returned; if it fails, every
 * transaction of the batch fails.
 */
export class PgGroupCommitter {
  private readonly queue: Item[] = [];
  private running = false;
  private drained: Promise<void> = Promise.resolve();

  constructor(
    /** the store's pool (connection errors already mapped to HubError 'unavailable') */
    private readonly pool: PostgresPool,
    readonly batch: PgBatch,
    private readonly maxBatch = 256,
  ) {}

  get stats(): BatchStats {
    return this.batch.stats;
  }

  run<T>(fn: () => Promise<T>, grouped = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, grouped, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        this.drained = this.drain();
      }
    });
  }

  /** resolves when every transaction asked for so far has committed or failed */
  async idle(): Promise<void> {
    while (this.running) await this.drained;
  }

  private async drain(): Promise<void> {
    try {
      // let every request whose I/O completed meanwhile join the first batch (no timer: an idle hub adds no delay)
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const s = this.batch.stats;
        s.batches++;
        s.items += batch.length;
        s.largestBatch = Math.max(s.largestBatch, batch.length);
        await this.runBatch(batch);
      }
    } finally {
      this.running = false;
    }
  }

  private async runBatch(items: Item[]): Promise<void> {
    let client: PostgresPoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    const b = this.batch;
    b.attach(client);
    const outcomes: Outcome[] = [];
    let failure: { err: unknown } | undefined;
    try {
      await b.prepareWanted();
      b.deferRaw('BEGIN');
      if (items.length === 1) {
        // alone: no savepoint needed, a failure rolls the whole transaction back
        b.itemStarted();
        outcomes.push({ ok: true, value: await items[0]!.fn() });
      } else {
        for (const [i, item] of items.entries()) await this.runItem(item, i, outcomes);
        // the last one's tail alone, so that a failure of it leaves a write-back to compute again
        await b.confirmTail();
      }
      await b.commit();
    } catch (err) {
      failure = { err };
      b.dropPendingAfter(0);
      await client.query('ROLLBACK', []).catch(() => undefined);
    } finally {
      b.detach();
      client.release();
    }
    items.forEach((item, i) => {
      const o = outcomes[i];
      if (failure) item.reject(o && !o.ok ? o.err : failure.err);
      else if (o?.ok) item.resolve(o.value);
      else item.reject(o?.err);
    });
  }

  /**
   * One transaction of a batch in its savepoint: its failure rolls back only what it did. Its outcome is
   * set when it ends, and becomes its error if its tail (sent with the next one's first query) fails.
   */
  private async runItem(item: Item, index: number, outcomes: Outcome[]): Promise<void> {
    const b = this.batch;
    const name = `i${index}`;
    if (item.grouped) {
      // a transaction not grouped before it is confirmed alone (its failure is its own)
      await b.confirmTail();
      b.openGroup();
    } else {
      await b.closeGroup();
    }
    b.itemLost = undefined;
    const mark = b.pendingCount;
    const sends = b.sends;
    b.deferRaw(`SAVEPOINT ${name}`);
    b.itemSavepoint = name;
    b.itemStarted();
    b.itemBefore = b.snapshot();
    try {
      const value = await item.fn();
      if (b.itemLost) throw b.itemLost;
      b.deferRaw(`RELEASE ${name}`);
      outcomes[index] = { ok: true, value };
      if (item.grouped) {
        b.group!.members.push((err) => {
          outcomes[index] = { ok: false, err };
        });
        return;
      }
      // the rest of it travels with the next transaction's first answered statement
      b.tail = {
        name,
        end: b.pendingCount,
        before: b.itemBefore,
        settle: (err) => {
          if (err !== undefined) outcomes[index] = { ok: false, err };
        },
      };
    } catch (err) {
      outcomes[index] = { ok: false, err };
      b.restore(b.itemBefore);
      if (b.itemLost) {
        // rolled back with its group: nothing of it is left on the server
        b.dropPendingAfter(0);
      } else if (b.sends === sends) {
        // nothing of it reached the server, not even its SAVEPOINT: forget it (a tail before it waits on)
        b.dropPendingAfter(mark);
      } else {
        b.dropPendingAfter(0);
        // if this fails too, the batch fails (runBatch's catch)
        b.deferRaw(`ROLLBACK TO SAVEPOINT ${name}`);
        b.deferRaw(`RELEASE ${name}`);
        await b.flush();
      }
    } finally {
      b.itemSavepoint = undefined;
      b.itemLost = undefined;
    }
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };
