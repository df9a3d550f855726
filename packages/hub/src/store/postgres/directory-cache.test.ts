// The agencies a node caches outside transactions (directory-cache.ts) on two stores over one database:
// a write on one node, by hand in SQL, or on the node itself is seen by the next read, and a lost
// listening connection makes the cache answer nothing until it is open again.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AgencyRecord } from '../store.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';

const CODE = '000.00.00.K11';

/** waits (no deadline of its own: the test runner's applies) until `ok` holds */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('agencies cached outside transactions, across nodes', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  let a: PostgresStore;
  let b: PostgresStore;

  before(async () => {
    db = await createTestDatabase();
    a = await openPostgresStore({ url: db.url, poolSize: 2 });
    b = await openPostgresStore({ url: db.url, poolSize: 2 });
    await a.insertAgency(
      { code: CODE, name: 'Sở thử', level: 2, enabled: true, isTenant: false, demo: false },
      new Date(),
    );
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  /**
   * Reads the agency on `a` until a read is answered from the cache. A notification of an earlier write
   * (this test's set-up, or the test before) may still arrive and empty the cache once in between.
   */
  async function cachedOnA(): Promise<AgencyRecord> {
    const cache = a.sharedDirectory!;
    await until(() => cache.usable);
    for (let attempt = 0; attempt < 20; attempt++) {
      await a.getAgency(CODE);
      const hits = cache.stats.hits;
      const agency = await a.getAgency(CODE);
      if (cache.stats.hits === hits + 1) return agency!;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail('no read of the agency was answered from the cache');
  }

  test("another node's write reaches the cache by its notification", async () => {
    assert.equal((await cachedOnA()).enabled, true);
    const seen = a.sharedDirectory!.stats.invalidations;
    await b.updateAgency(CODE, { enabled: false }, new Date());
    await until(() => a.sharedDirectory!.stats.invalidations > seen);
    assert.equal((await a.getAgency(CODE))?.enabled, false);
    assert.deepEqual(
      (await a.getAgencies([CODE])).map((x) => x.enabled),
      [false],
    );
  });

  test('a write by hand in SQL too (the trigger on agencies)', async () => {
    await cachedOnA();
    const seen = a.sharedDirectory!.stats.invalidations;
    await sqlOn(db.url, `UPDATE agencies SET name = 'Sở đổi tên' WHERE code = '${CODE}'`);
    await until(() => a.sharedDirectory!.stats.invalidations > seen);
    assert.equal((await a.getAgency(CODE))?.name, 'Sở đổi tên');
  });

  test("the node's own write is seen at once, before its notification", async () => {
    await cachedOnA();
    await a.updateAgency(CODE, { name: 'Sở của nút A' }, new Date());
    assert.equal((await a.getAgency(CODE))?.name, 'Sở của nút A');
    await a.transaction((tx) => tx.updateAgency(CODE, { enabled: true }, new Date()));
    assert.equal((await a.getAgency(CODE))?.enabled, true);
  });

  test('a lost listening connection: nothing from the cache until it listens again, then a fresh read', async () => {
    await cachedOnA();
    const cache = a.sharedDirectory!;
    await sqlOn(
      db.url,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'lienthong-directory' AND datname = current_database()`,
    );
    await until(() => !cache.usable);
    await b.updateAgency(CODE, { name: 'Sở sau khi mất kết nối' }, new Date());
    assert.equal((await a.getAgency(CODE))?.name, 'Sở sau khi mất kết nối');
    await until(() => cache.usable);
    assert.equal((await a.getAgency(CODE))?.name, 'Sở sau khi mất kết nối');
  });
});
