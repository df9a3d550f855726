// Receipts through the SDK: the /v1 submit result and receipt(docId), the VXP header on sendEdoc.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Credentials, type RealHub, startRealHub } from '../test-support/real-hub.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { VxpClient } from '../vxp/vxp-client.js';
import { LienthongClient } from './lienthong-client.js';

const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
let hub: RealHub;
let creds: Credentials;

before(async () => {
  hub = await startRealHub();
  creds = await hub.addAgency(SENDER, 'UBND tỉnh Nghệ An');
  await hub.addAgency(RECIPIENT, 'Văn phòng Chính phủ');
});
after(() => hub?.close());

const payloadOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));

test('LienthongClient: submit returns the receipt, receipt(docId) the same one later', async () => {
  const client = new LienthongClient({ url: hub.url, apiKey: creds.apiKey });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const r = await client.submit(doc.bytes);
  assert.match(r.receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(payloadOf(r.receipt).docId, r.docId);
  assert.equal(payloadOf(r.receipt).sha256, r.sha256);
  assert.equal(await client.receipt(r.docId), r.receipt);
  assert.equal((await client.submit(doc.bytes)).receipt, r.receipt);
});

test('VxpClient: sendEdoc returns the receipt of the X-Lienthong-Receipt header', async () => {
  const client = new VxpClient({ endpoint: hub.url, systemId: creds.systemId, secret: creds.vxpSecret });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const r = await client.sendEdoc(doc.bytes, { from: SENDER, messageType: 'edoc' });
  assert.equal(r.status, 'OK');
  assert.equal(payloadOf(r.receipt!).docId, r.DocId);
  const v1 = new LienthongClient({ url: hub.url, apiKey: creds.apiKey });
  assert.equal(await v1.receipt(r.DocId), r.receipt);
});
