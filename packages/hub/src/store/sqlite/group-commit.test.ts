import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
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
