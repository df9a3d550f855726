// The sequence counters of a group-commit batch, handed out from memory. A batch is one transaction on
// the store's only writer connection: its first `UPDATE counters … RETURNING` takes SQLite's write lock,
// which the batch holds until its COMMIT, so no connection can move a counter meanwhile and the next values
// are the one read plus one, plus two… Each counter's last value is written back once, just before COMMIT:
// two statements fewer per accepted package (docs/BENCHMARKS.md, session 5). The audit chain's counter and
// head are kept the same way by store/sql/audit-chain-queries.ts; PostgreSQL's batch does both itself
// (store/postgres/pg-batch.ts).
//
// A transaction of the batch that is rolled back to its savepoint gives its values back: they are what they
// were when it started (a counter it was the first to read is read again by the next one, from the row the
// rollback restored). Whoever reads the `counters` table itself inside a batch must write the values back
// first (`writeBack`): the rows lag behind memory until then.

import type { Kysely } from 'kysely';
import type { BatchMember } from '../sql/batch-members.js';
import type { Database } from '../sql/database.js';
import { precompiled } from '../sql/precompiled.js';

/** The counters a batch keeps in memory: moved by every accepted package and delivery. */
export type BatchCounter = 'document_seq' | 'delivery_seq';

export const BATCH_COUNTERS: ReadonlySet<string> = new Set<BatchCounter>(['document_seq', 'delivery_seq']);

/** the name of this member in a batch (batch-members.ts) */
export const BATCH_COUNTERS_MEMBER = 'counters';

interface State {
  /** the last value handed out, per counter the batch has read */
  values: Map<BatchCounter, number>;
  /** counters whose row is behind `values` */
  dirty: Set<BatchCounter>;
}

export class BatchCounters implements BatchMember {
  private state: State = { values: new Map(), dirty: new Set() };
  /** as it was when the running transaction started (made during it: nothing read) */
  private saved: State = { values: new Map(), dirty: new Set() };

  /** The next value: from memory once the batch has read the counter, else `read` (the UPDATE … RETURNING). */
  async next(name: BatchCounter, read: () => Promise<number>): Promise<number> {
    const held = this.state.values.get(name);
    if (held === undefined) {
      const value = await read();
      this.state.values.set(name, value);
      return value;
    }
    this.state.values.set(name, held + 1);
    this.state.dirty.add(name);
    return held + 1;
  }

  /** Writes back the counters handed out from memory since the last write-back. */
  async writeBack(trx: Kysely<Database>): Promise<void> {
    for (const name of this.state.dirty) {
      await precompiled(trx, 'setCounter', [this.state.values.get(name), name], (slot) =>
        trx
          .updateTable('counters')
          .set({ value: slot(0) })
          .where('name', '=', slot(1)),
      );
    }
    this.state.dirty.clear();
  }

  itemStarted(): void {
    this.saved = copy(this.state);
  }

  itemRolledBack(): void {
    // the savepoint restored the rows as they were then: so are the values
    this.state = copy(this.saved);
  }

  beforeCommit(trx: Kysely<Database>): Promise<void> {
    return this.writeBack(trx);
  }
}

function copy(s: State): State {
  return { values: new Map(s.values), dirty: new Set(s.dirty) };
}
