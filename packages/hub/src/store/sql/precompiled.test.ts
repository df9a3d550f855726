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
