import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { as, body, collectStream, documentPackage, useTestHub } from './hub-test-support.js';

describe('createHub', () => {
  const seen: string[] = [];
  const t = useTestHub({
    observer: {
      accepted: (type, bytes, ms) => seen.push(`accepted:${type}:${bytes > 0}:${ms >= 0}`),
      refused: (code) => seen.push(`refused:${code}`),
      acked: (state) => seen.push(`acked:${state}`),
      delivered: () => seen.push('delivered'),
    },
  });

  test('observer hooks fire for accept, refuse, first read and ack', async () => {
    const r = await t.hub.submit({
      principal: as('000.00.00.G22'),
      body: body(await documentPackage('000.00.00.G22', ['000.00.00.H41'])),
      messageType: 'edoc',
    });
    await assert.rejects(
      t.hub.submit({
        principal: as('000.00.00.H41'),
        body: body(await documentPackage('000.00.00.G22', ['000.00.00.H41'])),
        messageType: 'edoc',
      }),
    );
    await collectStream((await t.hub.openPackage(as('000.00.00.H41'), r.docId)).stream);
    await collectStream((await t.hub.openPackage(as('000.00.00.H41'), r.docId)).stream);
    await t.hub.acknowledge(as('000.00.00.H41'), r.docId, 'done');
    assert.deepEqual(seen, ['accepted:edoc:true:true', 'refused:forbidden', 'delivered', 'acked:done']);
  });

  test('concurrent submissions: distinct packages all land, identical ones collapse to one DocId', async () => {
    const before = await t.hub.stats();
    const distinct = await Promise.all(
      Array.from({ length: 12 }, async () =>
        t.hub.submit({
          principal: as('000.00.00.G07'),
          body: body(await documentPackage('000.00.00.G07', ['000.00.00.H09'])),
          messageType: 'edoc',
        }),
      ),
    );
    assert.equal(new Set(distinct.map((r) => r.docId)).size, 12);
    const same = await documentPackage('000.00.00.G07', ['000.00.00.H09']);
    const copies = await Promise.all(
      Array.from({ length: 6 }, () =>
        t.hub.submit({ principal: as('000.00.00.G07'), body: body(same), messageType: 'edoc' }),
      ),
    );
    assert.equal(new Set(copies.map((r) => r.docId)).size, 1);
    assert.equal(copies.filter((r) => !r.duplicate).length, 1);
    const afterStats = await t.hub.stats();
    assert.equal(afterStats.documents, before.documents + 13);
    assert.equal(afterStats.pendingDeliveries, before.pendingDeliveries + 13);
    assert.equal(await t.hub.countPending(as('000.00.00.H09'), 'edoc'), 13);
  });

  test('a tenant long-poll wakes for a delivery to one of its units', async () => {
    const waiting = t.hub.waitForInbox(as('vxp.saas.03'), 'edoc', 10_000);
    const started = Date.now();
    await t.hub.submit({
      principal: as('000.00.00.G22'),
      body: body(await documentPackage('000.00.00.G22', ['000.00.32.H53'])),
      messageType: 'edoc',
    });
    await waiting;
    assert.ok(Date.now() - started < 5000);
  });

  test('close is idempotent and a reopened hub sees the same data', async () => {
    // the inspector's queue drains in the background: settled first, so that it cannot move between the two reads
    await t.hub.waitForInspections();
    const stats = await t.hub.stats();
    const reopened = await t.reopen();
    assert.deepEqual(await reopened.stats(), stats);
    assert.equal((await reopened.health()).ok, true);
  });
});
