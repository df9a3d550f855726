import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { QueuedSqliteDialect } from './queued-sqlite-dialect.js';

interface Db {
  t: { n: number };
}

function open(): { db: Kysely<Db>; sqlite: SQLite.Database } {
  const sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (n integer not null)');
  return { db: new Kysely<Db>({ dialect: new QueuedSqliteDialect({ database: sqlite }) }), sqlite };
}

test('queries waiting for the connection get it in the order they asked, and none sees an open transaction', async () => {
  const { db } = open();
  const order: string[] = [];
  let letGo!: () => void;
  const holding = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  const tx = db.transaction().execute(async (trx) => {
    await trx.insertInto('t').values({ n: 1 }).execute();
    order.push('transaction wrote');
    await holding;
    await trx.insertInto('t').values({ n: 2 }).execute();
    order.push('transaction done');
  });
  await new Promise((r) => setImmediate(r));
  const reads = Array.from({ length: 20 }, (_, i) =>
    db
      .selectFrom('t')
      .select((eb) => eb.fn.countAll<number>().as('c'))
      .executeTakeFirstOrThrow()
      .then((row) => {
        order.push(`read ${i}: ${row.c}`);
      }),
  );
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(order, ['transaction wrote'], 'the reads wait while the transaction holds the connection');
  letGo();
  await Promise.all([tx, ...reads]);
  assert.deepEqual(order, [
    'transaction wrote',
    'transaction done',
    ...Array.from({ length: 20 }, (_, i) => `read ${i}: 2`),
  ]);
  await db.destroy();
});

test('a failing query or transaction hands the connection on; a free connection is taken at once', async () => {
  const { db } = open();
  const failing = db.transaction().execute(async (trx) => {
    await trx.insertInto('t').values({ n: 1 }).execute();
    throw new Error('refused');
  });
  const bad = sql`select * from missing_table`.execute(db);
  const good = db.selectFrom('t').selectAll().execute();
  await assert.rejects(failing, /refused/);
  await assert.rejects(bad, /no such table/);
  assert.deepEqual(await good, [], 'the transaction was rolled back');
  await db.insertInto('t').values({ n: 3 }).execute();
  assert.deepEqual(await db.selectFrom('t').select('n').execute(), [{ n: 3 }]);
  await db.destroy();
});

test("what a query costs does not grow with the number waiting (Kysely's own lock wakes every waiter at each release)", async () => {
  const { db } = open();
  await db.selectFrom('t').selectAll().execute();
  const promisesPerQuery = async (concurrent: number) => {
    let promises = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') promises++;
      },
    }).enable();
    await Promise.all(Array.from({ length: concurrent }, () => db.selectFrom('t').selectAll().execute()));
    hook.disable();
    return promises / concurrent;
  };
  const few = await promisesPerQuery(4);
  const many = await promisesPerQuery(64);
  assert.ok(many <= few * 1.1, `${many.toFixed(1)} promises per query with 64 waiting, ${few.toFixed(1)} with 4`);
  await db.destroy();
});

test('runIfIdle runs at once only while no query or transaction holds the connection', async () => {
  const sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (n integer not null)');
  const dialect = new QueuedSqliteDialect({ database: sqlite });
  const db = new Kysely<Db>({ dialect });
  await db.selectFrom('t').selectAll().execute();
  const count = () => sqlite.prepare('select count(*) as c from t').get() as { c: number };
  assert.deepEqual(dialect.runIfIdle(count), { c: 0 });
  let letGo!: () => void;
  const holding = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let seenInside: unknown = 'not asked';
  const tx = db.transaction().execute(async (trx) => {
    await trx.insertInto('t').values({ n: 1 }).execute();
    seenInside = dialect.runIfIdle(count);
    await holding;
  });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(seenInside, undefined, 'not run inside the transaction');
  assert.equal(dialect.runIfIdle(count), undefined, 'not run while the transaction is open (it would see its rows)');
  letGo();
  await tx;
  assert.deepEqual(dialect.runIfIdle(count), { c: 1 });
  await db.destroy();
});
