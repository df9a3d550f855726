import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { recordAudit } from '../../audit/audit-trail.js';
import { verifyAuditLog } from '../../audit/verify-audit-log.js';
import { tempSqlite } from '../../test-support/temp-sqlite.js';
import type { NewDocumentRecord } from '../store.js';

const { open } = tempSqlite('lt-batch-counters-');

const at = new Date('2026-11-21T03:00:00Z');
const entry = (i: number) => ({ at, actor: 'test', action: 'accept', details: { i } });
const doc = (i: number): NewDocumentRecord => ({
  docId: `doc${String(i).padStart(21, '0')}`,
  messageType: 'edoc',
  sender: '000.00.00.G22',
  submittedBy: '000.00.00.G22',
  documentId: `000.00.00.G22,2026/11/21,${i}/X`,
  businessType: 0,
  blobKey: String(i).padStart(64, '0'),
  xmlStart: 0,
  xmlEnd: 10,
  sha256: String(i).padStart(64, '0'),
  size: 10,
  acceptedAt: at,
});

function counters(file: string): Record<string, number> {
  const db = new SQLite(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, value FROM counters').all() as Array<{ name: string; value: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.value)]));
  } finally {
    db.close();
  }
}

test('one batch: values from memory are contiguous, a failed transaction gives its values back, rows written back', async () => {
  const { file, store } = await open();
  const before = counters(file);
  // asked for in the same tick: one group-commit batch; the third fails after taking its values
  const outcomes = await Promise.allSettled(
    [0, 1, 2, 3, 4].map((i) =>
      store.transaction(async (tx) => {
        const d = await tx.insertDocument(doc(i));
        const delivery = await tx.insertDelivery(d.docId, '000.00.00.H01', at);
        const audit = await recordAudit(tx, entry(i));
        if (i === 2) throw new Error('boom');
        return { seq: d.seq, deliverySeq: delivery.seq, audit };
      }),
    ),
  );
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
  );
  const ok = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const first = ok[0]!;
  // no gaps: the failed transaction's values went to the next one
  assert.deepEqual(
    ok.map((v) => v.seq),
    [0, 1, 2, 3].map((k) => first.seq + k),
  );
  assert.deepEqual(
    ok.map((v) => v.deliverySeq),
    [0, 1, 2, 3].map((k) => first.deliverySeq + k),
  );
  assert.deepEqual(
    ok.map((v) => v.audit.id),
    [0, 1, 2, 3].map((k) => first.audit.id + k),
  );
  // each entry links to the one committed before it, not to the rolled-back one
  for (let k = 1; k < ok.length; k++) assert.equal(ok[k]!.audit.prevHash, ok[k - 1]!.audit.hash);
  assert.equal(first.seq, before['document_seq']! + 1);

  // the rows hold the last values handed out: the next batch continues from them
  const after1 = counters(file);
  assert.equal(after1['document_seq'], ok.at(-1)!.seq);
  assert.equal(after1['delivery_seq'], ok.at(-1)!.deliverySeq);
  assert.equal(after1['audit_id'], ok.at(-1)!.audit.id);
  const next = await recordAudit(store, entry(9));
  assert.equal(next.id, ok.at(-1)!.audit.id + 1);
  assert.equal(next.prevHash, ok.at(-1)!.audit.hash);

  const verdict = await verifyAuditLog(store, { anchors: [] });
  assert.equal(verdict.valid, true, JSON.stringify(verdict.broken));
  assert.equal(verdict.entries, 5);
  assert.equal(await store.countDocuments(), 4);
  await store.close();
});

test('the first transaction of a batch fails after reading the counters: the next one reads them again', async () => {
  const { file, store } = await open();
  const outcomes = await Promise.allSettled(
    [0, 1].map((i) =>
      store.transaction(async (tx) => {
        const audit = await recordAudit(tx, entry(i));
        if (i === 0) throw new Error('boom');
        return audit;
      }),
    ),
  );
  assert.equal(outcomes[0]!.status, 'rejected');
  const second = (outcomes[1] as PromiseFulfilledResult<{ id: number }>).value;
  assert.equal(second.id, 1);
  assert.equal(counters(file)['audit_id'], 1);
  assert.equal((await verifyAuditLog(store, { anchors: [] })).valid, true);
  await store.close();
});
