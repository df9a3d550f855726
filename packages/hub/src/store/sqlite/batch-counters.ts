// Counters a group-commit batch hands out from memory. A batch is one transaction on the store's only
// writer connection: its first `UPDATE counters … RETURNING` takes SQLite's write lock, which the batch
// holds until its COMMIT, so no connection can move a counter meanwhile and the next values are the one
// read plus one, plus two… Each counter's last value is written back once, just before COMMIT. The audit
// chain's head likewise: after a batch's first append, the next entry links to the hash just computed.
// This saves the batch's later transactions three statements per accepted package and two per fetched
// and acknowledged one (docs/BENCHMARKS.md, session 5); PostgreSQL's batch does the same (pg-batch.ts).
//
// A transaction of the batch that fails is rolled back to its savepoint; its values go back to what they
// were when it started (a counter it was the first to read is read again by the next one, from the row
// the rollback restored). Whoever reads the `counters` table itself inside a batch must write these
// values back first (`writeBack`): the rows lag behind memory until then.

/** The counters a batch keeps in memory: moved by every accepted package, fetch and acknowledgement. */
export type BatchCounter = 'document_seq' | 'delivery_seq' | 'audit_id';

export const BATCH_COUNTERS: ReadonlySet<string> = new Set<BatchCounter>(['document_seq', 'delivery_seq', 'audit_id']);

export interface AuditHead {
  id: number;
  hash: string;
}

export interface CountersSnapshot {
  values: Map<BatchCounter, number>;
  dirty: Set<BatchCounter>;
  auditHead: AuditHead | undefined;
}

/** Runs one statement on the batch's connection. */
export type RunStatement = (sql: string, parameters: readonly unknown[]) => unknown;

export class BatchCounters {
  /** the last value handed out, per counter the batch has read */
  private values = new Map<BatchCounter, number>();
  /** counters whose row is behind `values` */
  private dirty = new Set<BatchCounter>();
  /** the newest audit entry of the batch: the next one links to it */
  auditHead: AuditHead | undefined;

  /** The next value: from memory once the batch has read the counter, else `read` (the UPDATE … RETURNING). */
  async next(name: BatchCounter, read: () => Promise<number>): Promise<number> {
    const held = this.values.get(name);
    if (held === undefined) {
      const value = await read();
      this.values.set(name, value);
      return value;
    }
    this.values.set(name, held + 1);
    this.dirty.add(name);
    return held + 1;
  }

  /**
   * The next audit id and the hash it links to, from memory once the batch has appended an entry;
   * else `read` (which moves the counter and reads the previous entry's hash in one statement).
   */
  async auditLink(read: () => Promise<{ id: number; prevHash: string }>): Promise<{ id: number; prevHash: string }> {
    const head = this.auditHead;
    if (head === undefined || this.values.get('audit_id') !== head.id) {
      const link = await read();
      this.values.set('audit_id', link.id);
      return link;
    }
    this.values.set('audit_id', head.id + 1);
    this.dirty.add('audit_id');
    return { id: head.id + 1, prevHash: head.hash };
  }

  appended(id: number, hash: string): void {
    this.auditHead = { id, hash };
  }

  /** Writes back the counters handed out from memory since the last write-back. */
  async writeBack(run: RunStatement): Promise<void> {
    for (const name of this.dirty) {
      await run('update "counters" set "value" = ? where "name" = ?', [this.values.get(name), name]);
    }
    this.dirty.clear();
  }

  snapshot(): CountersSnapshot {
    return { values: new Map(this.values), dirty: new Set(this.dirty), auditHead: this.auditHead };
  }

  restore(s: CountersSnapshot): void {
    this.values = new Map(s.values);
    this.dirty = new Set(s.dirty);
    this.auditHead = s.auditHead;
  }
}
