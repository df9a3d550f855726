// The canonical /v1 loop against the real hub: submit → inbox → download → ack → statuses → timeline.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { collect, parseEdxml, type StatusCode } from '@lienthong/edxml';
import { type Credentials, type RealHub, startRealHub } from '../test-support/real-hub.js';
import { sampleDocument } from '../test-support/sample-packages.js';
import { LienthongApiError } from './api-error.js';
import { LienthongClient } from './lienthong-client.js';

const SENDER = '000.00.00.H41';
const RECIPIENT = '000.00.00.G22';
const OTHER = '000.00.00.G01';
let hub: RealHub;
let sender: LienthongClient;
let recipient: LienthongClient;
let other: LienthongClient;

before(async () => {
  hub = await startRealHub();
  const make = (c: Credentials) => new LienthongClient({ url: hub.url, apiKey: c.apiKey });
  sender = make(await hub.addAgency(SENDER, 'UBND tỉnh Nghệ An'));
  recipient = make(await hub.addAgency(RECIPIENT, 'Văn phòng Chính phủ'));
  other = make(await hub.addAgency(OTHER, 'Bộ Ngoại giao'));
});
after(() => hub?.close());

test('submit → inbox → download/attachment → ack → status 01..06 visible to the sender', async () => {
  const attachment = Buffer.from('%PDF-1.4 nội dung thử nghiệm '.repeat(1000));
  const doc = await sampleDocument(SENDER, [RECIPIENT], attachment);
  const file = join(hub.dataDir, 'doc.edxml');
  await writeFile(file, doc.bytes);

  let uploaded = 0;
  const r = await sender.submit(file, { onProgress: (p) => (uploaded = p.transferred) });
  assert.equal(r.messageType, 'edoc');
  assert.equal(r.duplicate, false);
  assert.deepEqual(r.recipients, [RECIPIENT]);
  assert.equal(r.size, doc.bytes.length);
  assert.equal(uploaded, doc.bytes.length);
  const again = await sender.submit(doc.bytes);
  assert.equal(again.duplicate, true, 'a resubmission is recognised');
  assert.equal(again.docId, r.docId);

  const page = await recipient.inbox({ type: 'edoc' });
  const item = page.items.find((i) => i.docId === r.docId);
  assert.ok(item);
  assert.equal(item.from, SENDER);
  assert.equal(item.documentId, doc.documentId);
  assert.ok(item.createdAt instanceof Date);
  const pages = [];
  for await (const p of recipient.iterateInbox({ type: 'edoc', limit: 1 })) pages.push(p);
  assert.ok(pages.flatMap((p) => p.items).some((i) => i.docId === r.docId));

  const delivered = await collect(await recipient.download(r.docId));
  const pkg = (
    await parseEdxml(
      (async function* () {
        yield delivered;
      })(),
    )
  ).package;
  assert.equal(pkg.kind === 'document' && pkg.header.documentId, doc.documentId);
  const saved = join(hub.dataDir, 'fetched.edxml');
  const written = await recipient.downloadTo(r.docId, saved);
  assert.equal(written.size, delivered.length);
  assert.ok((await readFile(saved)).equals(delivered));
  const a = await recipient.attachment(r.docId, 0);
  assert.equal(a.name, 'công-văn.pdf');
  assert.ok((await collect(a.stream)).equals(attachment));

  await recipient.ack(r.docId, 'done');
  assert.ok(!(await recipient.inbox({ type: 'edoc' })).items.some((i) => i.docId === r.docId));

  const codes: StatusCode[] = ['01', '02', '03', '04', '05', '06'];
  for (const code of codes) {
    const s = await recipient.sendStatus(r.docId, code, {
      description: `Trạng thái ${code}`,
      staff: { staff: 'Nguyễn Thị Văn Thư', department: 'Văn phòng' },
    });
    assert.equal(s.messageType, 'status');
    assert.deepEqual(s.recipients, [SENDER]);
  }

  const statuses = (await sender.inbox({ type: 'status' })).items.filter((i) => i.responseForDocId === r.docId);
  assert.deepEqual(statuses.map((s) => s.statusCode).sort(), codes);
  for (const s of statuses) await sender.ack(s.docId, 'done');

  const timeline = await sender.timeline(r.docId);
  assert.equal(timeline.docId, r.docId);
  assert.equal(timeline.sender, SENDER);
  assert.ok(timeline.acceptedAt instanceof Date);
  const rec = timeline.recipients.find((x) => x.code === RECIPIENT);
  assert.ok(rec);
  assert.equal(rec.state, 'done');
  assert.deepEqual(rec.statuses.map((s) => s.statusCode).sort(), codes);

  const sent = await sender.sent();
  const mine = sent.items.find((i) => i.docId === r.docId);
  assert.ok(mine);
  assert.equal(mine.recipients[0]?.lastStatus, '06');

  const agencies = await sender.agencies();
  assert.ok(agencies.some((x) => x.code === RECIPIENT && x.name === 'Văn phòng Chính phủ'));
  assert.equal((await sender.agency(RECIPIENT)).code, RECIPIENT);
});

test('a long-poll returns as soon as a document arrives', async () => {
  const doc = await sampleDocument(SENDER, [OTHER]);
  const started = Date.now();
  const waiting = other.inbox({ type: 'edoc', wait: 20 });
  await new Promise((r) => setTimeout(r, 300));
  const sent = await sender.submit(doc.bytes);
  const page = await waiting;
  assert.ok(Date.now() - started < 15_000, 'did not wait for the whole timeout');
  assert.ok(page.items.some((i) => i.docId === sent.docId));
});

test('refusals become LienthongApiError with status and code', async () => {
  await assert.rejects(recipient.download('000000000000000000000000'), (err: unknown) => {
    assert.ok(err instanceof LienthongApiError);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'not-found');
    assert.ok(err.requestId);
    return true;
  });
  await assert.rejects(sender.submit(Buffer.from('<not-edxml/>')), (err: unknown) => {
    assert.ok(err instanceof LienthongApiError);
    assert.ok(err.status === 400 || err.status === 422, `status ${err.status}`);
    return true;
  });
  const bad = new LienthongClient({ url: hub.url, apiKey: 'lt_nope_nope' });
  await assert.rejects(bad.inbox(), { status: 401, code: 'unauthenticated' });
  const doc = await sampleDocument(SENDER, [RECIPIENT]);
  await assert.rejects(sender.submit(doc.bytes, { digest: 'ab'.repeat(32) }), { code: 'digest-mismatch' });
});

test('ackMany: many acknowledgements in one request, each recorded or refused on its own', async () => {
  const mine: string[] = [];
  for (let i = 0; i < 3; i++) mine.push((await sender.submit((await sampleDocument(SENDER, [RECIPIENT])).bytes)).docId);
  const notMine = (await sender.submit((await sampleDocument(SENDER, [OTHER])).bytes)).docId;
  await recipient.download(mine[0]!).then(collect);

  const results = await recipient.ackMany([
    { docId: mine[0]!, state: 'done' },
    { docId: mine[1]!, state: 'processing', description: 'đang xử lý' },
    { docId: notMine, state: 'done' },
    { docId: 'nonsense', state: 'done' },
  ]);
  assert.deepEqual(
    results.map((r) => [r.docId, r.ok, r.error?.code]),
    [
      [mine[0], true, undefined],
      [mine[1], true, undefined],
      [notMine, false, 'not-found'],
      ['nonsense', false, 'not-found'],
    ],
  );

  const inbox = (await recipient.inbox({ type: 'edoc' })).items.filter((i) => mine.includes(i.docId));
  assert.deepEqual(
    inbox.map((i) => [i.docId, i.state]).sort(),
    [
      [mine[1], 'processing'],
      [mine[2], 'pending'],
    ].sort(),
  );
  const t = await sender.timeline(mine[1]!);
  assert.equal(t.recipients.find((r) => r.code === RECIPIENT)?.state, 'processing');
  assert.equal((await sender.timeline(notMine)).recipients.find((r) => r.code === OTHER)?.state, 'pending');

  // a done delivery cannot go back to processing: refused alone, the rest recorded
  const again = await recipient.ackMany([
    { docId: mine[0]!, state: 'processing' },
    { docId: mine[2]!, state: 'done' },
    { docId: mine[0]!, state: 'done' },
  ]);
  assert.deepEqual(
    again.map((r) => [r.ok, r.error?.code]),
    [
      [false, 'conflict'],
      [true, undefined],
      [true, undefined],
    ],
  );
  await assert.rejects(recipient.ackMany([{ docId: mine[1]!, state: 'bogus' as 'done' }]), (e: LienthongApiError) => {
    return e.status === 400 && e.code === 'bad-request';
  });
});
