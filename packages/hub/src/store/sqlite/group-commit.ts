// Group commit: transactions asked for while one is committing wait in a queue; the committer then
// runs every waiting one inside ONE database transaction, each in its own savepoint, and commits
// once, so a batch pays one WAL fsync instead of one per transaction. Each item is isolated: one that
// throws is rolled back to its savepoint and fails alone, the others commit. Every caller is answered
// only after the batch's COMMIT returned (durable: synchronous=FULL); if the COMMIT fails, every item
// of the batch fails. Items run one after the other in queue order, so each sees the writes of the
// items before it, exactly as if they had been committed one by one.

import { type Kysely, sql, type Transaction } from 'kysely';
import { openBatchMembers } from '../sql/batch-members.js';
import type { Database } from '../sql/database.js';

/**
 * How a batch is made durable. With `syncAfterCommit`, the batch commits without syncing on this
 * thread (`beforeBatch` lowers the connection's synchronous level, `afterBatch` restores it) and
 * `syncAfterCommit` makes the committed log durable off the event loop (fsync of the WAL file in the
 * thread pool); callers are answered only after it resolved. Meanwhile the event loop keeps parsing
 * and verifying the next requests, which is what lets the next batch fill up.
 */
export interface BatchDurability {
  beforeBatch?: (trx: Kysely<Database>) => Promise<void>;
  afterBatch?: (db: Kysely<Database>) => Promise<void>;
  syncAfterCommit?: () => Promise<void>;
  /**
   * Runs a statement at once on the connection the batch holds (savepoint, release, rollback to):
   * without it they go through Kysely's executor.
   */
  run?: (statement: 'savepoint item' | 'release item' | 'rollback to item') => void;
}

interface Item {
  fn: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitStats {
  batches: number;
  items: number;
  largestBatch: number;
}

export class GroupCommitter {
  private readonly queue: Item[] = [];
  private running = false;
  private drained: Promise<void> = Promise.resolve();
  readonly stats: GroupCommitStats = { batches: 0, items: 0, largestBatch: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly durability: BatchDurability = {},
    /** the most transactions one commit carries (bounds how long a batch holds the database) */
    private readonly maxBatch = 256,
  ) {}

  run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
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
      // better-sqlite3 runs on this thread: while a batch executes and commits, no I/O callback can
      // run, so no new transaction can be queued. Yielding to the event loop once before each batch
      // lets every request whose I/O completed meanwhile join it (no timer: an idle hub adds no delay).
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.stats.batches++;
        this.stats.items += batch.length;
        this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
        await this.runBatch(batch);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
    }
  }

  private async restore(): Promise<void> {
    await this.durability.afterBatch?.(this.db).catch(() => undefined);
  }

  private async runBatch(batch: Item[]): Promise<void> {
    let trx: Awaited<ReturnType<ReturnType<Kysely<Database>['startTransaction']>['execute']>>;
    try {
      await this.durability.beforeBatch?.(this.db);
      trx = await this.db.startTransaction().execute();
    } catch (err) {
      await this.restore();
      for (const item of batch) item.reject(err);
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = [];
    const members = openBatchMembers(trx);
    try {
      if (batch.length === 1) {
        // alone: no savepoint needed, a failure rolls the whole transaction back
        outcomes.push({ ok: true, value: await batch[0]!.fn(trx) });
      } else {
        const run = this.durability.run;
        const exec = async (statement: 'savepoint item' | 'release item' | 'rollback to item') => {
          if (run) run(statement);
          else await sql.raw(statement).execute(trx);
        };
        for (const item of batch) {
          await exec('savepoint item');
          for (const m of members.values()) m.itemStarted();
          try {
            const value = await item.fn(trx);
            await exec('release item');
            outcomes.push({ ok: true, value });
          } catch (err) {
            // if this fails too (SQLite rolled the whole transaction back), the batch fails below
            await exec('rollback to item');
            await exec('release item');
            for (const m of members.values()) m.itemRolledBack();
            outcomes.push({ ok: false, err });
          }
        }
      }
      for (const m of members.values()) await m.beforeCommit(trx);
      await trx.commit().execute();
      await this.restore();
      // durable before anyone is answered
      await this.durability.syncAfterCommit?.();
    } catch (err) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      await this.restore();
      // nothing of this batch is durable: every item fails (an item's own error when it had one)
      batch.forEach((item, i) => {
        const o = outcomes[i];
        item.reject(o && !o.ok ? o.err : err);
      });
      return;
    }
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.ok) item.resolve(o.value);
      else item.reject(o.err);
    });
  }
}
