import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GENESIS_HASH } from '@lienthong/trust';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqliteStore } from '../sqlite/sqlite-store.js';
import type { Database } from './database.js';
import { SqlStoreOps } from './sql-store-ops.js';

const entry = (n: number) => ({
  at: new Date(),
  actor: 'test',
  action: 'a',
  outcome: 'ok' as const,
  payload: `{"n":${n}}`,
});

test('the audit chain links the same way through the portable two statements and the SQLite one', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-audit-link-'));
  const file = join(dir, 'hub.sqlite');
  const store = await openSqliteStore({ file });
  const a1 = await store.appendAudit(entry(1));
  assert.equal(a1.prevHash, GENESIS_HASH);
  const a2 = await store.appendAudit(entry(2));
  assert.equal(a2.prevHash, a1.hash);
  await store.close();

  // the portable SqlStoreOps (as the PostgreSQL backend runs it) on the same file
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  const ops = new SqlStoreOps(db);
  const a3 = await ops.appendAudit(entry(3));
  assert.deepEqual([a3.id, a3.prevHash], [a2.id + 1, a2.hash]);
  const a4 = await ops.appendAudit(entry(4));
  assert.deepEqual([a4.id, a4.prevHash], [a3.id + 1, a3.hash]);
  await db.destroy();

  const again = await openSqliteStore({ file });
  await again.transaction(async (tx) => {
    const a5 = await tx.appendAudit(entry(5));
    assert.deepEqual([a5.id, a5.prevHash], [a4.id + 1, a4.hash]);
  });
  await again.close();
  await rm(dir, { recursive: true, force: true });
});
