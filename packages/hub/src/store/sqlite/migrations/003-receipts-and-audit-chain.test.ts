import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { entryHash, GENESIS_HASH } from '@lienthong/trust';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { recordAudit } from '../../../audit/audit-trail.js';
import { chainEntry } from '../../../audit/chain-entry.js';
import type { Database } from '../../sql/database.js';
import { runMigrations } from '../../sql/migrator.js';
import { openSqliteStore } from '../sqlite-store.js';
import { initialSchema } from './001-initial-schema.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('migration 003 chains the entries written before it, in id order, and keeps the log append-only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-m003-'));
  dirs.push(dir);
  const file = join(dir, 'hub.sqlite');
  // a version-1 database with three audit entries
  const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(file) }) });
  await runMigrations(old, [initialSchema]);
  const v1 = await openV1Ops(old);
  for (const action of ['agency-add', 'accept', 'fetch']) await recordAudit(v1, { actor: 'admin', action });
  await old.destroy();

  const store = await openSqliteStore({ file });
  const rows = await store.listAudit(0, 10);
  assert.deepEqual(
    rows.map((r) => r.id),
    [1, 2, 3],
  );
  let prev = GENESIS_HASH;
  for (const r of rows) {
    assert.equal(r.prevHash, prev);
    assert.equal(r.hash, entryHash(prev, chainEntry(r.id, r.payload)));
    prev = r.hash;
  }
  // later entries continue the chain
  const next = await recordAudit(store, { actor: 'admin', action: 'agency-disable', subject: 'X' });
  assert.equal(next.id, 4);
  assert.equal(next.prevHash, rows[2]!.hash);
  assert.deepEqual(await store.auditHead(), { id: 4, hash: next.hash });
  await store.close();

  const raw = new SQLite(file);
  assert.throws(() => raw.prepare("UPDATE audit_log SET hash = 'x'").run(), /append-only/);
  assert.throws(() => raw.prepare('DELETE FROM audit_log').run(), /append-only/);
  raw.prepare("INSERT INTO audit_checkpoints (seq, hash, at, jws) VALUES (1, 'h', 0, 'j')").run();
  assert.throws(() => raw.prepare('DELETE FROM audit_checkpoints').run(), /append-only/);
  assert.throws(() => raw.prepare("UPDATE audit_checkpoints SET hash = 'y'").run(), /append-only/);
  raw.close();
});

/** The version-1 audit append, as the hub wrote it before migration 003. */
async function openV1Ops(db: Kysely<Database>) {
  return {
    async appendAudit(e: Parameters<typeof recordAudit>[1] & { payload: string; outcome: string; at: Date }) {
      const { value: id } = await db
        .updateTable('counters')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', 'audit_id')
        .returning('value')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('audit_log')
        .values({
          id,
          at: e.at.getTime(),
          actor: e.actor,
          action: e.action,
          subject: e.subject ?? null,
          outcome: e.outcome,
          reason: null,
          request_id: null,
          payload: e.payload,
        } as never)
        .execute();
      return { ...e, id };
    },
  } as unknown as Parameters<typeof recordAudit>[0];
}
