import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempSqlite } from '../../test-support/temp-sqlite.js';
import type { NewDocumentRecord } from '../store.js';
import { migrations } from './migrations/index.js';
import { openSqliteStore } from './sqlite-store.js';

const { open } = tempSqlite('lt-store-');

const now = new Date('2024-05-01T03:00:00Z');
const agency = (code: string, extra: Partial<{ tenantId: string; isTenant: boolean }> = {}) => ({
  code,
  name: `Agency ${code}`,
  level: 1,
  enabled: true,
  isTenant: extra.isTenant ?? false,
  tenantId: extra.tenantId,
  demo: false,
});
const doc = (
  docId: string,
  sender: string,
  sha: string,
  documentId = `${sender},2024/05/01,1/X`,
): NewDocumentRecord => ({
  docId,
  messageType: 'edoc',
  sender,
  submittedBy: sender,
  documentId,
  businessType: 0,
  blobKey: sha,
  xmlStart: 0,
  xmlEnd: 10,
  sha256: sha,
  size: 10,
  acceptedAt: now,
});

test('migrations run once and are recorded; pragmas are set', async () => {
  const { file, store } = await open();
  await store.close();
  const again = await openSqliteStore({ file });
  await again.ping();
  await again.close();
  const { default: SQLite } = await import('better-sqlite3');
  const raw = new SQLite(file, { readonly: true });
  assert.deepEqual(
    raw.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all(),
    migrations.map((m) => ({ version: m.version, name: m.name })),
  );
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
});

test('agencies: versions increase on every change, deleted rows show up only for sync', async () => {
  const { store } = await open();
  const a = await store.insertAgency(agency('000.00.00.G01'), now);
  const b = await store.insertAgency(agency('000.00.00.G02'), now);
  assert.ok(b.version > a.version);
  await assert.rejects(store.insertAgency(agency('000.00.00.G01'), now), /already exists/);
  const d = await store.updateAgency('000.00.00.G01', { deleted: true }, now);
  assert.ok(d && d.version > b.version && d.deleted);
  assert.deepEqual(
    (await store.listAgencies({})).map((x) => x.code),
    ['000.00.00.G02'],
  );
  assert.deepEqual(
    (await store.listAgencies({ sinceVersion: b.version, includeDeleted: true })).map((x) => x.code),
    ['000.00.00.G01'],
  );
  const revived = await store.insertAgency(agency('000.00.00.G01'), now);
  assert.equal(revived.deleted, false);
  assert.equal(await store.countAgencies(), 2);
  await store.close();
});

test('documents dedupe by sender+sha256 and by sender+DocumentId for new documents only', async () => {
  const { store } = await open();
  await store.insertAgency(agency('000.00.00.G22'), now);
  await store.insertDocument(doc('a'.repeat(24), '000.00.00.G22', '1'.repeat(64)));
  await assert.rejects(store.insertDocument(doc('b'.repeat(24), '000.00.00.G22', '1'.repeat(64))));
  await assert.rejects(store.insertDocument(doc('c'.repeat(24), '000.00.00.G22', '2'.repeat(64))));
  const update = { ...doc('d'.repeat(24), '000.00.00.G22', '3'.repeat(64)), businessType: 2 as const };
  await store.insertDocument(update);
  assert.equal((await store.findDocumentBySha('000.00.00.G22', '1'.repeat(64)))?.docId, 'a'.repeat(24));
  assert.equal((await store.findDocumentsByDocumentId('000.00.00.G22,2024/05/01,1/X')).length, 2);
  assert.equal(await store.countDocuments(), 2);
  await store.close();
});

test('a failed transaction leaves nothing behind', async () => {
  const { store } = await open();
  await assert.rejects(
    store.transaction(async (tx) => {
      await tx.insertDocument(doc('e'.repeat(24), 'X', '4'.repeat(64)));
      await tx.insertDelivery('e'.repeat(24), 'Y', now);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await store.getDocument('e'.repeat(24)), undefined);
  assert.equal(await store.countAllPending(), 0);
  await store.close();
});

test('inbox: ordered by seq, filtered by recipient, type and state, paged after a seq', async () => {
  const { store } = await open();
  for (let i = 0; i < 5; i++) {
    const id = i.toString().repeat(24);
    await store.transaction(async (tx) => {
      await tx.insertDocument(doc(id, 'S', i.toString().repeat(64), `S,2024/05/01,${i}/X`));
      await tx.insertDelivery(id, 'R1', now);
      await tx.insertDelivery(id, 'R2', now);
    });
  }
  await store.updateDelivery('1'.repeat(24), 'R1', { state: 'done', updatedAt: now });
  const page1 = await store.listInbox({ recipients: ['R1'], messageType: 'edoc', states: ['pending'], limit: 2 });
  assert.deepEqual(
    page1.map((r) => r.document.docId),
    ['0'.repeat(24), '2'.repeat(24)],
  );
  const page2 = await store.listInbox({
    recipients: ['R1'],
    messageType: 'edoc',
    states: ['pending'],
    limit: 2,
    afterSeq: page1[1]!.delivery.seq,
  });
  assert.deepEqual(
    page2.map((r) => r.document.docId),
    ['3'.repeat(24), '4'.repeat(24)],
  );
  assert.equal(await store.countDeliveries({ recipients: ['R1', 'R2'], messageType: 'edoc', states: ['pending'] }), 9);
  assert.equal(
    (await store.listInbox({ recipients: ['R1'], messageType: 'status', states: ['pending'], limit: 9 })).length,
    0,
  );
  await store.close();
});

test("a document's deliveries to some recipients only, in delivery order", async () => {
  const { store } = await open();
  const id = 'a'.repeat(24);
  await store.transaction(async (tx) => {
    await tx.insertDocument(doc(id, 'S', 'a'.repeat(64)));
    for (let i = 0; i < 700; i++) await tx.insertDelivery(id, `R${i}`, now);
  });
  assert.deepEqual(
    (await store.getDeliveriesTo(id, ['R5'])).map((d) => d.recipient),
    ['R5'],
  );
  // beyond one bounded IN list, and unknown recipients left out
  const many = Array.from({ length: 650 }, (_, i) => `R${699 - i}`).concat(['nobody']);
  const found = await store.getDeliveriesTo(id, many);
  assert.equal(found.length, 650);
  assert.deepEqual(
    found.map((d) => d.seq),
    [...found.map((d) => d.seq)].sort((a, b) => a - b),
  );
  assert.deepEqual(await store.getDeliveriesTo(id, ['nobody']), []);
  await store.close();
});

test('audit log: gap-free increasing ids, append-only', async () => {
  const { file, store } = await open();
  const a = await store.appendAudit({ at: now, actor: 'x', action: 'accept', outcome: 'ok', payload: '{}' });
  const b = await store.appendAudit({
    at: now,
    actor: 'x',
    action: 'refuse',
    outcome: 'refused',
    reason: 'r',
    payload: '{}',
  });
  assert.equal(b.id, a.id + 1);
  assert.deepEqual(
    (await store.listAudit(0, 10)).map((e) => e.id),
    [a.id, b.id],
  );
  await store.close();
  const { default: SQLite } = await import('better-sqlite3');
  const raw = new SQLite(file);
  assert.throws(() => raw.prepare('DELETE FROM audit_log').run(), /append-only/);
  assert.throws(() => raw.prepare("UPDATE audit_log SET actor = 'y'").run(), /append-only/);
  raw.close();
});

test('DocumentId lookup: only edoc rows, in acceptance order, through the (document_id, sender) index', async () => {
  const { file, store } = await open();
  await store.insertAgency(agency('000.00.00.G01'), now);
  for (let i = 0; i < 5; i++) await store.insertDocument(doc(`d${i}`, '000.00.00.G01', `sha${i}`, `other-${i}`));
  await store.insertDocument({ ...doc('rev', '000.00.00.G01', 'sha-r', 'X'), businessType: 1 });
  await store.insertDocument(doc('new', '000.00.00.G01', 'sha-n', 'X'));
  await store.insertDocument({
    ...doc('st', '000.00.00.G01', 'sha-s', 'X'),
    messageType: 'status',
    businessType: undefined,
  });
  const found = await store.findDocumentsByDocumentId('X', '000.00.00.G01');
  assert.deepEqual(
    found.map((d) => d.docId),
    ['rev', 'new'],
  );
  await store.close();
  // the statement findDocumentsByDocumentId sends: must not walk every document of the sender
  const { default: SQLite } = await import('better-sqlite3');
  const raw = new SQLite(file, { readonly: true });
  const plan = raw
    .prepare('EXPLAIN QUERY PLAN select * from "documents" where "document_id" = ? and "sender" = ?')
    .all('X', '000.00.00.G01') as { detail: string }[];
  raw.close();
  assert.match(plan.map((p) => p.detail).join('; '), /USING INDEX documents_document_id/);
});
