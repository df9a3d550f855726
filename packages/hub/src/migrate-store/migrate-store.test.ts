// migrate-store end to end: an embedded hub with real traffic (documents with small and > 256 KiB
// attachments, statuses, acks, audit entries and a checkpoint) copied into a fresh PostgreSQL database and
// a real S3-protocol server; a hub started on the copy serves the same bytes, states and audit chain, and
// new packages continue the sequences. An interrupted copy resumes without copying a row twice; a target
// holding other data, or another hub's copy, is refused.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import pino from 'pino';
import { type S3TestServer, startS3TestServer, TEST_CREDENTIALS } from '../blobs/s3/s3-test-server.js';
import type { S3BlobsConfig } from '../config/hub-config.js';
import type { DeliveryState, IssuedCredentials } from '../core/contract.js';
import { createHub } from '../core/create-hub.js';
import type { Hub } from '../core/hub.js';
import { as, body, collectStream, documentPackage, statusPackage, testConfig } from '../core/hub-test-support.js';
import { createTestDatabase, postgresSkipReason, sqlOn } from '../store/postgres/postgres-test-database.js';
import { MigrateStoreInterrupted, MigrateStoreRefused, migrateEmbeddedStore } from './migrate-store.js';
import { COPIED_TABLES } from './tables.js';

const SENDER = '000.00.00.G22';
const RECIPIENT = '000.00.00.H41';
const OTHER = '000.00.00.H53';
const BUCKET = 'lt-migrated';
const skip = postgresSkipReason();
const logger = pino({ level: 'silent' });

let s3: S3TestServer;
const cleanup: Array<() => Promise<unknown>> = [];
before(async () => {
  if (skip) return;
  s3 = await startS3TestServer();
  await s3.createBucket(BUCKET);
});
after(async () => {
  for (const f of cleanup.reverse()) await f();
  await s3?.stop();
});

function s3Config(prefix: string): { backend: 's3'; s3: S3BlobsConfig } {
  return {
    backend: 's3',
    s3: {
      endpoint: s3.endpoint,
      bucket: BUCKET,
      region: 'us-east-1',
      forcePathStyle: true,
      ...TEST_CREDENTIALS,
      prefix,
      partSizeMiB: 5,
    },
  };
}

async function tempDir(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lt-migrate-${name}-`));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function database() {
  const db = await createTestDatabase();
  cleanup.push(() => db.drop());
  return db;
}

/** Every copied table holds the same rows, value for value, in the SQLite file and in PostgreSQL. */
async function assertSameRows(sqliteFile: string, url: string): Promise<void> {
  const norm = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v === null ? null : String(v));
  const source = new SQLite(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    for (const t of COPIED_TABLES) {
      const order = t.key.map((k) => `"${k}"`).join(', ');
      const a = (source.prepare(`SELECT * FROM "${t.name}" ORDER BY ${order}`).all() as Record<string, unknown>[]).map(
        (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])),
      );
      const b = (await sqlOn(url, `SELECT * FROM "${t.name}" ORDER BY ${order}`)).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])),
      );
      // empty here: federation tables (a hub without links), console sessions and reads (nobody signed in),
      // last-seen (recorded from HTTP requests; this hub was driven in process)
      assert.ok(
        a.length > 0 ||
          t.name === 'document_relations' ||
          t.name.startsWith('attachment_') ||
          t.name.startsWith('federation_') ||
          t.name === 'console_sessions' ||
          t.name === 'console_reads' ||
          t.name === 'agency_last_seen',
        t.name,
      );
      assert.deepEqual(b, a, t.name);
    }
  } finally {
    source.close();
  }
}

interface Sent {
  docId: string;
  documentId: string;
  /** the package as the source hub served it to the recipient (with the hub's trace) */
  served: Buffer;
  attachments: Buffer[];
}

/** An embedded hub with traffic: documents, an ack, a status, a checkpoint; closed when this returns. */
async function embeddedHubWithTraffic(
  dataDir: string,
): Promise<{ sent: Sent[]; before: Snapshot; credentials: IssuedCredentials[] }> {
  const hub = await createHub(testConfig(dataDir), { logger });
  const demo = await hub.initDemo();
  // a webhook whose receiver is down: its notifications wait, pending, and travel with the store
  await hub.webhooks.set(as(OTHER), { url: 'http://127.0.0.1:9/hook' });
  hub.startWebhookDispatcher();
  const sent: Sent[] = [];
  const attachmentSets = [
    [randomBytes(1000)],
    [randomBytes(300 * 1024), randomBytes(20)],
    [randomBytes(1024 * 1024 + 7)],
    [randomBytes(64)],
  ];
  for (const [i, contents] of attachmentSets.entries()) {
    const documentId = `${SENDER},2024/05/01,${100 + i}/MS-${randomBytes(3).toString('hex')}`;
    const pkg = await documentPackage(SENDER, i === 1 ? [RECIPIENT, OTHER] : [RECIPIENT], {
      documentId,
      attachments: contents.map((content, j) => ({
        attachmentName: `tep-${i}-${j}.pdf`,
        contentType: 'application/pdf',
        content,
      })),
    });
    const r = await hub.submit({ principal: as(SENDER), body: body(pkg), messageType: 'edoc' });
    const served = await collectStream((await hub.openPackage(as(RECIPIENT), r.docId)).stream);
    assert.ok(served.length > 0);
    sent.push({ docId: r.docId, documentId, served, attachments: contents });
  }
  const [first, second] = sent as [Sent, Sent];
  await hub.acknowledge(as(RECIPIENT), first.docId, 'done');
  await hub.acknowledge(as(RECIPIENT), second.docId, 'processing');
  const status = statusPackage(RECIPIENT, SENDER, first.documentId, '03');
  await hub.submit({ principal: as(RECIPIENT), body: body(status), messageType: 'status' });
  while ((await hub.webhookQueueStats()).pending === 0) await new Promise((r) => setTimeout(r, 20));
  await hub.webhooksIdle();
  await hub.checkpointAudit();
  // every attachment's verdict stored first: the hub on the new store would inspect the rest at its start
  await hub.waitForInspections();
  const state = await snapshot(hub, sent);
  await hub.close();
  return { sent, before: state, credentials: demo.all };
}

interface Snapshot {
  inbox: Record<string, Array<{ docId: string; state: string }>>;
  statusInbox: Array<{ docId: string; state: string }>;
  timelines: unknown[];
  audit: { entries: number; head?: { id: number; hash: string } };
}

const ALL_STATES: DeliveryState[] = ['pending', 'processing', 'done', 'fail'];

async function snapshot(hub: Hub, sent: Sent[]): Promise<Snapshot> {
  const inbox: Snapshot['inbox'] = {};
  for (const who of [RECIPIENT, OTHER]) {
    const page = await hub.inbox(as(who), { messageType: 'edoc', states: ALL_STATES, limit: 100 });
    inbox[who] = page.items.map((i) => ({ docId: i.docId, state: i.state }));
  }
  const statusPage = await hub.inbox(as(SENDER), { messageType: 'status', states: ALL_STATES, limit: 100 });
  const audit = await hub.verifyAudit();
  assert.equal(audit.valid, true);
  return {
    inbox,
    statusInbox: statusPage.items.map((i) => ({ docId: i.docId, state: i.state })),
    timelines: await Promise.all(sent.map((s) => hub.timeline(as(SENDER), s.docId))),
    audit: { entries: audit.entries, ...(audit.head ? { head: audit.head } : {}) },
  };
}

test('an embedded hub moved into PostgreSQL + S3 serves the same documents, states and audit chain', {
  skip,
}, async () => {
  const dataDir = await tempDir('source');
  const { sent, before: was, credentials } = await embeddedHubWithTraffic(dataDir);
  const db = await database();
  const blobs = s3Config('hub-1/');

  const report = await migrateEmbeddedStore({ from: dataDir, to: db.url, blobs, batchSize: 3 });
  assert.deepEqual(report.verification.problems, []);
  assert.equal(report.verification.ok, true);
  assert.equal(report.resumed, false);
  assert.deepEqual(report.warnings, [], 'the source hub was closed: its WAL is checkpointed away');
  for (const t of report.tables) assert.equal(t.copied, t.rows, t.name);
  assert.ok(report.tables.find((t) => t.name === 'documents')!.rows >= 5);
  assert.ok(report.tables.find((t) => t.name === 'inline_blobs')!.rows > 0, 'small blobs travel as rows');
  // > 256 KiB: the 300 KiB and 1 MiB attachments, and the packages that carry them
  assert.equal(report.blobs.referenced, 4);
  assert.equal(report.blobs.copied, 4);
  assert.equal(report.verification.blobsVerified, 4);
  assert.deepEqual(report.verification.auditHead.target, was.audit.head);

  await assertSameRows(join(dataDir, 'hub.sqlite'), db.url);

  // nothing left to read locally: every large blob must come from the bucket
  await rm(join(dataDir, 'blobs'), { recursive: true, force: true });
  const config = { ...testConfig(dataDir), database: db.url, blobs };
  const [counters] = await sqlOn(db.url, "SELECT value FROM counters WHERE name = 'document_seq'");
  const hub = await createHub(config, { logger });
  try {
    for (const s of sent) {
      const pkg = await hub.openPackage(as(RECIPIENT), s.docId);
      assert.ok((await collectStream(pkg.stream)).equals(s.served), `package ${s.docId}: the same bytes`);
      for (const [i, content] of s.attachments.entries()) {
        const att = await hub.openAttachment(as(RECIPIENT), s.docId, i);
        assert.ok((await collectStream(att.stream)).equals(content), `attachment ${i} of ${s.docId}: the same bytes`);
      }
    }
    // every agency's credentials: API keys resolve, VXP secrets unseal with the data dir's master key
    assert.ok(credentials.length > 10);
    for (const c of credentials) {
      assert.equal((await hub.resolveApiKey(c.apiKey))?.systemId, c.systemId);
      assert.equal(await hub.vxpSecret(c.systemId), c.vxpSecret);
    }
    const now = await snapshot(hub, sent);
    assert.deepEqual(now.inbox, was.inbox);
    assert.deepEqual(now.statusInbox, was.statusInbox);
    assert.deepEqual(now.timelines, was.timelines);
    assert.ok(was.audit.head);
    assert.ok(now.audit.entries >= was.audit.entries);
    const copiedChain = await hub.listAudit(0, was.audit.entries);
    assert.deepEqual(copiedChain.at(-1)?.id, was.audit.head.id);

    // new work continues every sequence: documents, deliveries, events, audit ids
    const pkg = await documentPackage(SENDER, [RECIPIENT]);
    const r = await hub.submit({ principal: as(SENDER), body: body(pkg), messageType: 'edoc' });
    const [row] = await sqlOn(db.url, `SELECT seq FROM documents WHERE doc_id = '${r.docId}'`);
    assert.equal(Number(row?.['seq']), Number(counters?.['value']) + 1);
    await hub.acknowledge(as(RECIPIENT), r.docId, 'done');
    const newer = await hub.listAudit(was.audit.head.id, 100);
    assert.ok(newer.length > 0);
    assert.equal(newer[0]?.id, was.audit.head.id + 1);
    const after = await hub.verifyAudit();
    assert.equal(after.valid, true);
    assert.equal(after.broken, undefined);
  } finally {
    await hub.close();
  }
  assert.equal(existsSync(join(dataDir, 'blobs')), false);
});

test('an interrupted copy resumes where it stopped, without a duplicate row; other targets are refused', {
  skip,
}, async () => {
  const dataDir = await tempDir('interrupted');
  await embeddedHubWithTraffic(dataDir);
  const target = await tempDir('target');
  const db = await database();
  const opts = { from: dataDir, to: db.url, blobs: testConfig(target).blobs, targetDataDir: target, batchSize: 2 };

  await assert.rejects(migrateEmbeddedStore({ ...opts, interruptAfterBatches: 5 }), MigrateStoreInterrupted);
  const progress = await sqlOn(db.url, 'SELECT table_name, rows, done FROM migrate_store_progress');
  const copiedSoFar = progress.reduce((n, p) => n + Number(p['rows']), 0);
  assert.equal(copiedSoFar, 10, 'five committed batches of two rows');
  assert.ok(progress.some((p) => p['done'] === false));

  const events: string[] = [];
  const resumed = await migrateEmbeddedStore({ ...opts, onProgress: (e) => events.push(e.kind) });
  assert.equal(resumed.resumed, true);
  assert.deepEqual(resumed.verification.problems, []);
  assert.equal(resumed.verification.ok, true);
  const already = resumed.tables.reduce((n, t) => n + t.alreadyCopied, 0);
  assert.equal(already, 10);
  for (const t of resumed.tables) assert.equal(t.alreadyCopied + t.copied, t.rows, t.name);
  // every row once: counts equal the source's and primary keys forbid a second copy anyway
  for (const t of resumed.verification.tables) assert.equal(t.target, t.source, t.name);
  assert.equal(resumed.blobs.copied, 4);
  assert.ok(existsSync(join(target, 'blobs')));

  // again: nothing to copy, everything verified
  const again = await migrateEmbeddedStore(opts);
  assert.equal(again.verification.ok, true);
  assert.equal(
    again.tables.reduce((n, t) => n + t.copied, 0),
    0,
  );
  assert.equal(again.blobs.copied, 0);
  assert.equal(again.blobs.present, 4);

  // another hub's data dir into the same target: refused
  const otherDir = await tempDir('other');
  await embeddedHubWithTraffic(otherDir);
  await assert.rejects(
    migrateEmbeddedStore({ ...opts, from: otherDir }),
    (e: Error) => e instanceof MigrateStoreRefused && /another hub/.test(e.message),
  );

  // a database a hub already runs on: refused, and left as it was
  const used = await database();
  const hub = await createHub({ ...testConfig(await tempDir('pg-hub')), database: used.url }, { logger });
  await hub.initDemo();
  await hub.close();
  await assert.rejects(
    migrateEmbeddedStore({ ...opts, to: used.url }),
    (e: Error) => e instanceof MigrateStoreRefused && /already holds a hub's data/.test(e.message),
  );
  const [marker] = await sqlOn(used.url, "SELECT to_regclass('migrate_store_source') IS NULL AS none");
  assert.equal(marker?.['none'], true, 'nothing of the copy was written');
});

test('a copy killed part-way (SIGKILL) resumes: every row once, verified', { skip }, async () => {
  const dataDir = await tempDir('killed');
  await embeddedHubWithTraffic(dataDir);
  const target = await tempDir('killed-target');
  const db = await database();
  const snapshots = await tempDir('killed-tmp');
  const child = await runChild([dataDir, db.url, target, '3', '4', snapshots]);
  assert.equal(child.signal, 'SIGKILL', child.stderr);
  assert.equal((await readdir(snapshots)).length, 1, 'the killed run left its snapshot behind');
  const [copied] = await sqlOn(
    db.url,
    'SELECT sum(rows)::int AS n, bool_and(done) AS done FROM migrate_store_progress',
  );
  assert.equal(copied?.['n'], 12, 'four committed batches of three rows');
  assert.equal(copied?.['done'], false);

  const opts = { from: dataDir, to: db.url, blobs: testConfig(target).blobs, targetDataDir: target, batchSize: 3 };
  const resumed = await migrateEmbeddedStore(opts);
  assert.equal(resumed.resumed, true);
  assert.deepEqual(resumed.verification.problems, []);
  assert.equal(
    resumed.tables.reduce((n, t) => n + t.alreadyCopied, 0),
    12,
  );
  for (const t of resumed.tables) assert.equal(t.alreadyCopied + t.copied, t.rows, t.name);
  await assertSameRows(join(dataDir, 'hub.sqlite'), db.url);
  assert.ok(existsSync(join(target, 'blobs')));
});

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const js = fileURLToPath(new URL('./migrate-store-child-main.js', import.meta.url));
  const ts = fileURLToPath(new URL('./migrate-store-child-main.ts', import.meta.url));
  const main = existsSync(js) ? [js] : ['--import', 'tsx', ts];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('a source that changed since the interrupted run cannot be resumed', { skip }, async () => {
  const dataDir = await tempDir('changed');
  await embeddedHubWithTraffic(dataDir);
  const db = await database();
  const target = await tempDir('changed-target');
  const opts = { from: dataDir, to: db.url, blobs: testConfig(target).blobs, targetDataDir: target, batchSize: 2 };
  await assert.rejects(migrateEmbeddedStore({ ...opts, interruptAfterBatches: 2 }), MigrateStoreInterrupted);

  const hub = await createHub(testConfig(dataDir), { logger });
  await hub.submit({
    principal: as(SENDER),
    body: body(await documentPackage(SENDER, [RECIPIENT])),
    messageType: 'edoc',
  });
  // while that hub runs: a warning, and a consistent snapshot all the same
  const live = await database();
  const whileRunning = await migrateEmbeddedStore({ ...opts, to: live.url });
  assert.match(whileRunning.warnings.join('\n'), /a hub may be running on this data directory/);
  assert.equal(whileRunning.verification.ok, true);
  await hub.close();
  await assert.rejects(
    migrateEmbeddedStore(opts),
    (e: Error) => e instanceof MigrateStoreRefused && /changed since the copy/.test(e.message),
  );
});
