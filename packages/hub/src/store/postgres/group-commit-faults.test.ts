// The group commit (store/sqlite/group-commit.ts) on PostgreSQL when the batch's connection dies, as in a
// server restart: every transaction of the batch fails with HubError 'unavailable' (HTTP 503) — those
// that had run, the one that met the loss, those not yet run — none is told OK, nothing of the batch is
// committed, and the next batch runs on a new connection.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { recordAudit } from '../../audit/audit-trail.js';
import { HubError } from '../../core/contract.js';
import type { Database } from '../sql/database.js';
import { openPostgresStore, type PostgresStore } from './postgres-store.js';
import type { BatchContext } from './postgres-store-ops.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';

const skip = postgresSkipReason();

/** Ends the backend serving `trx` from another connection, and waits until it is gone. */
async function cutConnection(admin: pg.Client, trx: Kysely<Database>): Promise<void> {
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
  const ended = await admin.query('SELECT pg_terminate_backend($1, 5000) AS ended', [rows[0]!.pid]);
  assert.equal(ended.rows[0].ended, true, 'the backend was terminated');
}

/** Queues `n` transactions in one tick (so they form one batch); each appends an audit entry. */
function batchOf(
  store: PostgresStore,
  n: number,
  during: (i: number, trx: Kysely<Database>) => Promise<void>,
): Promise<PromiseSettledResult<number>[]> {
  // Kysely over the running batch's connection (pg-batch.ts): what the item's statements run on
  const onBatch = (store as unknown as { batchContext: BatchContext }).batchContext.immediate;
  return Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      store.transaction(async (tx) => {
        const entry = await recordAudit(tx, { actor: `item-${i}`, action: 'test' });
        await during(i, onBatch);
        return entry.id;
      }),
    ),
  );
}

function assertAllUnavailable(outcomes: PromiseSettledResult<number>[]): void {
  outcomes.forEach((o, i) => {
    assert.equal(o.status, 'rejected', `item ${i} is not told OK`);
    const err = (o as PromiseRejectedResult).reason;
    assert.ok(err instanceof HubError, `item ${i}: a HubError, not ${err}`);
    assert.equal(err.code, 'unavailable', `item ${i}: ${err.message}`);
    assert.equal(err.status, 503);
  });
}

describe('group commit on PostgreSQL: a connection lost mid-batch', { skip }, () => {
  async function withStore(fn: (store: PostgresStore, admin: pg.Client, db: TestDatabase) => Promise<void>) {
    const db = await createTestDatabase();
    const store = await openPostgresStore({ url: db.url, poolSize: 2 });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await fn(store, admin, db);
    } finally {
      await admin.end();
      await store.close();
      await db.drop();
    }
  }

  test('in the middle of a batch: every item fails 503, the ones that had run included; nothing is committed', async () => {
    await withStore(async (store, admin, db) => {
      const before = store.groupCommit.stats.batches;
      const outcomes = await batchOf(store, 6, async (i, trx) => {
        if (i !== 3) return;
        await cutConnection(admin, trx);
        // the item goes on and meets the loss itself
        await sql`SELECT 1`.execute(trx);
      });
      assert.equal(store.groupCommit.stats.batches - before, 1, 'the six transactions ran as one batch');
      assertAllUnavailable(outcomes);
      assert.deepEqual(await sqlOn(db.url, 'SELECT actor FROM audit_log'), [], 'nothing of the batch was committed');

      // the next batch gets a new connection, and the counters were not moved by the lost one
      const next = await batchOf(store, 3, async () => undefined);
      assert.deepEqual(
        next.map((o) => (o.status === 'fulfilled' ? o.value : o.reason)),
        [1, 2, 3],
      );
    });
  });

  test('after the last item ran, before the commit: every item fails 503; nothing is committed', async () => {
    await withStore(async (store, admin, db) => {
      const outcomes = await batchOf(store, 4, async (i, trx) => {
        // the item itself succeeds: the batch fails at its savepoint's release or at the COMMIT
        if (i === 3) await cutConnection(admin, trx);
      });
      assertAllUnavailable(outcomes);
      assert.deepEqual(await sqlOn(db.url, 'SELECT actor FROM audit_log'), []);
    });
  });

  test('a batch of one, lost at its COMMIT: 503, nothing committed', async () => {
    await withStore(async (store, admin, db) => {
      const outcomes = await batchOf(store, 1, async (_i, trx) => cutConnection(admin, trx));
      assertAllUnavailable(outcomes);
      assert.deepEqual(await sqlOn(db.url, 'SELECT actor FROM audit_log'), []);
      const entry = await recordAudit(store, { actor: 'after', action: 'test' });
      assert.equal(entry.id, 1);
    });
  });
});
