// Receipts over the wire: the /v1 answer and route, the VXP header beside an unchanged JSON answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyReceipt } from '@lienthong/trust';
import { httpCall } from '../test-support/http-request.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { startTestHub, type TestHub } from '../test-support/start-test-hub.js';
import { javaSdkHashFile, VxpTestClient } from '../test-support/vxp-test-client.js';
import { RECEIPT_HEADER } from './receipt-header.js';

const SENDER = '000.00.00.G22';
const RECEIVER = '000.00.00.H41';

describe('receipts over HTTP', () => {
  let t: TestHub;
  let root: string;
  before(async () => {
    t = await startTestHub();
    root = readFileSync(join(t.dataDir, 'pki', 'ca', 'root.pem'), 'utf8');
  });
  after(async () => t.stop());

  const v1 = (code: string, path: string, body?: Buffer) =>
    httpCall(`${t.url}/v1${path}`, {
      method: body ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${t.creds(code).apiKey}`,
        ...(body ? { 'content-type': 'application/xml' } : {}),
      },
      ...(body ? { body } : {}),
    });

  test('/v1: the answer carries the receipt (and the header); GET …/receipt gives it to the sender only', async () => {
    const doc = await sampleDocument({ from: SENDER, to: [RECEIVER] });
    const res = await v1(SENDER, '/packages', doc.bytes);
    assert.equal(res.status, 201, res.text());
    const { docId, receipt } = res.json();
    assert.equal(res.headers[RECEIPT_HEADER], receipt);
    const v = await verifyReceipt(receipt, [root]);
    assert.equal(v.valid, true, JSON.stringify(v.reasons));
    assert.equal(v.fields?.docId, docId);

    const again = await v1(SENDER, '/packages', doc.bytes);
    assert.equal(again.status, 200);
    assert.equal(again.json().receipt, receipt, 'a duplicate gets the original receipt');

    const got = await v1(SENDER, `/packages/${docId}/receipt`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json(), { docId, receipt });
    assert.equal((await v1(RECEIVER, `/packages/${docId}/receipt`)).status, 403);
  });

  for (const prefix of ['', '/vxp']) {
    test(`VXP ${prefix}/sendEdoc: the same JSON keys as before, the receipt in ${RECEIPT_HEADER}`, async () => {
      const doc = await sampleDocument({ from: SENDER, to: [RECEIVER] });
      const c = new VxpTestClient(t.url + prefix, t.creds(SENDER));
      const send = () =>
        c.call(
          'sendEdoc',
          { servicetype: 'eDoc', from: SENDER, messagetype: 'edoc', 'hash-file': javaSdkHashFile(doc.bytes) },
          { body: doc.bytes, contentType: 'application/octet-stream' },
        );
      const res = await send();
      const answer = res.json();
      assert.deepEqual(Object.keys(answer), ['status', 'ErrorCode', 'ErrorDesc', 'DocId']);
      assert.equal(answer.status, 'OK', answer.ErrorDesc);
      const receipt = res.headers[RECEIPT_HEADER] as string;
      const v = await verifyReceipt(receipt, [root]);
      assert.equal(v.valid, true, JSON.stringify(v.reasons));
      assert.equal(v.fields?.docId, answer.DocId);
      assert.deepEqual(v.fields?.recipients, [RECEIVER]);

      const again = await send();
      assert.deepEqual(again.json(), answer);
      assert.equal(again.headers[RECEIPT_HEADER], receipt);
    });
  }

  test('a refused sendEdoc carries no receipt', async () => {
    const c = new VxpTestClient(t.url, t.creds(SENDER));
    const res = await c.call('sendEdoc', { from: SENDER }, { body: '<edXML', contentType: 'application/octet-stream' });
    assert.equal(res.json().status, 'FAIL');
    assert.equal(res.headers[RECEIPT_HEADER], undefined);
  });
});
