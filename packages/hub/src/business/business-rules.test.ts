import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StatusCode } from '@lienthong/edxml';
import type { HubError, Principal } from '../core/contract.js';
import { as, body, collectStream, documentPackage, statusPackage, useTestHub } from '../core/hub-test-support.js';

const SENDER = '000.00.00.G22';
const A = '000.00.00.H41';
const B = '000.00.00.H53';
const C = '000.00.00.H14';
const D = '000.00.00.G17';

describe('business rules', () => {
  const t = useTestHub();

  async function send(from: string, to: string[], opts: Parameters<typeof documentPackage>[2] = {}) {
    const bytes = await documentPackage(from, to, opts);
    const r = await t.hub.submit({ principal: as(from), body: body(bytes), messageType: 'edoc' });
    const documentId = /<edXML:DocumentId>([^<]+)<\/edXML:DocumentId>/.exec(bytes.toString('utf8'))![1]!;
    return { ...r, documentId };
  }
  async function report(from: string, organId: string, documentId: string, code: StatusCode) {
    return t.hub.submit({
      principal: as(from),
      body: body(statusPackage(from, organId, documentId, code)),
      messageType: 'status',
    });
  }
  async function fetch(p: Principal, docId: string) {
    await collectStream((await t.hub.openPackage(p, docId)).stream);
  }
  async function inboxIds(code: string, messageType: 'edoc' | 'status' = 'edoc') {
    return (await t.hub.inbox(as(code), { messageType })).items.map((i) => i.docId);
  }

  test('statuses 01, 03, 04, 05, 06 reach the sender and show on the timeline', async () => {
    const doc = await send(SENDER, [A, B]);
    const codes: StatusCode[] = ['01', '03', '04', '05', '06'];
    for (const code of codes) {
      const s = await report(A, SENDER, doc.documentId, code);
      assert.deepEqual(s.recipients, [SENDER]);
      assert.deepEqual(s.warnings, []);
    }
    const statuses = (await t.hub.inbox(as(SENDER), { messageType: 'status' })).items.filter(
      (i) => i.responseForDocId === doc.docId,
    );
    assert.deepEqual(
      statuses.map((s) => s.statusCode),
      codes,
    );
    const tl = await t.hub.timeline(as(SENDER), doc.docId);
    const rowA = tl.recipients.find((r) => r.code === A)!;
    assert.deepEqual(
      rowA.statuses.map((s) => s.statusCode),
      codes,
    );
    assert.equal(tl.recipients.find((r) => r.code === B)!.statuses.length, 0);
    const sent = await t.hub.sent(as(SENDER), { messageType: 'edoc', docId: doc.docId });
    assert.equal(sent.items[0]!.recipients.find((r) => r.code === A)!.lastStatus, '06');
    // a recipient sees only its own row of the timeline
    const seenByB = await t.hub.timeline(as(B), doc.docId);
    assert.deepEqual(
      seenByB.recipients.map((r) => r.code),
      [B],
    );
  });

  test('a status from someone who is not a recipient is forbidden', async () => {
    const doc = await send(SENDER, [A]);
    await assert.rejects(report(C, SENDER, doc.documentId, '03'), (e: HubError) => e.code === 'forbidden');
  });

  test('revoke: pending copies withdrawn, fetched ones get the revoke; 15/16 answers flow back', async () => {
    const doc = await send(SENDER, [A, B, C]);
    await fetch(as(A), doc.docId);
    await fetch(as(B), doc.docId);
    await t.hub.acknowledge(as(B), doc.docId, 'done');
    const revoke = await send(SENDER, [A, B, C], { business: { docType: 1, documentId: doc.documentId } });
    assert.deepEqual([...revoke.recipients].sort(), [A, B].sort());
    assert.ok(!(await inboxIds(C)).includes(doc.docId), 'the withdrawn copy left the inbox');
    assert.ok(!(await inboxIds(C)).includes(revoke.docId), 'C never saw it, so needs no revoke');
    assert.ok((await inboxIds(A)).includes(revoke.docId));
    await assert.rejects(t.hub.acknowledge(as(C), doc.docId, 'done'), (e: HubError) => e.code === 'conflict');
    await assert.rejects(t.hub.openPackage(as(C), doc.docId), (e: HubError) => e.code === 'not-found');

    const tl = await t.hub.timeline(as(SENDER), doc.docId);
    assert.equal(tl.recipients.find((r) => r.code === C)!.state, 'withdrawn');
    assert.ok(tl.recipients.find((r) => r.code === C)!.events.some((e) => e.kind === 'withdrawn'));
    assert.ok(tl.recipients.find((r) => r.code === A)!.events.some((e) => e.kind === 'recall-forwarded'));
    assert.ok(tl.related.some((r) => r.docId === revoke.docId && r.relation === 'revoked-by'));

    const agree = await report(A, SENDER, doc.documentId, '15');
    const refuse = await report(B, SENDER, doc.documentId, '16');
    assert.deepEqual(agree.recipients, [SENDER]);
    assert.deepEqual(refuse.recipients, [SENDER]);
    const after = await t.hub.timeline(as(SENDER), doc.docId);
    assert.equal(after.recipients.find((r) => r.code === A)!.statuses.at(-1)!.statusCode, '15');
    assert.equal(after.recipients.find((r) => r.code === B)!.statuses.at(-1)!.statusCode, '16');
  });

  test('recall by status 13 from the sender works like a revoke', async () => {
    const doc = await send(SENDER, [A, B]);
    await fetch(as(A), doc.docId);
    const recall = await report(SENDER, SENDER, doc.documentId, '13');
    assert.deepEqual(recall.recipients, [A]);
    assert.ok((await inboxIds(A, 'status')).includes(recall.docId));
    assert.ok(!(await inboxIds(B)).includes(doc.docId));
    const answer = await report(A, SENDER, doc.documentId, '15');
    assert.deepEqual(answer.recipients, [SENDER]);
  });

  test('only the sender may revoke, update or replace its document', async () => {
    const doc = await send(SENDER, [A]);
    for (const docType of [1, 2] as const) {
      await assert.rejects(
        send(D, [A], { business: { docType, documentId: doc.documentId } }),
        (e: HubError) => e.code === 'forbidden',
      );
    }
    await assert.rejects(
      send(D, [A], {
        business: {
          docType: 3,
          documentId: doc.documentId,
          replacements: [{ documentId: doc.documentId, organIds: [A] }],
        },
      }),
      (e: HubError) => e.code === 'forbidden',
    );
  });

  test('update: added receivers get it, removed ones lose pending copies or are told if they had it', async () => {
    const doc = await send(SENDER, [A, B, C]);
    await fetch(as(B), doc.docId);
    const update = await send(SENDER, [A], {
      business: {
        docType: 2,
        documentId: doc.documentId,
        documentInfo: {
          documentInfoChanged: true,
          receiversChanged: true,
          receivers: [
            { organId: B, receiverType: 0 },
            { organId: C, receiverType: 0 },
            { organId: D, receiverType: 1 },
          ],
        },
      },
    });
    assert.deepEqual([...update.recipients].sort(), [A, B, D].sort());
    assert.ok((await inboxIds(D)).includes(update.docId));
    assert.ok((await inboxIds(B)).includes(update.docId), 'B had fetched the document: it is told');
    assert.ok(!(await inboxIds(C)).includes(doc.docId), "C's pending copy is withdrawn");
    const tl = await t.hub.timeline(as(SENDER), doc.docId);
    assert.equal(tl.recipients.find((r) => r.code === C)!.state, 'withdrawn');
    assert.ok(tl.recipients.find((r) => r.code === C)!.events.some((e) => e.kind === 'removed'));
    assert.ok(tl.related.some((r) => r.relation === 'updated-by' && r.docId === update.docId));
    const utl = await t.hub.timeline(as(SENDER), update.docId);
    assert.ok(utl.recipients.find((r) => r.code === D)!.events.some((e) => e.kind === 'added'));
    // updates reuse DocumentIds legitimately
    const again = await send(SENDER, [A], {
      documentId: doc.documentId,
      business: { docType: 2, documentId: doc.documentId },
    });
    assert.equal(again.duplicate, false);
  });

  test('replace: delivered normally and linked both ways', async () => {
    const old1 = await send(SENDER, [A]);
    const old2 = await send(SENDER, [A]);
    const repl = await send(SENDER, [A, B], {
      business: {
        docType: 3,
        documentId: old1.documentId,
        replacements: [
          { documentId: old1.documentId, organIds: [A] },
          { documentId: old2.documentId, organIds: [A] },
        ],
      },
    });
    assert.deepEqual([...repl.recipients].sort(), [A, B].sort());
    const tl = await t.hub.timeline(as(SENDER), repl.docId);
    assert.deepEqual(
      tl.related
        .filter((r) => r.relation === 'replaces')
        .map((r) => r.docId)
        .sort(),
      [old1.docId, old2.docId].sort(),
    );
    const oldTl = await t.hub.timeline(as(A), old1.docId);
    assert.deepEqual(oldTl.related, [{ docId: repl.docId, relation: 'replaced-by' }]);
  });
});
