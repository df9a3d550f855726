// The canonical VXP client loop against the real hub: send → list → fetch → ack → statuses back.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collect, parseEdxml, type StatusCode } from '@lienthong/edxml';
import { type Credentials, type RealHub, startRealHub } from '../test-support/real-hub.js';
import { sampleDocument, sampleStatus } from '../test-support/sample-packages.js';
import { VxpClient } from './vxp-client.js';
import { VxpError } from './vxp-error.js';

const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
let hub: RealHub;
let senderCreds: Credentials;
let recipientCreds: Credentials;

before(async () => {
  hub = await startRealHub();
  senderCreds = await hub.addAgency(SENDER, 'UBND tỉnh Nghệ An');
  recipientCreds = await hub.addAgency(RECIPIENT, 'Văn phòng Chính phủ');
});
after(() => hub?.close());

function client(c: Credentials, extra: Partial<ConstructorParameters<typeof VxpClient>[0]> = {}): VxpClient {
  return new VxpClient({ endpoint: hub.url, systemId: c.systemId, secret: c.vxpSecret, ...extra });
}

async function parse(bytes: Buffer) {
  return (
    await parseEdxml(
      (async function* () {
        yield bytes;
      })(),
    )
  ).package;
}

test('send → list → getEdoc/downloadEdoc → updateStatus done → statuses 01..06 reach the sender', async () => {
  const sender = client(senderCreds);
  const recipient = client(recipientCreds);
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const file = join(hub.dataDir, 'outgoing.edxml');
  await writeFile(file, doc.bytes);

  const sent = await sender.sendEdoc(file, { from: SENDER, messageType: 'edoc' });
  assert.equal(sent.status, 'OK');
  assert.ok(sent.DocId);

  assert.ok((await recipient.countReceiveEdoc()).count >= 1);
  const list = await recipient.getReceivedEdocList({ messageType: 'edoc' });
  const item = list.data.find((d) => d.docId === sent.DocId);
  assert.ok(item, "the document is in the recipient's list");
  assert.equal(item.from, SENDER);

  const got = await recipient.getEdoc(sent.DocId);
  const pkg = await parse(got);
  assert.equal(pkg.kind, 'document');
  assert.equal(pkg.kind === 'document' && pkg.header.documentId, doc.documentId);
  const downloaded = await collect(await recipient.downloadEdoc(sent.DocId));
  assert.ok(downloaded.equals(got), 'downloadEdoc and getEdoc give the same package');

  assert.equal((await recipient.updateStatus(sent.DocId, 'done')).status, 'OK');
  const after = await recipient.getReceivedEdocList({ messageType: 'edoc' });
  assert.ok(!after.data.some((d) => d.docId === sent.DocId), 'done takes it out of the pending list');

  const codes: StatusCode[] = ['01', '02', '03', '04', '05', '06'];
  for (const code of codes) {
    const r = await recipient.sendEdoc(sampleStatus(RECIPIENT, SENDER, doc.documentId, code), {
      from: RECIPIENT,
      messageType: 'status',
    });
    assert.equal(r.status, 'OK');
  }
  assert.ok((await sender.countReceiveStatus()).count >= codes.length);
  const statuses = await sender.getReceivedEdocList({ messageType: 'status' });
  const seen: string[] = [];
  for (const s of statuses.data) {
    const p = await parse(await sender.getEdoc(s.docId));
    if (p.kind === 'status' && p.responseFor.documentId === doc.documentId) seen.push(p.statusCode);
    await sender.updateStatus(s.docId, 'done');
  }
  assert.deepEqual(seen.sort(), codes);
  assert.equal((await sender.countReceiveStatus()).count, 0);

  const sentList = await sender.getSentEdocList({ messageType: 'edoc', docId: sent.DocId });
  assert.equal(sentList.status, 'OK');
});

test('a Java-SDK-quirky client (stale timestamp, leaking headers, filePath) is understood', async () => {
  const quirky = client(senderCreds, { emulateQuirks: true });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  const file = join(hub.dataDir, 'quirky.edxml');
  await writeFile(file, doc.bytes);
  const r = await quirky.sendEdoc(file, { from: SENDER, to: [RECIPIENT] });
  assert.equal(r.status, 'OK');
  // the next calls carry the previous call's from/servicetype/to/hash-file/filePath headers
  assert.equal((await quirky.getReceivedEdocList({ messageType: 'status' })).status, 'OK');
  const recipient = client(recipientCreds, { headerOrder: 'insertion', refreshTimestamp: true });
  await recipient.updateStatus(r.DocId, 'done', 'Đã nhận vào hệ thống');
});

test('the directory operations answer', async () => {
  const c = client(senderCreds);
  const agencies = await c.getAgenciesList();
  assert.ok(agencies.data.some((a) => a.code === RECIPIENT));
  assert.equal((await c.getAgenciesListQD20(1)).status, 'OK');
  assert.equal((await c.getSynchronizeUnit()).status, 'OK');
});

test("FAIL answers throw VxpError with the hub's ErrorCode and ErrorDesc", async () => {
  const wrong = client({ ...senderCreds, vxpSecret: 'x'.repeat(44) });
  await assert.rejects(wrong.countReceiveEdoc(), (err: unknown) => {
    assert.ok(err instanceof VxpError);
    assert.ok(err.errorCode !== '0' && err.errorCode !== '');
    assert.match(err.errorDesc, /./);
    return true;
  });
  const right = client(recipientCreds);
  await assert.rejects(right.getEdoc('000000000000000000000000'), VxpError);
  await assert.rejects(right.updateStatus('000000000000000000000000', 'done'), VxpError);
});
