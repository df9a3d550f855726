// The timeline events of a SQLite group-commit batch, written together just before its COMMIT: a fetch
// and an acknowledgement each add one event, and one INSERT per event was 2 of 11 statements per
// delivered package. Nothing reads events inside a transaction (the timeline reads committed rows), and
// the rows of a transaction rolled back to its savepoint are dropped with it.

import type { Kysely } from 'kysely';
import { type BatchMember, batchMember } from './batch-members.js';
import type { Database, EventsTable } from './database.js';
import { insertRows } from './precompiled.js';

export type EventRow = Omit<EventsTable, 'id'>;

/** rows per INSERT, largest first: a few fixed sizes keep the statement shapes (and prepared statements) few */
const CHUNKS = [64, 16, 4, 1];

class DeferredEvents implements BatchMember {
  private readonly rows: EventRow[] = [];
  /** rows queued when the current transaction started (made during it: none) */
  private saved = 0;

  add(rows: readonly EventRow[]): void {
    for (const r of rows) this.rows.push(r);
  }

  itemStarted(): void {
    this.saved = this.rows.length;
  }

  itemRolledBack(): void {
    this.rows.length = this.saved;
  }

  async beforeCommit(trx: Kysely<Database>): Promise<void> {
    let i = 0;
    while (i < this.rows.length) {
      const n = CHUNKS.find((c) => c <= this.rows.length - i)!;
      await insertRows(trx, 'events', this.rows.slice(i, i + n));
      i += n;
    }
    this.rows.length = 0;
  }
}

/** Where events inserted on `db` go: the batch's queue when `db` is a SQLite group-commit batch's transaction. */
export function deferredEvents(db: Kysely<Database>): { add(rows: readonly EventRow[]): void } | undefined {
  return batchMember(db, 'events', () => new DeferredEvents());
}
