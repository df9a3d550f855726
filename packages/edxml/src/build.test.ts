import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { buildDocument, buildStatus, collect, escapeXml } from './build.js';
import type { DocumentInput, ParseResult, StatusInput } from './contract.js';
import { chunks, MemorySink, readFixture } from './fixture-files.js';
import type { DocumentPackage, StatusPackage } from './model.js';
import { parseEdxml } from './parse.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function* pieces(bytes: Buffer, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield new Uint8Array(bytes.subarray(i, i + size));
}

const input: DocumentInput = {
  header: {
    from: {
      organId: '000.00.00.G22',
      organizationInCharge: 'Văn phòng Chính phủ',
      organName: 'Văn phòng Chính phủ',
      organAdd: 'Số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội',
      email: 'vpcp@gov.vn',
      telephone: '8043100',
      fax: '0480000',
      website: 'vpcp.vn',
    },
    to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }, { organId: '000.46.24.H44' }],
    documentId: '000.00.00.G22,2024/05/30,12/VPCP-TTĐT',
    code: { codeNumber: '12', codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/05/30' },
    documentType: { type: 1, typeDetail: 0, typeName: 'Công văn' },
    subject: 'V/v "kết nối" <liên thông> & chia sẻ — A&B\'s',
    content: 'Dòng 1\nDòng 2\r\nDòng 3',
    signerInfo: { competence: 'TL. BỘ TRƯỞNG', position: 'Cục trưởng', fullName: 'Nguyễn Văn A' },
    dueDate: '2024/06/15',
    otherInfo: {
      priority: 3,
      sphereOfPromulgation: 'Liên thông văn bản quốc gia',
      typerNotation: 'TVC',
      promulgationAmount: 2,
      pageAmount: 22,
      direction: true,
      appendixes: ['Phụ lục 1', 'Phụ lục 2'],
    },
    responseFor: [
      {
        organId: '000.00.00.H41',
        code: '5/UBND',
        promulgationDate: '2024/05/01',
        documentId: '000.00.00.H41,2024/05/01,5/UBND',
      },
    ],
    steeringType: 1,
    toPlaces: ['Như trên', 'Lưu: VT'],
  },
  traces: [{ organId: '000.00.00.G22', timestamp: '2024/05/30 08:00:00' }],
  business: {
    documentId: '000.00.00.G22,2024/05/01,7/VPCP',
    docType: 3,
    reason: 'Thay thế',
    paper: true,
    staffInfo: { department: 'Văn thư', staff: 'Trần B', email: 'vt@gov.vn', mobile: '0912' },
    replacements: [{ documentId: '000.00.00.G22,2024/05/01,7/VPCP', organIds: ['000.00.00.H41', '000.46.24.H44'] }],
  },
  attachments: [],
};

test('parse(build(x)) gives back x, attachments streamed from bytes and from an async iterable', async () => {
  const pdf = Buffer.alloc(200_003, 7);
  for (let i = 0; i < pdf.length; i++) pdf[i] = (i * 31) & 0xff;
  const zip = Buffer.from('PK\x03\x04 tiny', 'latin1');
  const built = await collect(
    buildDocument({
      ...input,
      attachments: [
        { attachmentName: 'văn bản.pdf', contentType: 'application/pdf', description: 'Bản chính', content: pdf },
        { contentId: 'cid:z', attachmentName: 'a.zip', contentType: 'application/zip', content: pieces(zip, 5) },
      ],
    }),
  );
  const sink = new MemorySink();
  const result = await parseEdxml(chunks(built, 1000), { attachmentSink: sink });
  const pkg = result.package as DocumentPackage;
  assert.equal(pkg.kind, 'document');
  assert.deepEqual(pkg.header, { ...input.header, content: 'Dòng 1\nDòng 2\r\nDòng 3' });
  assert.deepEqual(pkg.traces, input.traces);
  assert.deepEqual(pkg.business, input.business);
  assert.deepEqual(pkg.manifest, [
    { contentId: 'cid:1', contentType: 'application/pdf', description: 'Bản chính', attachmentName: 'văn bản.pdf' },
    { contentId: 'cid:z', contentType: 'application/zip', attachmentName: 'a.zip' },
  ]);
  assert.deepEqual(
    pkg.attachments.map((a) => [a.index, a.contentId, a.attachmentName, a.size, a.sha256]),
    [
      [0, 'cid:1', 'văn bản.pdf', pdf.length, sha256(pdf)],
      [1, 'cid:z', 'a.zip', zip.length, sha256(zip)],
    ],
  );
  assert.deepEqual(sink.bytes(0), pdf);
  assert.deepEqual(result.warnings, []);
  assert.match(built.toString(), /<edXML:Bussiness>/);
  assert.ok(result.traceInsertion);
});

test('the builder emits standard date forms for lenient input', async () => {
  const built = await collect(
    buildDocument({
      ...input,
      header: { ...input.header, promulgationInfo: { promulgationDate: '30/05/2024' } },
      traces: [{ organId: 'x', timestamp: '2024-05-30 08:00' }],
    }),
  );
  const text = built.toString();
  assert.match(text, /<edXML:PromulgationDate>2024\/05\/30<\/edXML:PromulgationDate>/);
  assert.match(text, /<edXML:Timestamp>2024\/05\/30 08:00:00<\/edXML:Timestamp>/);
});

test('every fixture: parse → build → parse gives the same model and attachment SHA-256', async () => {
  for (const name of ['edoc_new.edxml', 'edoc_update.edxml']) {
    const sink = new MemorySink();
    const first = await parseEdxml(chunks(readFixture(name)), { attachmentSink: sink });
    const pkg = first.package as DocumentPackage;
    const rebuilt = await collect(
      buildDocument({
        header: pkg.header,
        traces: pkg.traces,
        business: pkg.business,
        attachments: pkg.attachments.map((a) => ({
          ...a,
          attachmentName: a.attachmentName ?? '',
          content: sink.bytes(a.index),
        })),
      }),
    );
    const second = await parseEdxml(chunks(rebuilt, 4096));
    assert.deepEqual(withoutDerived(second), withoutDerived(first), name);
    assert.equal((second.package as DocumentPackage).attachments[0]?.sha256, pkg.attachments[0]?.sha256);
  }
  const status = (await parseEdxml(chunks(readFixture('status_processing_05.edxml')))).package as StatusPackage;
  const { kind, signature, ...statusInput } = status;
  const again = await parseEdxml(chunks(buildStatus(statusInput)));
  assert.deepEqual(again.package, status);
});

/** The model without what building cannot carry over: the signature and the sink's refs. */
function withoutDerived(result: ParseResult) {
  const { signature, ...pkg } = result.package as DocumentPackage;
  return { ...pkg, attachments: pkg.attachments.map(({ ref, ...a }) => a) };
}

test('a status package round-trips', async () => {
  const status: StatusInput = {
    from: { organId: '000.00.00.H41', organName: 'UBND <tỉnh> Nghệ An' },
    responseFor: { organId: '000.00.00.G22', documentId: '000.00.00.G22,2024/05/30,12/VPCP-TTĐT' },
    staffInfo: { staff: 'Nguyễn Thị C' },
    statusCode: '02',
    description: 'Sai nơi nhận & thẩm quyền',
    timestamp: '2024/05/31 09:10:11',
  };
  const parsed = await parseEdxml(chunks(buildStatus(status)));
  assert.deepEqual(parsed.package, { kind: 'status', ...status });
  assert.deepEqual(parsed.warnings, []);
});

test('escapeXml escapes markup and replaces characters XML cannot carry', () => {
  assert.equal(escapeXml(`a<b>&"c'\r\n`), 'a&lt;b&gt;&amp;&quot;c&apos;&#13;\n');
  assert.equal(escapeXml('x\u0001y\uD800z'), 'x\uFFFDy\uFFFDz');
  assert.equal(escapeXml('😀'), '😀');
});
