import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { limitAtLeast, ONE_ROW } from './literal-limits.js';

const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
const compiled = (limit: ReturnType<typeof limitAtLeast>) =>
  db.selectFrom('counters').select('value').limit(limit).compile();

test('limits are written into the SQL, from a few fixed sizes', () => {
  const one = compiled(ONE_ROW);
  assert.match(one.sql, /limit 1$/);
  assert.deepEqual(one.parameters, []);
  const sizes = [1, 2, 10, 11, 50, 99, 100, 1000, 1001, 5000].map((n) =>
    compiled(limitAtLeast(n)).sql.split(' ').at(-1),
  );
  assert.deepEqual(sizes, ['1', '10', '10', '20', '50', '100', '100', '1000', '1001', '5000']);
});

test('a limit that is not a positive integer is refused, never written into the SQL', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
    assert.throws(() => limitAtLeast(bad), RangeError);
  }
});
