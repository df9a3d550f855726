import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { verifyReceipt } from '@lienthong/trust';
import { as, body, documentPackage, useTestHub } from '../core/hub-test-support.js';

const VPCP = '000.00.00.G22';
const NGHE_AN = '000.00.00.H41';

describe('signed receipts', () => {
  const t = useTestHub();

  test('acceptance returns a receipt signed by the hub over what was accepted; verifiable with the root alone', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const r = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    const v = await verifyReceipt(r.receipt, t.hub.pki.anchors);
    assert.equal(v.valid, true, JSON.stringify(v.reasons));
    const tl = await t.hub.timeline(as(VPCP), r.docId);
    assert.deepEqual(v.fields, {
      docId: r.docId,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      sender: VPCP,
      recipients: [NGHE_AN],
      acceptedAt: tl.acceptedAt.toISOString(),
      hubId: 'lienthong.test',
    });
    assert.equal(v.hub?.subject.includes('lienthong.test'), true, v.hub?.subject);
  });

  test('a duplicate submission returns the original receipt; the stored one survives a restart', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const first = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    const again = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    assert.equal(again.duplicate, true);
    assert.equal(again.receipt, first.receipt);
    await t.reopen();
    assert.equal(await t.hub.receipt(as(VPCP), first.docId), first.receipt);
  });

  test('the sender and operators read a receipt; a recipient or a stranger may not', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const r = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    assert.equal(await t.hub.receipt({ systemId: 'admin', via: 'admin' }, r.docId), r.receipt);
    await assert.rejects(t.hub.receipt(as(NGHE_AN), r.docId), { code: 'forbidden' });
    await assert.rejects(t.hub.receipt(as('000.00.01.H41'), r.docId), { code: 'not-found' });
  });
});
