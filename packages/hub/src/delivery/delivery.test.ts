import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import type { HubError } from '../core/contract.js';
import { as, body, collectStream, ctxOf, documentPackage, readFixture, useTestHub } from '../core/hub-test-support.js';

const SENDER = '000.00.11.H53';
const RECIPIENT = '000.00.01.A53';
const OTHER = '000.00.00.G05';

describe('delivery', () => {
  const t = useTestHub();

  test('submit → inbox → openPackage (hub TraceHeader spliced, still parses) → ack done → gone for good', async () => {
    const fixture = readFixture('edoc_new.edxml');
    const r = await t.hub.submit({ principal: as(SENDER), body: body(fixture), messageType: 'edoc' });
    const page = await t.hub.inbox(as(RECIPIENT), { messageType: 'edoc' });
    assert.deepEqual(
      page.items.map((i) => i.docId),
      [r.docId],
    );
    assert.equal(page.items[0]!.state, 'pending');

    const opened = await t.hub.openPackage(as(RECIPIENT), r.docId);
    const out = await collectStream(opened.stream);
    assert.equal(out.length, opened.size);
    const text = out.toString('utf8');
    assert.match(
      text,
      /<\/edXML:TraceHeader>\n {8}<edXML:TraceHeader>\n {10}<edXML:OrganId>lienthong\.test<\/edXML:OrganId>\n {10}<edXML:Timestamp>\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d<\/edXML:Timestamp>\n {8}<\/edXML:TraceHeader>/,
    );
    const reparsed = await parseEdxml(Readable.from([out]));
    assert.equal(reparsed.package.kind, 'document');
    if (reparsed.package.kind === 'document') {
      assert.deepEqual(
        reparsed.package.traces.map((x) => x.organId),
        ['000.00.00.G22', 'lienthong.test'],
      );
      assert.equal(
        reparsed.package.attachments[0]!.sha256,
        (await t.hub.timeline(as(SENDER), r.docId)).attachments[0]!.sha256,
      );
    }

    // fetching does not take it out of the inbox; done does, for good
    assert.equal(await t.hub.countPending(as(RECIPIENT), 'edoc'), 1);
    await t.hub.acknowledge(as(RECIPIENT), r.docId, 'processing');
    assert.equal((await t.hub.inbox(as(RECIPIENT), { messageType: 'edoc' })).items[0]?.state, 'processing');
    await t.hub.acknowledge(as(RECIPIENT), r.docId, 'done');
    await t.hub.acknowledge(as(RECIPIENT), r.docId, 'done'); // idempotent
    assert.equal((await t.hub.inbox(as(RECIPIENT), { messageType: 'edoc' })).items.length, 0);
    assert.equal(await t.hub.countPending(as(RECIPIENT), 'edoc'), 0);
    await assert.rejects(t.hub.acknowledge(as(RECIPIENT), r.docId, 'fail'), (e: HubError) => e.code === 'conflict');

    const tl = await t.hub.timeline(as(SENDER), r.docId);
    assert.deepEqual(
      tl.recipients[0]!.events.map((e) => e.kind),
      ['fetched', 'ack-processing', 'ack-done'],
    );
    assert.deepEqual(
      tl.traces.map((x) => x.organId),
      ['000.00.00.G22', 'lienthong.test'],
    );
    const sent = await t.hub.sent(as(SENDER), { messageType: 'edoc', docId: r.docId });
    assert.equal(sent.items[0]?.recipients[0]?.state, 'done');
    assert.ok(sent.items[0]?.recipients[0]?.receivedAt instanceof Date);
  });

  test('only the recipient acknowledges; the sender may read its own package; others get not-found', async () => {
    const r = await t.hub.submit({
      principal: as(SENDER),
      body: body(await documentPackage(SENDER, [RECIPIENT])),
      messageType: 'edoc',
    });
    await assert.rejects(t.hub.acknowledge(as(SENDER), r.docId, 'done'), (e: HubError) => e.code === 'forbidden');
    await assert.rejects(t.hub.acknowledge(as(OTHER), r.docId, 'done'), (e: HubError) => e.code === 'not-found');
    await assert.rejects(t.hub.openPackage(as(OTHER), r.docId), (e: HubError) => e.code === 'not-found');
    await assert.rejects(t.hub.timeline(as(OTHER), r.docId), (e: HubError) => e.code === 'not-found');
    await assert.rejects(t.hub.openPackage(as(OTHER), 'nonsense'), (e: HubError) => e.code === 'not-found');
    const own = await t.hub.openPackage(as(SENDER), r.docId);
    await collectStream(own.stream);
    // the sender's read is not the recipient's fetch
    const tl = await t.hub.timeline(as(SENDER), r.docId);
    assert.deepEqual(tl.recipients[0]!.events, []);
  });

  test('many acknowledgements at once: each outcome as if alone, in order; one event and audit entry each', async () => {
    const send = async (to: string[]) =>
      (
        await t.hub.submit({
          principal: as(SENDER),
          body: body(await documentPackage(SENDER, to)),
          messageType: 'edoc',
        })
      ).docId;
    const d: string[] = [];
    for (let i = 0; i < 6; i++) d.push(await send([RECIPIENT]));
    const notMine = await send([OTHER]);
    await t.hub.acknowledge(as(RECIPIENT), d[4]!, 'done');
    await t.hub.acknowledge(as(RECIPIENT), d[5]!, 'done');
    const auditBefore = (await t.hub.listAudit(0, 100_000)).length;
    const store = ctxOf(t.hub).store;
    const transaction = store.transaction.bind(store);
    // only the call's own transactions: the background work (the statistics fold every 500 ms, the
    // attachment inspector after the submits above) may open one at any moment
    const insideCall = new AsyncLocalStorage<true>();
    let transactions = 0;
    store.transaction = (work) => {
      if (insideCall.getStore()) transactions++;
      return transaction(work);
    };
    const outcomes = await insideCall.run(true, () =>
      t.hub.acknowledgeMany(as(RECIPIENT), [
        { docId: d[0]!, state: 'done' },
        { docId: d[1]!, state: 'processing', description: 'reading' },
        { docId: d[2]!, state: 'processing' },
        { docId: d[2]!, state: 'done' },
        { docId: 'nonsense', state: 'done' },
        { docId: notMine, state: 'done' },
        { docId: d[4]!, state: 'done' },
        { docId: d[5]!, state: 'fail' },
        { docId: d[3]!, state: 'done' },
      ]),
    );
    store.transaction = transaction;
    // d0, d1 and d3 together; alone: d2 (named twice), the two not found, d4 (no change), d5 (conflict)
    assert.equal(transactions, 7);
    const codes = outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : (o.reason as HubError).code));
    assert.deepEqual(codes, ['ok', 'ok', 'ok', 'ok', 'not-found', 'not-found', 'ok', 'conflict', 'ok']);
    const states = async (docId: string) =>
      (await t.hub.timeline(as(SENDER), docId)).recipients[0]!.events.map((e) => e.kind);
    assert.deepEqual(await states(d[0]!), ['ack-done']);
    assert.deepEqual(await states(d[1]!), ['ack-processing']);
    assert.deepEqual(await states(d[2]!), ['ack-processing', 'ack-done'], 'named twice: in the order given');
    assert.deepEqual(await states(d[3]!), ['ack-done']);
    assert.deepEqual(await states(d[4]!), ['ack-done'], 'done again changes nothing');
    const sent = await t.hub.sent(as(SENDER), { messageType: 'edoc', docId: d[1]! });
    assert.equal(sent.items[0]?.recipients[0]?.state, 'processing');
    const acks = (await t.hub.listAudit(0, 100_000)).slice(auditBefore).filter((e) => e.action === 'ack');
    assert.deepEqual(acks.map((e) => e.subject).sort(), [d[0], d[1], d[2], d[2], d[3]].sort());
    const left = (await t.hub.inbox(as(RECIPIENT), { messageType: 'edoc' })).items.map((i) => i.docId);
    assert.deepEqual(
      d.filter((id) => left.includes(id)),
      [d[1]],
      'of these, only the one still processing is left',
    );
  });

  test('inbox pages with an opaque cursor, filters by sender, and never exceeds maxPageSize', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.hub.submit({
        principal: as(OTHER),
        body: body(await documentPackage(OTHER, ['000.00.00.H07'])),
        messageType: 'edoc',
      });
      ids.push(r.docId);
    }
    const p1 = await t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', limit: 2 });
    const p2 = await t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', limit: 2, cursor: p1.nextCursor });
    const p3 = await t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', limit: 2, cursor: p2.nextCursor });
    assert.deepEqual(
      [...p1.items, ...p2.items, ...p3.items].map((i) => i.docId),
      ids,
    );
    assert.equal(p3.nextCursor, undefined);
    assert.equal((await t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', from: SENDER })).items.length, 0);
    assert.equal((await t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', limit: 10_000 })).items.length, 5);
    await assert.rejects(
      t.hub.inbox(as('000.00.00.H07'), { messageType: 'edoc', cursor: '%%%' }),
      (e: HubError) => e.code === 'bad-request',
    );
  });

  test('waitForInbox resolves early when a delivery is committed, and on timeout otherwise', async () => {
    const started = Date.now();
    await t.hub.waitForInbox(as('000.00.00.H08'), 'edoc', 50);
    assert.ok(Date.now() - started >= 45);
    const waiting = t.hub.waitForInbox(as('000.00.00.H08'), 'edoc', 10_000);
    const t0 = Date.now();
    await t.hub.submit({
      principal: as(OTHER),
      body: body(await documentPackage(OTHER, ['000.00.00.H08'])),
      messageType: 'edoc',
    });
    await waiting;
    assert.ok(Date.now() - t0 < 5000);
    const ac = new AbortController();
    const aborted = t.hub.waitForInbox(as('000.00.00.H08'), 'edoc', 10_000, ac.signal);
    ac.abort();
    await aborted;
  });

  test('a package without a TraceHeaderList and status packages are streamed as stored', async () => {
    const status = readFixture('status_processing_05.edxml');
    const r = await t.hub.submit({ principal: as('000.00.00.H41'), body: body(status), messageType: 'status' });
    const opened = await t.hub.openPackage(as('000.00.00.G22'), r.docId);
    const out = await collectStream(opened.stream);
    assert.deepEqual(out, status.subarray(0, out.length));
    assert.equal(opened.size, out.length);
  });

  test('garbage before the XML (a multipart boundary line) is not delivered', async () => {
    const pkg = await documentPackage(SENDER, [RECIPIENT]);
    const withBoundary = Buffer.concat([Buffer.from('--boundary123\r\n'), pkg]);
    const r = await t.hub.submit({ principal: as(SENDER), body: body(withBoundary), messageType: 'edoc' });
    assert.equal(r.size, withBoundary.length);
    const out = await collectStream((await t.hub.openPackage(as(RECIPIENT), r.docId)).stream);
    assert.ok(out.toString('utf8').startsWith('<?xml'));
  });
});
