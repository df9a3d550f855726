import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { tempSqlite } from '../../test-support/temp-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';
import { BACKSTOP_CHECKPOINT_PAGES, WalCheckpointer } from './wal-checkpointer.js';

const { file: tempFile } = tempSqlite('lt-checkpoint-');

async function eventually(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const at = new Date('2026-11-21T03:00:00Z');
const entry = (i: number) => ({ at, actor: 'test', action: 'accept', outcome: 'ok' as const, payload: `{"i":${i}}` });

test('the WAL is checkpointed by the worker, the writer keeps only a backstop threshold', async () => {
  const file = await tempFile();
  const store = await openSqliteStore({ file });
  // the worker starts with the first group-commit batch
  await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendAudit(entry(i))));
  const checkpointer = store.checkpointer!;
  await eventually('a checkpoint by the worker', () => checkpointer.stats.framesCopied > 0);
  assert.equal(checkpointer.stats.failure, undefined);
  assert.ok(checkpointer.stats.checkpoints >= 1);

  // the pages are in the database file itself: a reader that ignores the WAL sees them
  const dbBytes = statSync(file).size;
  assert.ok(dbBytes > 4096 * 4, `database file holds the checkpointed pages (${dbBytes} bytes)`);

  // later commits are checkpointed too
  const before = checkpointer.stats.framesCopied;
  for (let i = 0; i < 20; i++) await store.appendAudit(entry(1000 + i));
  await eventually('a later checkpoint', () => checkpointer.stats.framesCopied > before);
  await store.close();

  // the writer closed last: SQLite checkpointed everything and removed the WAL; nothing is lost
  assert.equal(existsSync(`${file}-wal`), false);
  const raw = new SQLite(file, { readonly: true });
  assert.equal((raw.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 220);
  raw.close();
});

test("the writer's threshold: the backstop while the worker runs, SQLite's default when it fails", async () => {
  const file = await tempFile();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x)');
  const thresholds: number[] = [];
  const setAutocheckpoint = (pages: number) => {
    thresholds.push(pages);
    db.pragma(`wal_autocheckpoint = ${pages}`);
  };

  const working = new WalCheckpointer(file, setAutocheckpoint, 10);
  working.start();
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_CHECKPOINT_PAGES);
  db.prepare('INSERT INTO t VALUES (1)').run();
  await eventually('a checkpoint', () => working.stats.checkpoints > 0);
  await working.close();
  assert.equal(working.stats.failure, undefined);

  // a worker that cannot open the database: the writer checkpoints by itself again, nothing throws
  const failing = new WalCheckpointer(join(file, 'not-a-directory', 'x.sqlite'), setAutocheckpoint, 10);
  failing.start();
  await eventually('the failure to be reported', () => failing.stats.failure !== undefined);
  assert.match(failing.stats.failure!, /cannot open/);
  assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
  assert.deepEqual(thresholds, [BACKSTOP_CHECKPOINT_PAGES, BACKSTOP_CHECKPOINT_PAGES, 1000]);
  // once failed it is not started again
  failing.start();
  assert.equal(thresholds.length, 3);
  await failing.close();
  db.close();
});
