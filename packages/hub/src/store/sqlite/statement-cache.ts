// Kysely's SQLite driver prepares every statement anew on each query; preparing costs more than
// running most of the hub's small indexed queries. This keeps prepared statements by SQL text (the
// hub's queries are a bounded set of shapes: values are always bound parameters).

import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 512;

/**
 * How many statements ran through Kysely, by SQL text (Kysely's driver prepares once per execution).
 * Costs one Map update per statement; read by the benchmarks and by tests that count statements.
 */
export class StatementCounter {
  readonly bySql = new Map<string, number>();
  total = 0;

  count(sql: string): void {
    this.total++;
    this.bySql.set(sql, (this.bySql.get(sql) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.bySql.clear();
  }
}

export function cachingDatabase(db: SQLite.Database, counter?: StatementCounter): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      counter?.count(sql);
      const hit = cache.get(sql);
      // a statement still iterating (a streamed query) cannot run again until it is done
      if (hit && !hit.busy) return hit as unknown as SqliteStatement;
      const stmt = db.prepare(sql);
      if (!hit) {
        if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(sql, stmt);
      }
      return stmt as unknown as SqliteStatement;
    },
  };
}
