// S3BlobStore against a real S3-protocol server (s3rver in its own process, over HTTP on loopback).

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { HubError } from '../../core/contract.js';
import type { TempBlob } from '../blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';
import { filesUnder, type S3TestServer, startS3TestServer, testStoreOptions } from './s3-test-server.js';

const MiB = 1024 * 1024;

// a full collection before each memory sample, so that it counts the buffers still held, not garbage
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function writeAll(t: TempBlob, data: Buffer, chunk = 64 * 1024): Promise<void> {
  for (let off = 0; off < data.length; off += chunk) await t.write(data.subarray(off, off + chunk));
}

/** the object keys in the bucket */
async function keys(s3: S3TestServer, bucket: string): Promise<string[]> {
  const r = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (r.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** records the name and headers of every request the store's client sends */
function recordRequests(store: S3BlobStore): { name: string; headers: Record<string, string> }[] {
  const seen: { name: string; headers: Record<string, string> }[] = [];
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      seen.push({ name: context.commandName ?? '', headers: { ...req.headers } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return seen;
}

describe('S3BlobStore', () => {
  let s3: S3TestServer;
  let bucketNo = 0;
  const bucket = () => `lt-test-${++bucketNo}`;
  before(async () => {
    s3 = await startS3TestServer();
  });
  after(() => s3.stop());

  test('a small blob: PutObject under a temp key, copied to its SHA-256, read whole and by range', async () => {
    const b = bucket();
    const store = await s3.blobStore(b, { prefix: 'hub-a' });
    const sent = recordRequests(store);
    const data = Buffer.from('xin chào, trục liên thông — kho đối tượng');
    const t = await store.createTemp();
    await t.write(data.subarray(0, 5));
    await t.write(data.subarray(5));
    const { sha256, size } = await t.finish();
    assert.equal(sha256, sha(data));
    assert.equal(size, data.length);
    assert.deepEqual(await readAll(t.read({ start: 2, end: 9 })), data.subarray(2, 9), 'a finished temp reads back');
    assert.equal(await t.commit(), sha256);
    assert.equal(await t.commit(), sha256, 'commit twice is harmless');
    assert.deepEqual(await keys(s3, b), [`hub-a/blobs/${sha256}`], 'under the prefix; the temp object is gone');
    assert.deepEqual(await readAll(await store.open(sha256)), data);
    assert.deepEqual(await readAll(await store.open(sha256, { start: 4, end: 9 })), data.subarray(4, 9));
    assert.deepEqual(await readAll(await store.open(sha256, { start: 3, end: 3 })), Buffer.alloc(0));
    assert.equal(await store.size(sha256), data.length);
    assert.equal(await store.has(sha256), true);
    assert.equal(await store.has('0'.repeat(64)), false);
    assert.equal(await store.size('0'.repeat(64)), undefined);
    await assert.rejects(store.open('0'.repeat(64)));
    assert.deepEqual(await store.health(), { ok: true });
    // the SDK's default CRC32 trailers (aws-chunked uploads) are off: plain bodies that any server takes
    const put = sent.find((r) => r.name === 'PutObjectCommand');
    assert.ok(put, sent.map((r) => r.name).join());
    const checksumHeaders = Object.keys(put.headers).filter((h) => /checksum|trailer|content-encoding/i.test(h));
    assert.deepEqual(checksumHeaders, []);
    assert.notEqual(put.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  });

  test('a 64 MiB blob streams up in 5 MiB parts: memory stays bounded, bytes and ranges read back', async () => {
    const b = bucket();
    const store = await s3.blobStore(b);
    const sent = recordRequests(store);
    const total = 64 * MiB;
    const chunk = Buffer.alloc(MiB);
    const hash = createHash('sha256');
    // a sample of the bytes at a part boundary, to check a range across it
    const boundary = Buffer.alloc(2 * MiB);
    gc();
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const t = await store.createTemp();
    for (let off = 0; off < total; off += chunk.length) {
      // one buffer reused for every chunk: the store must copy what it keeps
      randomFillSync(chunk);
      hash.update(chunk);
      if (off === 4 * MiB || off === 5 * MiB) chunk.copy(boundary, off - 4 * MiB);
      await t.write(chunk);
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
    }
    const { sha256, size } = await t.finish();
    assert.equal(sha256, hash.digest('hex'));
    assert.equal(size, total);
    // the part being filled, the one in flight and the one before it (its request may still be held
    // by the HTTP client), and the chunk: at most about four parts, whatever the size of the blob
    assert.ok(
      peak <= 4 * 5 * MiB + 2 * MiB,
      `buffers held grew by ${Math.round(peak / MiB)} MiB for a ${total / MiB} MiB blob`,
    );
    const parts = sent.filter((r) => r.name === 'UploadPartCommand');
    assert.deepEqual(
      parts.map((p) => Number(p.headers['content-length']) / MiB),
      [...Array(12).fill(5), 4],
    );
    assert.ok(!sent.some((r) => r.name === 'PutObjectCommand'));
    assert.deepEqual(
      parts.flatMap((p) => Object.keys(p.headers).filter((h) => /checksum|trailer/i.test(h))),
      [],
    );
    await t.commit();
    assert.deepEqual(await keys(s3, b), [`blobs/${sha256}`]);
    assert.equal(await store.size(sha256), total);
    const back = createHash('sha256');
    let n = 0;
    for await (const c of await store.open(sha256)) {
      back.update(c as Buffer);
      n += (c as Buffer).length;
    }
    assert.equal(n, total);
    assert.equal(back.digest('hex'), sha256);
    const across = await readAll(await store.open(sha256, { start: 5 * MiB - 10, end: 5 * MiB + 10 }));
    assert.deepEqual(across, boundary.subarray(MiB - 10, MiB + 10));
    assert.deepEqual(await store.pendingUploads(), []);
  });

  test('identical content is stored once; a reuse rewrites the object only once it is older than refreshAfterMs', async () => {
    const b = bucket();
    const store = await s3.blobStore(b);
    const sent = recordRequests(store);
    const data = randomBytes(6 * MiB);
    const put = async (s: S3BlobStore) => {
      const t = await s.createTemp();
      await writeAll(t, data, 256 * 1024);
      return t.commit();
    };
    const k1 = await put(store);
    const k2 = await put(store);
    assert.equal(k1, sha(data));
    assert.equal(k2, k1);
    assert.deepEqual(await keys(s3, b), [`blobs/${k1}`]);
    assert.equal(sent.filter((r) => r.name === 'CopyObjectCommand').length, 1, 'the second commit found it fresh');
    // a store that refreshes on every reuse (as it does for blobs older than 5 minutes)
    const eager = await s3.blobStore(b, { refreshAfterMs: 0 });
    const sentEager = recordRequests(eager);
    assert.equal(await put(eager), k1);
    assert.equal(sentEager.filter((r) => r.name === 'CopyObjectCommand').length, 1);
    assert.deepEqual(await keys(s3, b), [`blobs/${k1}`]);
    assert.equal(await eager.size(k1), data.length);
  });

  test('abort: no object, no multipart upload left, whether it had parts, was finished or is empty', async () => {
    const b = bucket();
    const store = await s3.blobStore(b);
    const multipart = await store.createTemp();
    await writeAll(multipart, randomBytes(12 * MiB), MiB);
    assert.equal((await store.pendingUploads()).length, 1, 'the upload is in progress while it is written');
    await multipart.abort();
    await multipart.abort();
    await assert.rejects(multipart.write(Buffer.from('x')), /closed/);
    await assert.rejects(multipart.finish(), /aborted/);

    const finished = await store.createTemp();
    await finished.write(randomBytes(1000));
    await finished.finish();
    assert.equal((await keys(s3, b)).length, 1, 'the finished temp object');
    await finished.abort();

    const empty = await store.createTemp();
    await empty.abort();

    assert.deepEqual(await keys(s3, b), []);
    assert.deepEqual(await store.pendingUploads(), []);
    // and on the server's disk: no part of any upload
    assert.deepEqual(
      (await filesUnder(s3.dir)).filter((f) => f.startsWith(`${b}/`)),
      [],
    );
  });

  test('abort while a part is being started or uploaded: nothing left either', async () => {
    const b = bucket();
    const store = await s3.blobStore(b);
    for (const before of [0, 1, 2]) {
      const t = await store.createTemp();
      // parts already uploaded before the racing write
      for (let i = 0; i < before; i++) await t.write(randomBytes(5 * MiB));
      const writing = t.write(randomBytes(5 * MiB)).then(
        () => 'written',
        () => 'refused',
      );
      await t.abort();
      await writing;
      assert.deepEqual(await store.pendingUploads(), [], `after ${before} parts`);
    }
    assert.deepEqual(await keys(s3, b), []);
    assert.deepEqual(
      (await filesUnder(s3.dir)).filter((f) => f.startsWith(`${b}/`)),
      [],
    );
  });

  test('an empty blob', async () => {
    const store = await s3.blobStore(bucket());
    const t = await store.createTemp();
    const key = await t.commit();
    assert.equal(key, sha(Buffer.alloc(0)));
    assert.equal(await store.size(key), 0);
    assert.deepEqual(await readAll(await store.open(key)), Buffer.alloc(0));
  });

  test('copies part by part beyond maxSingleCopy (UploadPartCopy, as for blobs over 5 GiB)', async () => {
    const b = bucket();
    // a prefix that needs escaping in x-amz-copy-source
    const store = await s3.blobStore(b, { maxSingleCopy: 5 * MiB, copyPartSize: 5 * MiB, prefix: 'hub 1+2/' });
    const sent = recordRequests(store);
    const data = randomBytes(11 * MiB + 7);
    const t = await store.createTemp();
    await writeAll(t, data, MiB);
    const key = await t.commit();
    assert.equal(key, sha(data));
    const copies = sent.filter((r) => r.name === 'UploadPartCopyCommand');
    assert.deepEqual(
      copies.map((r) => r.headers['x-amz-copy-source-range']),
      ['bytes=0-5242879', 'bytes=5242880-10485759', 'bytes=10485760-11534342'],
    );
    assert.deepEqual(await readAll(await store.open(key)), data);
    assert.deepEqual(await keys(s3, b), [`hub 1+2/blobs/${key}`]);
    assert.deepEqual(await store.pendingUploads(), []);
  });
});

describe('S3BlobStore when the server fails', () => {
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3TestServer();
  });
  after(() => s3.stop());

  test('the server dies mid-upload: the error surfaces, no blob is committed, a later init removes the leftovers', async () => {
    const b = 'lt-failure';
    const store = await s3.blobStore(b, { clientConfig: { maxAttempts: 2 } });
    const data = randomBytes(16 * MiB);
    const t = await store.createTemp();
    await writeAll(t, data.subarray(0, 6 * MiB), MiB);
    await s3.kill();
    // a dead object store is a transient failure of the hub's infrastructure: 503 'unavailable', not a 500
    await assert.rejects(
      async () => {
        await writeAll(t, data.subarray(6 * MiB), MiB);
        await t.commit();
      },
      (err: unknown) =>
        err instanceof HubError && err.code === 'unavailable' && /object store is unavailable/.test(err.message),
    );
    await t.abort();
    await s3.restart();
    const left = await keys(s3, b);
    assert.deepEqual(
      left.filter((k) => k.startsWith('blobs/')),
      [],
      'nothing under a content key',
    );
    assert.equal(await store.has(sha(data)), false);
    // the abort could not reach the dead server: the upload it started is still there, until an init
    // (here one that takes every temp as stale) removes it
    const pending = await store.pendingUploads();
    assert.equal(pending.length, 1);
    await s3.blobStore(b, { staleTempMs: 0 });
    assert.deepEqual(await store.pendingUploads(), []);
    assert.deepEqual(await keys(s3, b), []);

    // and the store works again
    const again = await store.createTemp();
    await writeAll(again, data, MiB);
    assert.equal(await again.commit(), sha(data));
  });

  test('init names the bucket when it cannot reach it', async () => {
    await s3.createBucket('lt-exists');
    const missing = new S3BlobStore(testStoreOptions('lt-missing', s3.endpoint));
    await assert.rejects(missing.init(), /S3 bucket lt-missing: NotFound/);
    const health = await missing.health();
    assert.equal(health.ok, false);
    assert.match(health.detail ?? '', /lt-missing/);
  });

  test('an object store that accepts connections and never answers fails as unavailable after the idle timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const stuck = new S3BlobStore({
      ...testStoreOptions('lt-exists', `http://127.0.0.1:${port}`),
      idleTimeoutMs: 300,
      clientConfig: { maxAttempts: 1 },
    });
    try {
      await assert.rejects(
        stuck.has(sha(Buffer.from('never answered'))),
        (err: unknown) =>
          err instanceof HubError &&
          err.code === 'unavailable' &&
          /object store is unavailable: TimeoutError/.test(err.message),
      );
    } finally {
      stuck.client.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('S3BlobStore garbage collection primitives', () => {
  let s3: S3TestServer;
  before(async () => {
    s3 = await startS3TestServer();
  });
  after(() => s3.stop());

  test('listFiles streams the blobs in key order (several pages); deleteFile honours the time guards', async () => {
    const b = 'lt-gc';
    const store = await s3.blobStore(b, { refreshAfterMs: 0, prefix: 'p/', listPageSize: 10 });
    const made: string[] = [];
    for (let i = 0; i < 25; i++) {
      const t = await store.createTemp();
      await t.write(Buffer.from(`blob ${i}`));
      made.push(await t.commit());
    }
    // a temp in progress is not a blob
    const pending = await store.createTemp();
    await pending.write(Buffer.from('pending'));
    await pending.finish();
    const listed = [];
    for await (const f of store.listFiles()) listed.push(f);
    assert.deepEqual(
      listed.map((f) => f.key),
      [...made].sort(),
    );
    assert.ok(listed.every((f) => f.size === Buffer.byteLength(`blob ${made.indexOf(f.key)}`)));
    assert.ok(listed.every((f) => Math.abs(f.modifiedAt.getTime() - Date.now()) < 600_000));

    const [a, c] = made;
    assert.equal(await store.deleteFile(a!, new Date(Date.now() - 3600_000)), undefined, 'younger than the cutoff');
    assert.equal(await store.has(a!), true);
    assert.equal(await store.deleteFile(a!, new Date(Date.now() + 5000)), Buffer.byteLength('blob 0'));
    assert.equal(await store.has(a!), false);
    assert.equal(await store.deleteFile(a!, new Date(Date.now() + 5000)), undefined, 'already gone');

    // a store that does not refresh reused blobs younger than 5 minutes never deletes one that young
    const lazy = await s3.blobStore(b, { prefix: 'p/' });
    assert.equal(await lazy.deleteFile(c!, new Date(Date.now() + 5000)), undefined);
    assert.equal(await lazy.has(c!), true);
    await pending.abort();
  });
});
