// PostgreSQL-only behaviour; every Store behaviour is in contract/ (run on both backends).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { recordAudit } from '../../audit/audit-trail.js';
import { HubError } from '../../core/contract.js';
import { migrations as sqliteMigrations } from '../sqlite/migrations/index.js';
import { migrations } from './migrations/index.js';
import { isConnectionError } from './pg-errors.js';
import { openPostgresStore } from './postgres-store.js';
import { createTestDatabase, postgresSkipReason, sqlOn } from './postgres-test-database.js';

const skip = postgresSkipReason();

test('the PostgreSQL migrations are the SQLite ones, version for version', () => {
  assert.deepEqual(
    migrations.map((m) => [m.version, m.name]),
    sqliteMigrations.map((m) => [m.version, m.name]),
  );
});

describe('PostgreSQL store', { skip }, () => {
  test('nodes starting together on an empty database migrate it once', async () => {
    const db = await createTestDatabase();
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openPostgresStore({ url: db.url, poolSize: 2 })),
      );
      const rows = await sqlOn(
        db.url,
        'SELECT version, count(*) AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => [Number(r['version']), Number(r['n'])]),
        migrations.map((m) => [m.version, 1]),
      );
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await db.drop();
    }
  });

  test('times, counters and sizes are bigint; text compares byte-wise; blob bytes are bytea', async () => {
    const db = await createTestDatabase();
    try {
      const store = await openPostgresStore({ url: db.url });
      await store.close();
      const cols = await sqlOn(
        db.url,
        `SELECT table_name || '.' || column_name AS col, data_type, collation_name FROM information_schema.columns
         WHERE table_schema = 'public'`,
      );
      const type = (col: string) => cols.find((c) => c['col'] === col)?.['data_type'];
      for (const col of [
        'documents.accepted_at',
        'documents.seq',
        'documents.size',
        'counters.value',
        'audit_log.id',
        'deliveries.fetched_at',
        'schema_migrations.applied_at',
      ]) {
        assert.equal(type(col), 'bigint', col);
      }
      assert.equal(type('inline_blobs.bytes'), 'bytea');
      const texts = cols.filter((c) => c['data_type'] === 'text' && c['col'] !== 'schema_migrations.name');
      assert.ok(texts.length > 50);
      assert.deepEqual(
        texts.filter((c) => c['collation_name'] !== 'C').map((c) => c['col']),
        [],
      );
    } finally {
      await db.drop();
    }
  });

  test('a database newer than the hub is refused', async () => {
    const db = await createTestDatabase();
    try {
      await (await openPostgresStore({ url: db.url })).close();
      await sqlOn(db.url, "INSERT INTO schema_migrations VALUES (999, 'from-the-future', 0)");
      await assert.rejects(openPostgresStore({ url: db.url }), /newer than this hub knows/);
    } finally {
      await db.drop();
    }
  });

  test('an unreachable server is HubError unavailable (503)', async () => {
    const err = await openPostgresStore({
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectionTimeoutMs: 2000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof HubError, `expected a HubError, got ${err}`);
    assert.equal(err.code, 'unavailable');
    assert.equal(err.status, 503);
  });

  test('a connection lost mid-transaction is HubError unavailable; the pool reconnects for the next one', async () => {
    const db = await createTestDatabase();
    const idleErrors: Error[] = [];
    const store = await openPostgresStore({ url: db.url, poolSize: 2, onIdleError: (e) => idleErrors.push(e) });
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    try {
      // hold the counters so that the store's append waits inside its transaction …
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE counters IN ACCESS EXCLUSIVE MODE');
      const append = recordAudit(store, { actor: 'admin', action: 'test' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      let waiting: Array<{ pid: number }> = [];
      while (waiting.length === 0) {
        waiting = (
          await blocker.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'lienthong' AND wait_event_type = 'Lock'",
            [db.name],
          )
        ).rows;
        if (waiting.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      // … and cut its connection there, as a server restart would
      await blocker.query('SELECT pg_terminate_backend($1)', [waiting[0]!.pid]);
      await blocker.query('ROLLBACK');
      const err = await append;
      assert.ok(err instanceof HubError, `expected a HubError, got ${err}`);
      assert.equal(err.code, 'unavailable');
      assert.ok(isConnectionError(err.cause), `the cause is the lost connection: ${err.cause}`);
      // the next transaction gets a fresh connection and nothing of the lost one was kept
      const entry = await recordAudit(store, { actor: 'admin', action: 'test' });
      assert.equal(entry.id, 1);
    } finally {
      await blocker.end();
      await store.close();
      await db.drop();
    }
  });

  test('committed document rows are kept by each node: a second read makes no round trip', async () => {
    const db = await createTestDatabase();
    const store = await openPostgresStore({ url: db.url });
    const other = await openPostgresStore({ url: db.url });
    try {
      const at = new Date('2026-11-21T03:00:00Z');
      const docId = 'kept-document-000000001';
      // unknown ids are not kept: the document may be committed in a moment
      assert.equal(await store.getDocument(docId), undefined);
      await other.insertDocument({
        docId,
        messageType: 'edoc',
        sender: 'S',
        submittedBy: 'S',
        documentId: 'S,2026/11/21,1/X',
        businessType: 0,
        blobKey: 'a'.repeat(64),
        xmlStart: 0,
        xmlEnd: 10,
        sha256: 'a'.repeat(64),
        size: 10,
        acceptedAt: at,
      });
      const first = await store.getDocument(docId);
      assert.equal(first?.docId, docId);
      const counter = store.statements!;
      const before = counter.total;
      const second = await store.getDocument(docId);
      assert.equal(counter.total, before);
      assert.deepEqual(second, first);
      // a copy: what a caller does to it stays with the caller
      second!.sender = 'changed';
      assert.equal((await store.getDocument(docId))?.sender, 'S');
    } finally {
      await store.close();
      await other.close();
      await db.drop();
    }
  });
});
