// Kysely's SQLite driver prepares every statement anew on each query; preparing costs more than
// running most of the hub's small indexed queries. This keeps prepared statements by SQL text (the
// hub's queries are a bounded set of shapes: values are always bound parameters).

import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 512;

export function cachingDatabase(db: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
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
