import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { FsBlobStore } from './fs/fs-blob-store.js';
import { TieredBlobStore } from './tiered-blob-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tiers(opts: { inlineThreshold?: number; memoryBudget?: number; readCacheBytes?: number } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'lt-tiers-'));
  dirs.push(root);
  const files = new FsBlobStore(root);
  const inline = new Map<string, Uint8Array>();
  const reads: string[] = [];
  const blobs = new TieredBlobStore(
    files,
    {
      getInlineBlob: async (k) => {
        reads.push(k);
        return inline.get(k);
      },
      inlineBlobSize: async (k) => inline.get(k)?.byteLength,
    },
    opts,
  );
  await blobs.init();
  return { root, blobs, inline, reads };
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a small inline temp stays in memory, is handed to the caller on commit and read back by key', async () => {
  const { root, blobs, inline } = await tiers({ inlineThreshold: 100 });
  const data = Buffer.from('nhỏ gọn, trong bộ nhớ');
  const t = await blobs.createTemp({ inline: true });
  await t.write(data.subarray(0, 4));
  await t.write(data.subarray(4));
  assert.deepEqual(await t.finish(), { sha256: sha(data), size: data.length });
  assert.deepEqual(await readAll(t.read({ start: 2, end: 6 })), data.subarray(2, 6));
  const key = await t.commit();
  assert.equal(key, sha(data));
  const bytes = t.inlineBytes?.();
  assert.ok(bytes);
  assert.equal(blobs.inMemory, 0, 'the budget is returned at commit');
  assert.deepEqual(await readdir(join(root, 'tmp')), [], 'no file was written');
  assert.equal(await blobs.has(key), false, 'not stored until the caller stores it');
  inline.set(key, bytes);
  assert.equal(await blobs.size(key), data.length);
  assert.deepEqual(await readAll(await blobs.open(key)), data);
  assert.deepEqual(await readAll(await blobs.open(key, { start: 3, end: 9 })), data.subarray(3, 9));
});

test('past the threshold a temp spills to a file and commits as one; without inline it is a file', async () => {
  const { blobs } = await tiers({ inlineThreshold: 8 });
  const data = Buffer.from('more than eight bytes');
  const t = await blobs.createTemp({ inline: true });
  await t.write(data.subarray(0, 5));
  await t.write(data.subarray(5));
  assert.equal(blobs.inMemory, 0);
  const key = await t.commit();
  assert.equal(key, sha(data));
  assert.equal(t.inlineBytes?.(), undefined);
  assert.deepEqual(await readAll(await blobs.open(key)), data);

  const f = await blobs.createTemp();
  await f.write(Buffer.from('tiny'));
  await f.commit();
  assert.equal(f.inlineBytes?.(), undefined);
  assert.equal(await blobs.size(sha(Buffer.from('tiny'))), 4);
});

test('the hub-wide memory budget sends further temps to files; aborting returns the budget', async () => {
  const { blobs } = await tiers({ inlineThreshold: 100, memoryBudget: 10 });
  const a = await blobs.createTemp({ inline: true });
  await a.write(Buffer.from('12345678'));
  assert.equal(blobs.inMemory, 8);
  const b = await blobs.createTemp({ inline: true });
  await b.write(Buffer.from('abcdef'));
  assert.equal(blobs.inMemory, 8, 'b went to a file');
  await b.commit();
  assert.equal(b.inlineBytes?.(), undefined);
  await a.abort();
  assert.equal(blobs.inMemory, 0);
});

test('inline blobs read lately are kept (bounded by bytes); concurrent reads of one key share one database read', async () => {
  const { blobs, inline, reads } = await tiers({ readCacheBytes: 16 * 100 });
  const put = (text: string) => {
    const b = Buffer.from(text.padEnd(100, '.'));
    inline.set(sha(b), b);
    return { key: sha(b), bytes: b };
  };
  const a = put('goi A');
  const opened = await Promise.all(Array.from({ length: 10 }, () => blobs.open(a.key, { start: 1, end: 7 })));
  for (const r of opened) assert.deepEqual(await readAll(r), a.bytes.subarray(1, 7));
  assert.equal(reads.length, 1, 'ten fetches at once: one read');
  assert.deepEqual(await readAll(await blobs.open(a.key)), a.bytes);
  assert.equal(reads.length, 1, 'kept after the read');
  // 16 × 100 bytes fit: the 17th drops the least recently used (A was used last before B…)
  const others = Array.from({ length: 16 }, (_, i) => put(`goi ${i}`));
  for (const o of others) assert.deepEqual(await readAll(await blobs.open(o.key)), o.bytes);
  assert.equal(reads.length, 17);
  await readAll(await blobs.open(a.key));
  assert.equal(reads.length, 18, 'A was dropped to keep the bound');
  await readAll(await blobs.open(others[15]!.key));
  assert.equal(reads.length, 18, 'the most recent ones are still there');
  assert.equal(await blobs.open('0'.repeat(64)).catch(() => 'missing'), 'missing');
});

test('inline blobs remembered by intake are read without the database, within the same bound', async () => {
  const { blobs, inline, reads } = await tiers({ readCacheBytes: 16 * 100 });
  const made = Array.from({ length: 17 }, (_, i) => {
    const b = Buffer.from(`goi ${i}`.padEnd(100, '.'));
    inline.set(sha(b), b);
    return { key: sha(b), bytes: b };
  });
  blobs.remember(made.slice(0, 16));
  for (const m of made.slice(0, 16)) assert.deepEqual(await readAll(await blobs.open(m.key)), m.bytes);
  assert.equal(reads.length, 0);
  blobs.remember([made[16]!]);
  await readAll(await blobs.open(made[0]!.key));
  assert.equal(reads.length, 1, 'the least recently used went to keep the bound');
  const none = await tiers({ readCacheBytes: 0 });
  none.inline.set(made[0]!.key, made[0]!.bytes);
  none.blobs.remember([made[0]!]);
  await readAll(await none.blobs.open(made[0]!.key));
  assert.equal(none.reads.length, 1, 'no read cache: nothing kept');
});
