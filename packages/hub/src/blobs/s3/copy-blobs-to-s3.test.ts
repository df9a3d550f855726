// copyBlobs from the file store into a real S3-protocol server: every blob re-hashed on the way, a
// corrupt file reported and not stored, a second run copies nothing.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { copyBlobs } from '../copy-blobs.js';
import { FsBlobStore } from '../fs/fs-blob-store.js';
import { type S3TestServer, startS3TestServer } from './s3-test-server.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let s3: S3TestServer;
let root: string;
before(async () => {
  s3 = await startS3TestServer();
  root = await mkdtemp(join(tmpdir(), 'lt-copy-blobs-'));
});
after(async () => {
  await s3.stop();
  await rm(root, { recursive: true, force: true });
});

test('copyBlobs: files into the bucket, verified by hash; idempotent', async () => {
  const files = new FsBlobStore(root);
  await files.init();
  const blobs = [randomBytes(100), randomBytes(7 * 1024 * 1024), Buffer.alloc(0)];
  for (const b of blobs) {
    const t = await files.createTemp();
    await t.write(b);
    await t.commit();
  }
  // a file whose bytes no longer match its name (disk corruption)
  const corrupt = randomBytes(2000);
  const corruptKey = sha(corrupt);
  const t = await files.createTemp();
  await t.write(corrupt);
  await t.commit();
  await writeFile(files.pathOf(corruptKey), Buffer.concat([corrupt.subarray(0, 1999), Buffer.from('!')]));

  const target = await s3.blobStore('lt-migrated', { prefix: 'hub/' });
  const report = await copyBlobs(files, target);
  assert.equal(report.scanned, 4);
  assert.equal(report.copied, 3);
  assert.equal(report.copiedBytes, 100 + 7 * 1024 * 1024);
  assert.deepEqual(report.mismatched, [corruptKey]);
  for (const b of blobs) assert.equal(await target.size(sha(b)), b.length);
  assert.equal(await target.has(corruptKey), false);
  assert.deepEqual(await target.pendingUploads(), []);

  const again = await copyBlobs(files, target);
  assert.deepEqual(again, { scanned: 4, copied: 0, copiedBytes: 0, present: 3, mismatched: [corruptKey] });
});
