// Kysely's SQLite driver prepares every statement anew on each query; preparing costs more than
// running most of the hub's small indexed queries. This keeps prepared statements by SQL text (the
// hub's queries are a bounded set of shapes: values are always bound parameters).

import { performance } from 'node:perf_hooks';
import type SQLite from 'better-sqlite3';
import type { QueryResult, SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 512;

/**
 * How many statements ran through Kysely (its driver prepares once per execution). The total is
 * always counted; by SQL text (and with `timed`, the time in SQLite) only once `bySql` is switched
 * on, for benchmarks and tests.
 */
export class StatementCounter {
  total = 0;
  /** counts by SQL text, when switched on */
  bySql: Map<string, number> | undefined;
  /** milliseconds spent in SQLite by SQL text, when switched on */
  msBySql: Map<string, number> | undefined;

  /** counts (and with `timed`, times) each SQL text from now on */
  detail(timed = false): this {
    this.bySql = new Map();
    if (timed) this.msBySql = new Map();
    return this;
  }

  reset(): void {
    this.total = 0;
    this.bySql?.clear();
    this.msBySql?.clear();
  }
}

export interface CachingDatabase extends SqliteDatabase {
  /**
   * Runs `sql` at once with the cached statement and returns what Kysely's SQLite driver would
   * (rows, or the changes and the last rowid): for a caller that holds the connection (a transaction).
   */
  run(sql: string, parameters: readonly unknown[]): QueryResult<unknown>;
}

export function cachingDatabase(db: SQLite.Database, counter?: StatementCounter): CachingDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    run(sql: string, parameters: readonly unknown[]): QueryResult<unknown> {
      const stmt = this.prepare(sql) as unknown as SQLite.Statement;
      if (stmt.reader) return { rows: stmt.all(parameters as unknown[]) };
      const { changes, lastInsertRowid } = stmt.run(parameters as unknown[]);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    },
    prepare(sql: string): SqliteStatement {
      if (counter) {
        counter.total++;
        if (counter.bySql) counter.bySql.set(sql, (counter.bySql.get(sql) ?? 0) + 1);
      }
      let stmt = cache.get(sql);
      // a statement still iterating (a streamed query) cannot run again until it is done
      if (!stmt || stmt.busy) {
        const fresh = db.prepare(sql);
        if (!stmt) {
          if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
          cache.set(sql, fresh);
        }
        stmt = fresh;
      }
      const times = counter?.msBySql;
      return (times ? timed(stmt, sql, times) : stmt) as unknown as SqliteStatement;
    },
  };
}

function timed(stmt: SQLite.Statement, sql: string, times: Map<string, number>): unknown {
  const time = <T>(f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      times.set(sql, (times.get(sql) ?? 0) + performance.now() - t0);
    }
  };
  return {
    reader: stmt.reader,
    all: (params: unknown[]) => time(() => stmt.all(params)),
    run: (params: unknown[]) => time(() => stmt.run(params)),
    get: (params: unknown[]) => time(() => stmt.get(params)),
    iterate: (params: unknown[]) => stmt.iterate(params),
  };
}
