import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { parseEdxml } from '@lienthong/edxml';
import { HubError } from '../core/contract.js';
import { as, body, collectStream, ctxOf, documentPackage, readFixture, useTestHub } from '../core/hub-test-support.js';

const TAY_NINH_FINANCE = '000.00.11.H53';
const TAY_NINH_PARTY = '000.00.01.A53';
const VPCP = '000.00.00.G22';
const NGHE_AN = '000.00.00.H41';

async function refusal(p: Promise<unknown>, code: string, message?: RegExp): Promise<HubError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof HubError, `expected a HubError, got ${err}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('submit', () => {
  const t = useTestHub();

  test('edoc_new.edxml from 000.00.11.H53 is accepted and reaches 000.00.01.A53', async () => {
    const bytes = readFixture('edoc_new.edxml');
    const r = await t.hub.submit({
      principal: as(TAY_NINH_FINANCE),
      body: body(bytes, 7919),
      messageType: 'edoc',
      declaredFrom: TAY_NINH_FINANCE,
      declaredSha256: createHash('sha256').update(bytes).digest('hex'),
    });
    assert.match(r.docId, /^[0-9a-f]{24}$/);
    assert.equal(r.duplicate, false);
    assert.deepEqual(r.recipients, [TAY_NINH_PARTY]);
    assert.equal(r.size, bytes.length);
    const page = await t.hub.inbox(as(TAY_NINH_PARTY), { messageType: 'edoc' });
    const item = page.items.find((i) => i.docId === r.docId);
    assert.ok(item);
    assert.equal(item.from, TAY_NINH_FINANCE);
    assert.equal(item.subject, 'Báo cáo tài chính tỉnh');
    const tl = await t.hub.timeline(as(TAY_NINH_FINANCE), r.docId);
    assert.equal(tl.attachments.length, 1);
    const att = await t.hub.openAttachment(as(TAY_NINH_PARTY), r.docId, tl.attachments[0]!.index);
    const bytesOut = await collectStream(att.stream);
    assert.equal(bytesOut.length, att.size);
    assert.equal(createHash('sha256').update(bytesOut).digest('hex'), att.sha256);
    assert.equal(bytesOut.subarray(0, 2).toString(), 'PK');
  });

  test('status_processing_05.edxml from H41 about a document unknown to this hub goes to ResponseFor/OrganId', async () => {
    const r = await t.hub.submit({
      principal: as(NGHE_AN),
      body: body(readFixture('status_processing_05.edxml')),
      messageType: 'status',
    });
    assert.equal(r.messageType, 'status');
    assert.deepEqual(r.recipients, [VPCP]);
    assert.ok(r.warnings.some((w) => /unknown to this hub/.test(w)));
    const page = await t.hub.inbox(as(VPCP), { messageType: 'status' });
    const item = page.items.find((i) => i.docId === r.docId);
    assert.equal(item?.statusCode, '05');
  });

  test('edoc_update.edxml from G22 targets an unknown document: accepted with a warning, To list + added', async () => {
    const r = await t.hub.submit({
      principal: as(VPCP),
      body: body(readFixture('edoc_update.edxml')),
      messageType: 'auto',
    });
    assert.deepEqual([...r.recipients].sort(), ['000.00.00.G17', '000.00.00.H14', '000.00.00.H53', '000.00.12.H53']);
    assert.ok(r.warnings.some((w) => /unknown to this hub/.test(w)));
  });

  test('the same package again returns the same DocId and delivers nothing new', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const first = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    const before = await t.hub.countPending(as(NGHE_AN), 'edoc');
    const again = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    assert.equal(again.docId, first.docId);
    assert.equal(again.duplicate, true);
    assert.equal(await t.hub.countPending(as(NGHE_AN), 'edoc'), before);
  });

  test('a different new document reusing a DocumentId is a conflict naming both', async () => {
    const documentId = `${VPCP},2024/05/01,77/VPCP-CONFLICT`;
    const first = await t.hub.submit({
      principal: as(VPCP),
      body: body(await documentPackage(VPCP, [NGHE_AN], { documentId })),
      messageType: 'edoc',
    });
    const err = await refusal(
      t.hub.submit({
        principal: as(VPCP),
        body: body(await documentPackage(VPCP, [NGHE_AN], { documentId, subject: 'khác' })),
        messageType: 'edoc',
      }),
      'conflict',
    );
    assert.ok(err.message.includes(documentId) && err.message.includes(first.docId), err.message);
  });

  test('a forged sender is forbidden; declaredFrom must match From', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    await refusal(
      t.hub.submit({ principal: as(NGHE_AN), body: body(bytes), messageType: 'edoc' }),
      'forbidden',
      /From\/OrganId 000\.00\.00\.G22 is not the authenticated system 000\.00\.00\.H41/,
    );
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc', declaredFrom: NGHE_AN }),
      'forbidden',
    );
  });

  test('unknown recipients are refused, each one named', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN, '000.00.00.X98', '000.00.00.X99']);
    const err = await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' }),
      'unknown-recipient',
    );
    assert.match(err.message, /000\.00\.00\.X98/);
    assert.match(err.message, /000\.00\.00\.X99/);
    assert.doesNotMatch(err.message, /H41/);
  });

  test('`to` overrides the package To list; a disabled agency cannot receive', async () => {
    const r = await t.hub.submit({
      principal: as(VPCP),
      body: body(await documentPackage(VPCP, [NGHE_AN])),
      messageType: 'edoc',
      to: ['000.00.00.H01'],
    });
    assert.deepEqual(r.recipients, ['000.00.00.H01']);
    await t.hub.setAgencyEnabled('000.00.00.H02', false);
    await refusal(
      t.hub.submit({
        principal: as(VPCP),
        body: body(await documentPackage(VPCP, ['000.00.00.H02'])),
        messageType: 'edoc',
      }),
      'unknown-recipient',
    );
    await t.hub.setAgencyEnabled('000.00.00.H02', true);
  });

  test('a wrong hash-file is digest-mismatch; the Java form with dropped zeros is accepted', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc', declaredSha256: 'ab'.repeat(32) }),
      'digest-mismatch',
    );
    const digest = createHash('sha256').update(bytes).digest();
    const javaHex = [...digest].map((b) => b.toString(16)).join('');
    const r = await t.hub.submit({
      principal: as(VPCP),
      body: body(bytes),
      messageType: 'edoc',
      declaredSha256: javaHex,
    });
    assert.equal(r.duplicate, false);
  });

  test('a multipart preamble is not part of the package: hash-file of the file alone, dedupe across boundaries', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const fileSha = createHash('sha256').update(bytes).digest('hex');
    const preamble = (b: string) =>
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="x.edxml"\r\n\r\n`);
    const first = await t.hub.submit({
      principal: as(VPCP),
      body: body(Buffer.concat([preamble('aaa111'), bytes])),
      messageType: 'edoc',
      declaredSha256: fileSha,
    });
    assert.equal(first.sha256, fileSha);
    const again = await t.hub.submit({
      principal: as(VPCP),
      body: body(Buffer.concat([preamble('bbb222'), bytes]), 7),
      messageType: 'edoc',
      declaredSha256: fileSha,
    });
    assert.equal(again.docId, first.docId);
    assert.equal(again.duplicate, true);
  });

  test('messagetype must match the package', async () => {
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(await documentPackage(VPCP, [NGHE_AN])), messageType: 'status' }),
      'bad-request',
    );
  });

  test('a tenant sends for its unit and receives for it; not for someone else', async () => {
    const tenant = as('vxp.saas.03');
    const unit = '000.00.32.H53';
    const r = await t.hub.submit({
      principal: tenant,
      body: body(await documentPackage(unit, [NGHE_AN])),
      messageType: 'edoc',
    });
    assert.deepEqual(r.recipients, [NGHE_AN]);
    await refusal(
      t.hub.submit({ principal: tenant, body: body(await documentPackage(VPCP, [NGHE_AN])), messageType: 'edoc' }),
      'forbidden',
    );
    const toUnit = await t.hub.submit({
      principal: as(VPCP),
      body: body(await documentPackage(VPCP, ['000.01.32.H53'])),
      messageType: 'edoc',
    });
    const page = await t.hub.inbox(tenant, { messageType: 'edoc' });
    assert.ok(page.items.some((i) => i.docId === toUnit.docId && i.to === '000.01.32.H53'));
    const opened = await t.hub.openPackage(tenant, toUnit.docId);
    await collectStream(opened.stream);
    await t.hub.acknowledge(tenant, toUnit.docId, 'done');
    const sent = await t.hub.sent(tenant, { messageType: 'edoc' });
    assert.ok(sent.items.some((i) => i.docId === r.docId));
  });

  test('invalid packages are refused with the element path', async () => {
    const bytes = (await documentPackage(VPCP, [NGHE_AN]))
      .toString('utf8')
      .replace(/<edXML:Subject>[^<]*<\/edXML:Subject>/, '<edXML:Subject></edXML:Subject>');
    const err = await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' }),
      'invalid-package',
    );
    assert.match(err.message, /Subject/);
  });
});

describe('submit limits and broken uploads', () => {
  const t = useTestHub({ limits: { maxBodyBytes: 64 * 1024 } });

  async function nothingLeft(): Promise<void> {
    assert.deepEqual(await readdir(join(t.dataDir, 'tmp')), []);
  }

  test('a body over the limit is too-large and leaves no temp files', async () => {
    const big = await documentPackage(VPCP, [NGHE_AN], {
      attachments: [{ attachmentName: 'big.bin', content: Buffer.alloc(200 * 1024, 7) }],
    });
    const before = (await t.hub.stats()).documents;
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(big, 16 * 1024), messageType: 'edoc' }),
      'too-large',
      /64 KB/,
    );
    await nothingLeft();
    assert.equal((await t.hub.stats()).documents, before);
  });

  test('a truncated body is bad-package and nothing is stored', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    await t.hub.waitForInspections(); // earlier tests' attachments: their queue must not move during this one
    const before = await t.hub.stats();
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: body(bytes.subarray(0, bytes.length - 300)), messageType: 'edoc' }),
      'bad-package',
      /truncated upload/,
    );
    await nothingLeft();
    assert.deepEqual(await t.hub.stats(), before);
  });

  test('a client that aborts mid-upload is bad-package (truncated) and nothing is stored', async () => {
    await t.hub.waitForInspections(); // earlier tests' attachments: their queue must not move during this one
    const bytes = await documentPackage(VPCP, [NGHE_AN], {
      attachments: [{ attachmentName: 'a.bin', content: Buffer.alloc(30 * 1024, 1) }],
    });
    const stream = new PassThrough();
    stream.write(bytes.subarray(0, 20 * 1024));
    setTimeout(() => stream.destroy(new Error('aborted')), 20);
    const before = await t.hub.stats();
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: stream, messageType: 'edoc' }),
      'bad-package',
      /truncated upload/,
    );
    await nothingLeft();
    assert.deepEqual(await t.hub.stats(), before);
  });

  test('garbage is bad-package', async () => {
    await refusal(
      t.hub.submit({ principal: as(VPCP), body: Readable.from([Buffer.from('not xml at all')]), messageType: 'edoc' }),
      'bad-package',
    );
    await nothingLeft();
  });

  test('refusals are in the audit log with the reason and sender', async () => {
    const entries = await t.hub.listAudit(0, 1000);
    const refusals = entries.filter((e) => e.outcome === 'refused');
    assert.ok(refusals.length >= 3);
    assert.ok(refusals.some((e) => /truncated upload/.test(e.reason ?? '')));
    assert.ok(refusals.every((e) => JSON.parse(e.payload).outcome === 'refused'));
  });

  test("an accepted package's small blobs are read back from memory: the inspector and the recipient read no database", async () => {
    await t.hub.waitForInspections();
    const store = ctxOf(t.hub).store;
    const getInlineBlob = store.getInlineBlob.bind(store);
    const read: string[] = [];
    store.getInlineBlob = (key) => {
      read.push(key);
      return getInlineBlob(key);
    };
    try {
      const attachment = Buffer.from(`chỉ đọc một lần ${Date.now()}`);
      const bytes = await documentPackage(VPCP, [NGHE_AN], {
        attachments: [{ attachmentName: 'a.txt', contentType: 'text/plain', content: attachment }],
      });
      const r = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
      await t.hub.waitForInspections();
      const opened = await t.hub.openPackage(as(NGHE_AN), r.docId);
      assert.equal((await collectStream(opened.stream)).length, opened.size);
      const one = await t.hub.openAttachment(as(NGHE_AN), r.docId, 0);
      assert.deepEqual(await collectStream(one.stream), attachment);
      assert.deepEqual(read, []);
    } finally {
      store.getInlineBlob = getInlineBlob;
    }
  });

  test('the stored package parses again', async () => {
    const bytes = await documentPackage(VPCP, [NGHE_AN]);
    const r = await t.hub.submit({ principal: as(VPCP), body: body(bytes), messageType: 'edoc' });
    const opened = await t.hub.openPackage(as(NGHE_AN), r.docId);
    const out = await collectStream(opened.stream);
    assert.equal(out.length, opened.size);
    const reparsed = await parseEdxml(Readable.from([out]));
    assert.equal(reparsed.package.kind, 'document');
  });
});
