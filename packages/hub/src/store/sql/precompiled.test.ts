import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from './database.js';
import { insertRows, precompiled } from './precompiled.js';

// a scratch table through the hub's Database type (rows are checked by value, not by type)
const open = async () => {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  await sql`create table counters (name text primary key, value integer not null default 7)`.execute(db);
  return db;
};

test('precompiled: compiled once per key, run with each call’s values, in and out of transactions', async () => {
  const db = await open();
  await insertRows(db, 'counters', [
    { name: 'a', value: 1 },
    { name: 'b', value: 2 },
  ]);
  await insertRows(db, 'counters', [{ name: 'c', value: 3 }]);
  const get = (d: Kysely<Database>, name: string) =>
    precompiled(d, 'test:get', [name], (slot) => d.selectFrom('counters').select('value').where('name', '=', slot(0)));
  assert.deepEqual((await get(db, 'a')).rows, [{ value: 1 }]);
  assert.deepEqual((await get(db, 'c')).rows, [{ value: 3 }]);
  await db.transaction().execute(async (trx) => {
    await precompiled(trx, 'test:bump', ['b', 10], (slot) =>
      trx
        .updateTable('counters')
        .set({ value: slot(1) })
        .where('name', '=', slot(0)),
    );
    assert.deepEqual((await get(trx, 'b')).rows, [{ value: 10 }]);
  });
  assert.deepEqual((await get(db, 'b')).rows, [{ value: 10 }]);
  // an undefined value leaves its column out (the default), as Kysely's builder does
  await insertRows(db, 'counters', [{ name: 'd', value: undefined }]);
  assert.deepEqual((await get(db, 'd')).rows, [{ value: 7 }]);
  await db.destroy();
});

test('insertRows: shapes that alternate on one table (columns, their order, the number of rows) each insert what they say', async () => {
  const db = await open();
  await insertRows(db, 'counters', [{ name: 'a', value: 1 }]);
  await insertRows(db, 'counters', [{ value: 2, name: 'b' }]);
  await insertRows(db, 'counters', [{ name: 'c' }]);
  await insertRows(db, 'counters', [
    { name: 'd', value: 4 },
    { name: 'e', value: 5 },
  ]);
  await insertRows(db, 'counters', [{ name: 'f', value: 6 }]);
  // a later row with a column more than the first: the builder's road, not the first row's shape
  await assert.rejects(insertRows(db, 'counters', [{ name: 'g' }, { name: 'h', value: 8, extra: 1 } as never]));
  const { rows } = await sql<{ name: string; value: number }>`select name, value from counters order by name`.execute(
    db,
  );
  assert.deepEqual(
    rows.map((r) => `${r.name}=${r.value}`),
    ['a=1', 'b=2', 'c=7', 'd=4', 'e=5', 'f=6'],
  );
  await db.destroy();
});
