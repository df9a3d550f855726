import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { type TestPki, testPki } from '../testing/dev-pki.js';
import { opensslSign } from '../testing/pdf/openssl-cms.js';
import { buildPdf, prepareSignature } from '../testing/pdf/test-pdf.js';
import { buildZip } from '../testing/pdf/test-zip.js';
import { writeTemp } from '../testing/pdf/write-temp.js';
import { bufferSource, fileSource } from './byte-source.js';
import { type AttachmentInspection, type InspectOptions, inspectAttachment } from './inspect-attachment.js';

let pki: TestPki;
let options: InspectOptions;
let signedPdf: Buffer;

before(async () => {
  pki = await testPki();
  options = { trustAnchors: [pki.root.certificate] };
  const prepared = prepareSignature(buildPdf({ text: 'Cong van so 7' }));
  signedPdf = prepared.embed(
    opensslSign(prepared.signedBytes(), {
      cert: pki.files.agencyEcCert,
      key: pki.files.agencyEcKey,
      chain: pki.files.intermediate,
    }),
  );
});

function inspect(bytes: Uint8Array, extra: Partial<InspectOptions> = {}): Promise<AttachmentInspection> {
  return inspectAttachment(bufferSource(bytes), { ...options, ...extra });
}

const codes = (i: AttachmentInspection) => i.reasons.map((r) => r.code);

test('a raw signed PDF is found by its magic and verified', async () => {
  const i = await inspect(signedPdf);
  assert.equal(i.outcome, 'signed');
  assert.equal(i.format, 'pdf');
  assert.equal(i.signatures[0]?.status, 'valid');
  assert.equal(i.signatures[0]?.signer?.agencyCode, '000.00.00.H41');
});

test('a signed PDF in a one-entry ZIP (deflated or stored) is inflated on the fly and verified', async () => {
  for (const method of [8, 0] as const) {
    const zip = buildZip([{ name: 'Công văn 7.pdf', data: signedPdf, method }]);
    const i = await inspectAttachment(await fileSource(writeTemp(`signed-${method}.zip`, zip)), options);
    assert.equal(i.outcome, 'signed', JSON.stringify(i.reasons));
    assert.equal(i.format, 'zip');
    assert.deepEqual(i.entry, {
      name: 'Công văn 7.pdf',
      size: signedPdf.length,
      compressedSize: method === 8 ? deflateRawSync(signedPdf).length : signedPdf.length,
    });
    assert.equal(i.signatures[0]?.status, 'valid');
    assert.equal(i.signatures[0]?.coversWholeDocument, true);
  }
});

test('an unsigned PDF, and a file that is neither PDF nor ZIP', async () => {
  const unsigned = await inspect(buildPdf().bytes);
  assert.equal(unsigned.outcome, 'unsigned');
  assert.deepEqual(codes(unsigned), ['signature-absent']);
  const other = await inspect(Buffer.from('PK? no, a plain text file'));
  assert.equal(other.outcome, 'not-inspected');
  assert.deepEqual(codes(other), ['not-pdf']);
});

test('a ZIP of several files, or of one file that is not a PDF, is noted and not inspected', async () => {
  const several = await inspect(
    buildZip([
      { name: 'a.pdf', data: signedPdf },
      { name: 'b.pdf', data: signedPdf },
    ]),
  );
  assert.equal(several.outcome, 'not-inspected');
  assert.deepEqual(codes(several), ['zip-multiple-entries']);
  const docx = await inspect(
    buildZip([{ name: 'vanban.docx', data: Buffer.from('PK\u0003\u0004 word/document.xml') }]),
  );
  assert.equal(docx.outcome, 'not-inspected');
  assert.deepEqual(codes(docx), ['zip-entry-not-pdf']);
  // a directory entry beside the one file does not count
  const withDir = await inspect(
    buildZip([
      { name: 'hoso/', data: Buffer.alloc(0), method: 0 },
      { name: 'hoso/vanban.pdf', data: signedPdf },
    ]),
  );
  assert.equal(withDir.outcome, 'signed');
});

test('path tricks in the entry name are refused', async () => {
  for (const name of ['../../etc/cron.d/x.pdf', '/etc/passwd.pdf', 'C:\\Windows\\x.pdf', 'a\u0000.pdf']) {
    const i = await inspect(buildZip([{ name, data: signedPdf }]));
    assert.equal(i.outcome, 'refused', name);
    assert.deepEqual(codes(i), ['zip-entry-name-unsafe'], name);
  }
});

test('a zip bomb is refused from its directory, before inflating, quickly', async () => {
  // 64 MiB of zeros deflate to ~64 KiB: a declared ratio of ~1000:1
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  const compressed = deflateRawSync(zeros, { level: 9 });
  const bomb = buildZip([{ name: 'bomb.pdf', data: Buffer.alloc(0), compressed, declaredSize: zeros.length }]);
  const started = performance.now();
  const rss = process.memoryUsage().rss;
  const i = await inspect(bomb);
  const ms = performance.now() - started;
  assert.equal(i.outcome, 'refused');
  assert.deepEqual(codes(i), ['zip-bomb']);
  assert.match(i.reasons[0]!.message, /ratio of \d+:1, over the 200:1 limit/);
  assert.ok(ms < 500, `${ms} ms`);
  assert.ok(process.memoryUsage().rss - rss < 32 * 1024 * 1024);
  process.stdout.write(`# declared zip bomb (${compressed.length} B → 64 MiB) refused in ${ms.toFixed(1)} ms\n`);
});

test('a zip bomb that lies about its size is stopped at the declared size, in bounded memory', async () => {
  // declares 100 KiB (a plausible ratio) but inflates to 64 MiB; it starts like a PDF
  const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64 * 1024 * 1024)]);
  const compressed = deflateRawSync(content, { level: 9 });
  const bomb = buildZip([{ name: 'liar.pdf', data: content, compressed, declaredSize: 100 * 1024 }]);
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  const i = await inspect(bomb);
  const ms = performance.now() - started;
  assert.equal(i.outcome, 'refused');
  assert.deepEqual(codes(i), ['zip-bomb']);
  assert.match(i.reasons[0]!.message, /inflates past its declared 102400 bytes/);
  assert.ok(ms < 1000, `${ms} ms`);
  assert.ok(process.memoryUsage().rss - rss < 32 * 1024 * 1024);
  process.stdout.write(`# lying zip bomb stopped after its declared 100 KiB in ${ms.toFixed(1)} ms\n`);
});

test('size limits, encryption, exotic methods and corrupt data are refused with a reason', async () => {
  const big = await inspect(buildZip([{ name: 'big.pdf', data: signedPdf }]), {
    zip: { maxUncompressedBytes: 1024 },
  });
  assert.deepEqual(codes(big), ['zip-too-large']);

  const encrypted = buildZip([{ name: 'x.pdf', data: signedPdf }]);
  const cd = encrypted.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  encrypted.writeUInt16LE(0x801, cd + 8);
  assert.deepEqual(codes(await inspect(encrypted)), ['zip-encrypted']);

  const bzip = buildZip([{ name: 'x.pdf', data: signedPdf }]);
  bzip.writeUInt16LE(12, bzip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
  assert.deepEqual(codes(await inspect(bzip)), ['zip-unsupported']);

  const corrupt = buildZip([{ name: 'x.pdf', data: signedPdf }]);
  corrupt.fill(0xff, 40, 60);
  const i = await inspect(corrupt);
  assert.equal(i.outcome, 'refused');
  assert.deepEqual(codes(i), ['zip-malformed']);

  assert.deepEqual(codes(await inspect(Buffer.from('PK\u0003\u0004 truncated'))), ['zip-malformed']);
});
