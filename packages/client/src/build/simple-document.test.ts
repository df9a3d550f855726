import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect, parseEdxml, validatePackage } from '@lienthong/edxml';
import { buildSimpleDocument } from './simple-document.js';

test('buildSimpleDocument streams a valid package with its attachments', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lt-simple-'));
  try {
    const pdf = randomBytes(200_000);
    const file = join(dir, 'Công văn 123.pdf');
    await writeFile(file, pdf);
    const bytes = await collect(
      buildSimpleDocument({
        from: { organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' },
        to: ['000.00.00.G22', '000.00.24.H44'],
        codeNumber: '123',
        codeNotation: 'UBND-VX',
        subject: 'Về việc triển khai trục liên thông văn bản',
        promulgationDate: '2024/05/06',
        signer: { fullName: 'Nguyễn Văn A', position: 'Chủ tịch' },
        priority: 1,
        attachments: [{ path: file }, { name: 'ghi-chu.txt', content: Buffer.from('Ghi chú') }],
      }),
    );
    const parsed = await parseEdxml(
      (async function* () {
        yield bytes;
      })(),
    );
    const pkg = parsed.package;
    assert.equal(pkg.kind, 'document');
    if (pkg.kind !== 'document') return;
    assert.equal(pkg.header.documentId, '000.00.00.H41,2024/05/06,123/UBND-VX');
    assert.deepEqual(
      pkg.header.to.map((t) => t.organId),
      ['000.00.00.G22', '000.00.24.H44'],
    );
    assert.equal(pkg.header.subject, 'Về việc triển khai trục liên thông văn bản');
    assert.equal(pkg.header.documentType.typeName, 'Công văn');
    assert.equal(pkg.attachments.length, 2);
    assert.equal(pkg.attachments[0]?.attachmentName, 'Công văn 123.pdf');
    assert.equal(pkg.attachments[0]?.contentType, 'application/pdf');
    assert.equal(pkg.attachments[0]?.sha256, createHash('sha256').update(pdf).digest('hex'));
    assert.equal(pkg.attachments[1]?.contentType, 'text/plain');
    const errors = validatePackage(pkg, { now: new Date('2024-06-01T00:00:00Z') }).filter(
      (i) => i.severity === 'error',
    );
    assert.deepEqual(errors, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an attachment with neither path nor content is refused up front', () => {
  assert.throws(
    () =>
      buildSimpleDocument({
        from: 'A',
        to: ['B'],
        codeNumber: '1',
        codeNotation: 'X',
        subject: 's',
        attachments: [{ name: 'x' }],
      }),
    /give a path or the content/,
  );
});
