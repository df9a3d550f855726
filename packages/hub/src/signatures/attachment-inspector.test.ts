import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { issueAgencyCert } from '@lienthong/trust';
import { buildPdf, buildZip, opensslSign, prepareSignature } from '@lienthong/trust/testing/pdf';
import SQLite from 'better-sqlite3';
import { as, body, documentPackage, sqliteFileOnly, startTestHub, type TestHub } from '../core/hub-test-support.js';

let t: TestHub;
let sender: string;
let recipient: string;
let signer: { cert: string; key: string; chain: string };

before(async () => {
  t = await startTestHub();
  const creds = await t.hub.initDemo();
  sender = creds.featured[0]!.systemId;
  recipient = creds.featured[1]!.systemId;
  const caDir = t.hub.pki.devCaDir!;
  const issued = await issueAgencyCert(caDir, { agencyCode: sender, name: 'Cơ quan gửi', keyType: 'ec-p256' });
  signer = {
    cert: join(caDir, issued.record.certificateFile),
    key: join(caDir, issued.record.keyFile),
    chain: join(caDir, 'intermediate.pem'),
  };
});

after(() => t.dispose());

function signedPdf(text: string): Buffer {
  const prepared = prepareSignature(buildPdf({ text }));
  return prepared.embed(opensslSign(prepared.signedBytes(), signer));
}

async function send(attachments: Array<{ name: string; type: string; content: Buffer }>): Promise<string> {
  const pkg = await documentPackage(sender, [recipient], {
    attachments: attachments.map((a) => ({ attachmentName: a.name, contentType: a.type, content: a.content })),
  });
  const r = await t.hub.submit({ principal: as(sender), body: body(pkg), messageType: 'auto' });
  return r.docId;
}

test('signed PDFs, raw and zipped, show on the timeline with the signer; a tampered one is invalid; stats count them', async () => {
  const raw = await send([{ name: 'quyet-dinh.pdf', type: 'application/pdf', content: signedPdf('Quyet dinh 1') }]);
  const zipped = await send([
    {
      name: 'cong-van.pdf',
      type: 'application/zip',
      content: buildZip([{ name: 'cong-van.pdf', data: signedPdf('Cong van 2') }]),
    },
  ]);
  const tamperedPdf = signedPdf('Thong bao 3');
  tamperedPdf[tamperedPdf.indexOf('Thong bao 3') + 10] = '8'.charCodeAt(0);
  const tampered = await send([
    { name: 'thong-bao.pdf', type: 'application/pdf', content: tamperedPdf },
    // declared a PDF, but is not one: told by its bytes
    { name: 'phu-luc.pdf', type: 'application/pdf', content: Buffer.from('not a pdf at all') },
  ]);
  await t.hub.waitForInspections();

  const a = await t.hub.timeline(as(sender), raw);
  assert.equal(a.attachments[0]?.inspection?.state, 'signed');
  assert.equal(a.attachments[0]?.inspection?.format, 'pdf');
  const sig = a.attachments[0]?.signatures?.[0];
  assert.equal(sig?.status, 'valid', JSON.stringify(sig?.reasons));
  assert.equal(sig?.coversWholeDocument, true);
  assert.equal(sig?.signer?.agencyCode, sender);
  assert.equal(sig?.signingTimeSource, 'cms');
  assert.equal(a.documentSignature?.state, 'signed');
  assert.equal(a.documentSignature?.signers[0]?.agencyCode, sender);
  assert.equal(a.documentSignature?.text, `carries a valid digital signature by Cơ quan gửi (${sender})`);
  // the recipient sees the same verdict
  const seen = await t.hub.timeline(as(recipient), raw);
  assert.equal(seen.documentSignature?.state, 'signed');

  const z = await t.hub.timeline(as(sender), zipped);
  assert.equal(z.attachments[0]?.inspection?.format, 'zip');
  assert.equal(z.attachments[0]?.inspection?.entryName, 'cong-van.pdf');
  assert.equal(z.attachments[0]?.signatures?.[0]?.status, 'valid');
  assert.equal(z.documentSignature?.state, 'signed');

  const bad = await t.hub.timeline(as(sender), tampered);
  const badSig = bad.attachments[0]?.signatures?.[0];
  assert.equal(badSig?.status, 'invalid');
  assert.deepEqual(
    badSig?.reasons.filter((r) => r.severity === 'error').map((r) => r.code),
    ['digest-mismatch'],
  );
  assert.equal(bad.attachments[1]?.inspection?.state, 'not-inspected');
  assert.deepEqual(
    bad.attachments[1]?.inspection?.reasons.map((r) => r.code),
    ['not-pdf'],
  );
  assert.equal(bad.documentSignature?.state, 'not-signed');
  assert.equal(
    bad.documentSignature?.text,
    'carries no valid digital signature (1 signature found, none valid over the whole file)',
  );

  const stats = (await t.hub.signatureStats()).find((r) => r.sender === sender);
  assert.equal(stats?.pdfSigned, 2);
  assert.ok((stats?.documents ?? 0) >= 3);
});

test('the same content is inspected once, whoever sends it again', async () => {
  const pdf = signedPdf('Ban sao');
  const first = await send([{ name: 'a.pdf', type: 'application/pdf', content: pdf }]);
  await t.hub.waitForInspections();
  const second = await send([{ name: 'b.pdf', type: 'application/pdf', content: pdf }]);
  await t.hub.waitForInspections();
  const [x, y] = await Promise.all([t.hub.timeline(as(sender), first), t.hub.timeline(as(sender), second)]);
  assert.equal(y.attachments[0]?.signatures?.[0]?.status, 'valid');
  assert.deepEqual(y.attachments[0]?.inspection?.checkedAt, x.attachments[0]?.inspection?.checkedAt);
});

test('inspections left pending by a crash are completed after a restart', { skip: sqliteFileOnly }, async () => {
  const docId = await send([{ name: 'sau-khoi-dong.pdf', type: 'application/pdf', content: signedPdf('Restart') }]);
  await t.hub.waitForInspections();
  await t.hub.close();
  // the state a crash before the verdict's transaction leaves: every attachment pending, no verdicts
  const db = new SQLite(join(t.dataDir, 'hub.sqlite'));
  db.exec(
    'DELETE FROM attachment_signatures; DELETE FROM attachment_inspections; UPDATE attachments SET inspected_at = NULL',
  );
  const pending = db.prepare('SELECT count(*) AS n FROM attachments WHERE inspected_at IS NULL').get() as { n: number };
  db.close();
  assert.ok(pending.n >= 5);

  const hub = await t.reopen();
  await hub.waitForInspections();
  // the verdicts of a batch of pending attachments are saved in one transaction, not one each
  const commits = (hub as unknown as { ctx: { store: { groupCommit: { stats: { items: number } } } } }).ctx.store
    .groupCommit.stats;
  assert.ok(commits.items < pending.n, `${commits.items} transactions since the restart for ${pending.n} attachments`);
  const tl = await hub.timeline(as(sender), docId);
  assert.equal(tl.attachments[0]?.signatures?.[0]?.status, 'valid');
  assert.equal(tl.documentSignature?.state, 'signed');
  const check = new SQLite(join(t.dataDir, 'hub.sqlite'), { readonly: true });
  const left = check.prepare('SELECT count(*) AS n FROM attachments WHERE inspected_at IS NULL').get() as { n: number };
  check.close();
  assert.equal(left.n, 0);
});
