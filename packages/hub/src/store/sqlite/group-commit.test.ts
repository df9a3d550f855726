import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../sql/database.js';
import { openSqliteStore } from './sqlite-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('concurrent transactions share commits; one that fails is rolled back alone; all answered after the commit', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-gc-'));
  dirs.push(dir);
  const store = await openSqliteStore({ file: join(dir, 'hub.sqlite') });
  const at = new Date();
  const before = store.groupCommit.stats.batches;
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      store.transaction(async (tx) => {
        await tx.insertInlineBlobs([{ key: `k${i}`, bytes: Buffer.from(`v${i}`) }], at);
        if (i === 7) throw new Error('item 7 fails');
        return i;
      }),
    ),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 19);
  const failed = results[7];
  assert.equal(failed?.status, 'rejected');
  assert.match(String((failed as PromiseRejectedResult).reason), /item 7 fails/);
  assert.equal(await store.getInlineBlob('k7'), undefined, 'the failed item left nothing');
  assert.deepEqual(Buffer.from((await store.getInlineBlob('k8'))!), Buffer.from('v8'));
  const batches = store.groupCommit.stats.batches - before;
  assert.ok(batches < 20, `${batches} commits for 20 transactions`);
  await store.close();

  // durable: a fresh connection sees every committed item
  const again = await openSqliteStore({ file: join(dir, 'hub.sqlite') });
  for (let i = 0; i < 20; i++) assert.equal((await again.getInlineBlob(`k${i}`)) !== undefined, i !== 7);
  await again.close();
});

/** the temporary files SQLite has open (it names them etilqs_…, and unlinks them at once) */
function sqliteTempFilesOpen(): string[] {
  const links: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      links.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed meanwhile
    }
  }
  return links.filter((l) => l.includes('etilqs_'));
}

test("a batch keeps its items' savepoint journals in memory, not in a temporary file", {
  skip: process.platform !== 'linux' && 'reads /proc/self/fd',
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-gc-'));
  dirs.push(dir);
  const store = await openSqliteStore({ file: join(dir, 'hub.sqlite') });
  const at = new Date();
  const key = () => randomBytes(16).toString('hex');
  // an index of some 250 pages, committed: an item that inserts keys all over it changes pages that
  // existed before its savepoint (those are the ones journaled), far more than the 64 KiB SQLite
  // keeps in memory before it spills
  for (let chunk = 0; chunk < 40; chunk++) {
    await store.transaction((tx) =>
      tx.insertInlineBlobs(
        Array.from({ length: 500 }, () => ({ key: key(), bytes: Buffer.from([1]) })),
        at,
      ),
    );
  }
  const seen: string[] = [];
  await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      store.transaction(async (tx) => {
        await tx.insertInlineBlobs(
          Array.from({ length: 200 }, (_, j) => ({ key: j === 0 ? `item-${i}` : key(), bytes: Buffer.from([2]) })),
          at,
        );
        seen.push(...sqliteTempFilesOpen());
      }),
    ),
  );
  assert.ok(store.groupCommit.stats.largestBatch > 1, 'the items shared a batch (savepoints)');
  assert.deepEqual(seen, []);
  assert.deepEqual(Buffer.from((await store.getInlineBlob('item-5'))!), Buffer.from([2]));
  // outside a batch large sorts still spill to disk rather than into memory
  const { default: SQLite } = await import('better-sqlite3');
  const probe = new SQLite(':memory:');
  const defaultTempStore = probe.pragma('temp_store', { simple: true });
  probe.close();
  const db = (store as unknown as { db: Kysely<Database> }).db;
  const { rows } = await sql<{ temp_store: number }>`pragma temp_store`.execute(db);
  assert.equal(rows[0]?.temp_store, defaultTempStore);
  await store.close();
});
