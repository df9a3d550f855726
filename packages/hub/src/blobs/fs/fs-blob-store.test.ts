import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { FsBlobStore } from './fs-blob-store.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function store(): Promise<{ root: string; blobs: FsBlobStore }> {
  const root = await mkdtemp(join(tmpdir(), 'lt-blobs-'));
  dirs.push(root);
  const blobs = new FsBlobStore(root);
  await blobs.init();
  return { root, blobs };
}

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('a committed blob lives under its SHA-256, sharded ab/cd, and reads back whole or by range', async () => {
  const { root, blobs } = await store();
  const data = Buffer.from('xin chào, trục liên thông');
  const t = await blobs.createTemp();
  await t.write(data.subarray(0, 5));
  await t.write(data.subarray(5));
  const { sha256, size } = await t.finish();
  assert.equal(sha256, createHash('sha256').update(data).digest('hex'));
  assert.equal(size, data.length);
  const key = await t.commit();
  assert.equal(key, sha256);
  const st = await stat(join(root, 'blobs', key.slice(0, 2), key.slice(2, 4), key));
  assert.equal(st.size, data.length);
  assert.deepEqual(await readAll(await blobs.open(key)), data);
  assert.deepEqual(await readAll(await blobs.open(key, { start: 4, end: 9 })), data.subarray(4, 9));
  assert.deepEqual(await readAll(await blobs.open(key, { start: 3, end: 3 })), Buffer.alloc(0));
  assert.equal(await blobs.size(key), data.length);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('writeMany: chunks written together (one writev) land in order, hashed as if written one by one', async () => {
  const { root, blobs } = await store();
  const parts = [Buffer.from('một '), Buffer.alloc(0), Buffer.alloc(300_000, 0x61), Buffer.from(' hai')];
  const whole = Buffer.concat(parts);
  const t = await blobs.createTemp();
  await t.write(Buffer.from('<'));
  await t.writeMany!(parts);
  await t.writeMany!([Buffer.from('>'), Buffer.from('!')]);
  const expected = Buffer.concat([Buffer.from('<'), whole, Buffer.from('>!')]);
  const { sha256, size } = await t.finish();
  assert.equal(size, expected.length);
  assert.equal(sha256, createHash('sha256').update(expected).digest('hex'));
  const key = await t.commit();
  assert.deepEqual(await readAll(await blobs.open(key)), expected);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('writing an existing blob again is a no-op that leaves no temp file', async () => {
  const { root, blobs } = await store();
  const a = await blobs.createTemp();
  await a.write(Buffer.from('same'));
  const k1 = await a.commit();
  const b = await blobs.createTemp();
  await b.write(Buffer.from('same'));
  const k2 = await b.commit();
  assert.equal(k1, k2);
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});

test('an aborted temp blob disappears; leftovers of a crash are removed at init', async () => {
  const { root, blobs } = await store();
  const t = await blobs.createTemp();
  await t.write(Buffer.from('partial'));
  await t.abort();
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  await writeFile(join(root, 'tmp', 'crashed.part'), 'x');
  await new FsBlobStore(root).init();
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
  assert.equal(await blobs.has('0'.repeat(64)), false);
  assert.deepEqual(await blobs.health(), { ok: true });
});

test('listFiles streams every blob file in key order with its size and time; deleteFile honours the time guard', async () => {
  const { root, blobs } = await store();
  const keys: string[] = [];
  for (const text of ['một', 'hai', 'ba']) {
    const t = await blobs.createTemp();
    await t.write(Buffer.from(text));
    keys.push(await t.commit());
  }
  // not blobs: ignored
  await writeFile(join(root, 'blobs', 'README'), 'x');
  const listed = [];
  for await (const f of blobs.listFiles()) listed.push(f);
  assert.deepEqual(
    listed.map((f) => f.key),
    [...keys].sort(),
  );
  assert.ok(listed.every((f) => f.size > 0 && f.modifiedAt instanceof Date));

  const [a, b] = keys as [string, string];
  const past = new Date(Date.now() - 7200_000);
  await utimes(blobs.pathOf(a), past, past);
  const guard = new Date(Date.now() - 3600_000);
  assert.equal(await blobs.deleteFile(a, guard), Buffer.byteLength('một'));
  assert.equal(await blobs.has(a), false);
  assert.equal(await blobs.deleteFile(b, guard), undefined, 'modified after the guard: put back');
  assert.equal(await blobs.has(b), true);
  assert.equal(await blobs.deleteFile(a, guard), undefined, 'already gone');
  assert.deepEqual(await readdir(join(root, 'tmp')), []);
});
