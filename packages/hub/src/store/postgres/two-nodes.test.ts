// Two hub nodes on one PostgreSQL database. Long-poll wake-ups (LISTEN/NOTIFY): a long-poll on node B
// answers a package accepted on node A long before its wait ends, also after B's listening connection
// was cut and opened again. Racing acknowledgements: the same delivery acknowledged on both nodes at
// once leaves one state, one event and one audit entry per real change. The attachment inspectors of
// both nodes share the queue without inspecting anything twice (FOR UPDATE SKIP LOCKED).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createHub } from '../../core/create-hub.js';
import type { Hub } from '../../core/hub.js';
import { as, body, ctxOf, documentPackage, testConfig } from '../../core/hub-test-support.js';
import { createTestDatabase, postgresSkipReason, sqlOn, type TestDatabase } from './postgres-test-database.js';
import { type WakeupMessage, wakeupPayloads } from './postgres-wakeups.js';

const SENDER = '000.00.00.G22';
const RECIPIENT = '000.00.00.H41';
/** the long-polls' wait: a wake-up must answer far sooner */
const WAIT_MS = 20_000;

test('wake-up payloads: chunks under pg_notify’s limit naming every recipient, or one "wake all"', () => {
  assert.deepEqual(
    wakeupPayloads('n1', 'edoc', ['A', 'B']).map((p) => JSON.parse(p)),
    [{ n: 'n1', t: 'edoc', r: ['A', 'B'] }],
  );
  const many = Array.from({ length: 1500 }, (_, i) => `000.00.${String(i).padStart(2, '0')}.H41`);
  const chunks = wakeupPayloads('n1', 'status', many);
  assert.ok(chunks.length > 1);
  for (const c of chunks) assert.ok(Buffer.byteLength(c) < 8000, `${Buffer.byteLength(c)} bytes`);
  assert.deepEqual(
    chunks.flatMap((c) => (JSON.parse(c) as WakeupMessage).r),
    many,
  );
  const huge = Array.from({ length: 20_000 }, (_, i) => `R${i}`);
  assert.deepEqual(
    wakeupPayloads('n1', 'edoc', huge).map((p) => JSON.parse(p)),
    [{ n: 'n1', t: 'edoc', all: true }],
  );
  assert.deepEqual(
    wakeupPayloads('n1', 'edoc', ['x'.repeat(9000)]).map((p) => JSON.parse(p)),
    [{ n: 'n1', t: 'edoc', all: true }],
  );
});

/** counts the attachment inspector's claim transactions on this node from now on */
function countClaims(hub: Hub): () => number {
  const store = ctxOf(hub).store;
  const claim = store.withClaimedAttachments!.bind(store);
  let n = 0;
  store.withClaimedAttachments = (limit, fn) => {
    n++;
    return claim(limit, fn);
  };
  return () => n;
}

describe('two hub nodes on one database', { skip: postgresSkipReason() }, () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  let a: Hub;
  let b: Hub;
  const logsA: string[] = [];
  const logsB: string[] = [];

  before(async () => {
    db = await createTestDatabase();
    const open = async (logs: string[]) => {
      const dir = await mkdtemp(join(tmpdir(), 'lt-two-nodes-'));
      dirs.push(dir);
      const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
      return createHub({ ...testConfig(dir), database: db.url }, { logger });
    };
    a = await open(logsA);
    await a.initDemo();
    b = await open(logsB);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    await db?.drop();
  });

  /** a long-poll on `hub` as the HTTP route runs it: wait while the inbox is empty, then list it */
  async function longPoll(hub: Hub): Promise<{ docIds: string[]; ms: number }> {
    const started = performance.now();
    const q = { messageType: 'edoc' as const, limit: 100 };
    let page = await hub.inbox(as(RECIPIENT), q);
    if (page.items.length === 0) {
      await hub.waitForInbox(as(RECIPIENT), 'edoc', WAIT_MS);
      page = await hub.inbox(as(RECIPIENT), q);
    }
    return { docIds: page.items.map((i) => i.docId), ms: performance.now() - started };
  }

  async function waitingOn(hub: Hub): Promise<void> {
    // the waiter is registered once the scope is read; the notifier counts it
    const notifier = (hub as unknown as { ctx: { notifier: { waiting: number } } }).ctx.notifier;
    while (notifier.waiting === 0) await new Promise((r) => setTimeout(r, 10));
  }

  async function submitOn(hub: Hub): Promise<string> {
    const pkg = await documentPackage(SENDER, [RECIPIENT]);
    return (await hub.submit({ principal: as(SENDER), body: body(pkg), messageType: 'edoc' })).docId;
  }

  async function acknowledgeAll(docIds: string[]): Promise<void> {
    for (const id of docIds) await a.acknowledge(as(RECIPIENT), id, 'done');
  }

  test('a package accepted on node A wakes a long-poll on node B long before its wait ends', async () => {
    const poll = longPoll(b);
    await waitingOn(b);
    const docId = await submitOn(a);
    const answer = await poll;
    assert.deepEqual(answer.docIds, [docId], 'the long-poll on B returned the package accepted on A');
    assert.ok(answer.ms < WAIT_MS / 2, `answered after ${Math.round(answer.ms)} ms of a ${WAIT_MS} ms wait`);
    await acknowledgeAll(answer.docIds);
  });

  test('after its listening connection is cut, node B wakes its long-polls once, listens again, and is woken again', async () => {
    const poll = longPoll(b);
    await waitingOn(b);
    const cut = await sqlOn(
      db.url,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'lienthong-listen'`,
    );
    assert.equal(cut.length, 2, 'both nodes listen on a connection of their own');
    // nothing arrived, but a wake-up may have been missed while disconnected: every waiter is woken once
    const woken = await poll;
    assert.deepEqual(woken.docIds, []);
    assert.ok(woken.ms < WAIT_MS / 2, `woken after ${Math.round(woken.ms)} ms`);

    // both listen again (the reconnect happens in the background; idle after LISTEN)
    for (;;) {
      const rows = await sqlOn(
        db.url,
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'lienthong-listen'
            AND state = 'idle' AND (query LIKE 'LISTEN %' OR query = 'SELECT 1')`,
      );
      if (rows[0]?.['n'] === 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const again = longPoll(b);
    await waitingOn(b);
    const docId = await submitOn(a);
    const answer = await again;
    assert.deepEqual(answer.docIds, [docId]);
    assert.ok(answer.ms < WAIT_MS / 2, `answered after ${Math.round(answer.ms)} ms of a ${WAIT_MS} ms wait`);
    await acknowledgeAll(answer.docIds);
  });

  test('the same delivery acknowledged on both nodes at once: one change, one event, one audit entry', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 12; i++) docs.push(await submitOn(i % 2 === 0 ? a : b));
    const auditBefore = (await a.listAudit(0, 100_000)).length;
    // done against done on every document; then processing against done on fresh ones
    const outcomes = await Promise.allSettled(
      docs.flatMap((id) => [a.acknowledge(as(RECIPIENT), id, 'done'), b.acknowledge(as(RECIPIENT), id, 'done')]),
    );
    assert.deepEqual(
      outcomes.filter((o) => o.status === 'rejected'),
      [],
      'acknowledging done twice is harmless',
    );
    const mixed: string[] = [];
    for (let i = 0; i < 12; i++) mixed.push(await submitOn(a));
    const raced = await Promise.allSettled(
      mixed.flatMap((id, i) => {
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        return [first.acknowledge(as(RECIPIENT), id, 'processing'), second.acknowledge(as(RECIPIENT), id, 'done')];
      }),
    );
    for (const [i, id] of mixed.entries()) {
      const processing = raced[2 * i]!;
      assert.equal(raced[2 * i + 1]!.status, 'fulfilled', 'done always wins: from pending or from processing');
      const t = await b.timeline(as(SENDER), id);
      const r = t.recipients.find((x) => x.code === RECIPIENT)!;
      assert.equal(r.state, 'done');
      const acks = r.events.filter((e) => e.kind.startsWith('ack-')).map((e) => e.kind);
      if (processing.status === 'fulfilled') assert.deepEqual(acks, ['ack-processing', 'ack-done']);
      else {
        // done came first: processing after done is refused, and recorded nowhere
        assert.match(String((processing.reason as Error).message), /already done/);
        assert.deepEqual(acks, ['ack-done']);
      }
    }
    for (const id of docs) {
      const t = await a.timeline(as(SENDER), id);
      const r = t.recipients.find((x) => x.code === RECIPIENT)!;
      assert.equal(r.state, 'done');
      assert.deepEqual(
        r.events.filter((e) => e.kind.startsWith('ack-')).map((e) => e.kind),
        ['ack-done'],
        `${id}: one ack event`,
      );
    }
    const audit = (await a.listAudit(0, 100_000)).slice(auditBefore).filter((e) => e.action === 'ack');
    const perDoc = new Map<string, string[]>();
    for (const e of audit) {
      const { state } = (JSON.parse(e.payload) as { details: { state?: string } }).details;
      perDoc.set(e.subject ?? '', [...(perDoc.get(e.subject ?? '') ?? []), String(state)]);
    }
    for (const id of docs) assert.deepEqual(perDoc.get(id), ['done'], `${id}: one audit entry`);
    for (const [i, id] of mixed.entries()) {
      assert.deepEqual(perDoc.get(id), raced[2 * i]!.status === 'fulfilled' ? ['processing', 'done'] : ['done']);
    }
    assert.equal((await b.verifyAudit()).valid, true);
  });

  test('a backlog of uninspected attachments: each is inspected by one node, not by both', async () => {
    const n = 16;
    for (let i = 0; i < n; i++) {
      const pkg = await documentPackage(SENDER, [RECIPIENT], {
        attachments: [
          {
            attachmentName: `phu-luc-${i}.pdf`,
            contentType: 'application/pdf',
            content: Buffer.from(`%PDF-1.4 ${i} ${Math.random()}`),
          },
        ],
      });
      const { docId } = await a.submit({ principal: as(SENDER), body: body(pkg), messageType: 'edoc' });
      await a.acknowledge(as(RECIPIENT), docId, 'done');
    }
    await a.waitForInspections();
    // as a crash before the verdicts' transactions leaves it: every attachment waits to be inspected
    await sqlOn(
      db.url,
      'DELETE FROM attachment_signatures; DELETE FROM attachment_inspections; UPDATE attachments SET inspected_at = NULL',
    );
    const waiting = await sqlOn(db.url, 'SELECT count(DISTINCT sha256)::int AS n FROM attachments');
    const distinct = Number(waiting[0]?.['n']);
    assert.ok(distinct >= n);
    const inspected = (logs: string[]) => logs.filter((l) => l.includes('"msg":"attachment inspected"')).length;
    const before = { a: inspected(logsA), b: inspected(logsB) };
    const [claimsA, claimsB] = [countClaims(a), countClaims(b)];
    const claims = () => claimsA() + claimsB();
    // both nodes drain the same queue at once
    await Promise.all([a.waitForInspections(), b.waitForInspections()]);
    const byA = inspected(logsA) - before.a;
    const byB = inspected(logsB) - before.b;
    assert.equal(byA + byB, distinct, `each content inspected once (node A ${byA}, node B ${byB})`);
    // a claim takes a batch: fewer claim transactions than attachments (one each, and one finding none, before)
    assert.ok(claims() < distinct, `${claims()} claim transactions for ${distinct} attachments`);
    const left = await sqlOn(db.url, 'SELECT count(*)::int AS n FROM attachments WHERE inspected_at IS NULL');
    assert.equal(left[0]?.['n'], 0);
    const verdicts = await sqlOn(db.url, 'SELECT count(*)::int AS n FROM attachment_inspections');
    assert.equal(verdicts[0]?.['n'], distinct);
  });
});
