// The hub with blobs.backend = s3: small blobs inline in the database, large ones as objects in a real
// S3-protocol server (s3rver in its own process), nothing under the data dir's blobs/.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import pino from 'pino';
import { createHub } from '../../core/create-hub.js';
import type { Hub } from '../../core/hub.js';
import { as, body, collectStream, documentPackage, testConfig } from '../../core/hub-test-support.js';
import { startTestHub } from '../../test-support/start-test-hub.js';
import { type S3TestServer, startS3TestServer, TEST_CREDENTIALS } from './s3-test-server.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BUCKET = 'lienthong-hub';

let s3: S3TestServer;
let hub: Hub;
let dataDir: string;

before(async () => {
  s3 = await startS3TestServer();
  await s3.createBucket(BUCKET);
  dataDir = await mkdtemp(join(tmpdir(), 'lt-s3-hub-'));
  const config = testConfig(dataDir);
  config.blobs = {
    backend: 's3',
    s3: {
      endpoint: s3.endpoint,
      bucket: BUCKET,
      region: 'us-east-1',
      forcePathStyle: true,
      ...TEST_CREDENTIALS,
      prefix: 'hub-1/',
      partSizeMiB: 5,
    },
  };
  hub = await createHub(config, { logger: pino({ level: 'silent' }) });
  await hub.initDemo();
});

after(async () => {
  await hub?.close();
  await s3?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function objects(prefix: string): Promise<{ key: string; size: number }[]> {
  const r = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0 }));
}

test('a package with a 6 MiB attachment: its blobs are objects in the bucket, fetched back byte for byte', async () => {
  const content = randomBytes(6 * 1024 * 1024 + 123);
  const submitted = await documentPackage('000.00.00.G22', ['000.00.00.H41'], {
    attachments: [{ attachmentName: 'ho-so.pdf', contentType: 'application/pdf', content }],
  });
  const accepted = await hub.submit({ principal: as('000.00.00.G22'), body: body(submitted), messageType: 'edoc' });

  const att = await hub.openAttachment(as('000.00.00.H41'), accepted.docId, 0);
  assert.deepEqual(await collectStream(att.stream), content);
  const pkg = await hub.openPackage(as('000.00.00.H41'), accepted.docId);
  assert.ok((await collectStream(pkg.stream)).length > content.length);

  // the attachment and the package as submitted, both above the inline threshold, and nothing else
  const stored = await objects('hub-1/');
  assert.deepEqual(
    stored.map((o) => o.key).sort(),
    [`hub-1/blobs/${sha(content)}`, `hub-1/blobs/${sha(submitted)}`].sort(),
  );
  const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `hub-1/blobs/${sha(content)}` }));
  assert.deepEqual(Buffer.from(await object.Body!.transformToByteArray()), content);
  assert.equal(existsSync(join(dataDir, 'blobs')), false, 'no blob file on the local disk');
  assert.deepEqual(await hub.health().then((h) => h.ok), true);
});

test('a small package stays inline in the database: nothing new in the bucket', async () => {
  const before = await objects('hub-1/');
  const content = Buffer.from('công văn ngắn');
  const accepted = await hub.submit({
    principal: as('000.00.00.G22'),
    body: body(
      await documentPackage('000.00.00.G22', ['000.00.00.H41'], {
        attachments: [{ attachmentName: 'ngan.txt', contentType: 'text/plain', content }],
      }),
    ),
    messageType: 'edoc',
  });
  const att = await hub.openAttachment(as('000.00.00.H41'), accepted.docId, 0);
  assert.deepEqual(await collectStream(att.stream), content);
  assert.deepEqual(await objects('hub-1/'), before);
});

test('garbage collection lists the bucket: an unreferenced object is an orphan, kept while it is young', async () => {
  const orphan = randomBytes(300 * 1024);
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `hub-1/blobs/${sha(orphan)}`, Body: orphan }));
  // LastModified has a resolution of a second on S3: the orphan must be strictly older than the cutoff
  await new Promise((r) => setTimeout(r, 1100));
  const dry = await hub.collectGarbage({ dryRun: true, minAgeSeconds: 0 });
  assert.equal(dry.scanned, 3);
  assert.equal(dry.orphans, 1);
  assert.equal(dry.orphanBytes, orphan.length);
  // younger than the store's refresh window (5 minutes): never deleted, whatever the age guard asked
  const run = await hub.collectGarbage({ minAgeSeconds: 0 });
  assert.equal(run.orphans, 1);
  assert.equal(run.removed, 0);
  assert.equal((await objects(`hub-1/blobs/${sha(orphan)}`)).length, 1);
});

test('the server does not start on a bucket it cannot reach, and says which', async () => {
  await assert.rejects(
    startTestHub({
      blobs: {
        backend: 's3',
        s3: {
          endpoint: s3.endpoint,
          bucket: 'lienthong-absent',
          region: 'us-east-1',
          forcePathStyle: true,
          ...TEST_CREDENTIALS,
          prefix: '',
          partSizeMiB: 8,
        },
      },
    }),
    /S3 bucket lienthong-absent: NotFound/,
  );
});
