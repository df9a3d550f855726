import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EdxmlError, type ParseOptions, type ParseResult } from './contract.js';
import { chunks, FIXTURES, MemorySink, readFixture } from './fixture-files.js';
import { type DocumentPackage, EDXML_NAMESPACE, type StatusPackage } from './model.js';
import { parseEdxml } from './parse.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The attachment, decoded independently of the parser: the text of the one ContentTransferEncoded. */
function independentAttachment(file: Buffer): Buffer {
  const text = file.toString('latin1');
  const open = text.indexOf('>', text.indexOf('<edXML:ContentTransferEncoded')) + 1;
  const close = text.indexOf('</edXML:ContentTransferEncoded>');
  return Buffer.from(text.slice(open, close), 'base64');
}

async function parseFixture(name: string, options?: ParseOptions, size?: number): Promise<ParseResult> {
  return parseEdxml(chunks(readFixture(name), size), options);
}

function documentOf(result: ParseResult): DocumentPackage {
  assert.equal(result.package.kind, 'document');
  return result.package as DocumentPackage;
}

async function rejectsWith(
  input: string | Buffer,
  code: EdxmlError['code'],
  message: RegExp,
  options?: ParseOptions & { path?: string },
): Promise<EdxmlError> {
  let caught: unknown;
  try {
    await parseEdxml(chunks(input, 4096), options);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EdxmlError, `expected EdxmlError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, message);
  if (options?.path !== undefined) assert.equal(caught.path, options.path);
  return caught;
}

const HEADER_OPEN = `<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="${EDXML_NAMESPACE}">
  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:To>
        <edXML:DocumentId>000.00.00.G22,2024/01/02,12/VPCP-TTĐT</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>12</edXML:CodeNumber><edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>
`;
const HEADER_CLOSE = `        <edXML:Subject>Thử nghiệm</edXML:Subject>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
`;
const ATTACHMENT_PATH = 'edXML/AttachmentEncoded/Attachment/ContentTransferEncoded';

/** A small document package; `base64` is the attachment's encoded content. */
function smallDocument(base64 = 'QUJD', extraHeader = ''): string {
  return `${HEADER_OPEN}${extraHeader}${HEADER_CLOSE}  <AttachmentEncoded>
    <Attachment>
      <ContentId>cid:1</ContentId>
      <AttachmentName>a.txt</AttachmentName>
      <edXML:ContentTransferEncoded xmlns:edXML="${EDXML_NAMESPACE}">${base64}</edXML:ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
`;
}

test('edoc_new.edxml: header values, dates normalised, business type 0, attachment', async () => {
  const file = readFixture('edoc_new.edxml');
  const sink = new MemorySink();
  const result = await parseFixture('edoc_new.edxml', { attachmentSink: sink });
  const pkg = documentOf(result);
  const h = pkg.header;
  assert.equal(h.from.organId, '000.00.11.H53');
  assert.equal(h.from.organName, 'Sở Tính');
  assert.equal(h.from.organAdd, undefined, 'empty element is undefined');
  assert.equal(h.to.length, 1);
  assert.equal(h.to[0]?.organId, '000.00.01.A53');
  assert.equal(h.documentId, '000.00.11.H53,2020/10/30,2491/STC-BCTC');
  assert.deepEqual(h.code, { codeNumber: '2491', codeNotation: 'STC-BCTC' });
  assert.deepEqual(h.promulgationInfo, { place: 'Tây Ninh', promulgationDate: '2020/10/30' });
  assert.deepEqual(h.documentType, { type: 1, typeDetail: 0, typeName: 'Công văn' });
  assert.deepEqual(h.signerInfo, {});
  assert.equal(h.dueDate, undefined);
  assert.deepEqual(h.otherInfo, {
    priority: 0,
    sphereOfPromulgation: 'Liên thông văn bản',
    promulgationAmount: 2,
    pageAmount: 22,
    direction: false,
    appendixes: [],
  });
  assert.equal(h.steeringType, 1);
  assert.deepEqual(h.toPlaces, ['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
  assert.deepEqual(pkg.traces, [{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }]);
  assert.equal(pkg.business.docType, 0);
  assert.equal(pkg.business.documentId, '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT');
  assert.equal(pkg.business.staffInfo?.staff, 'Nguyễn Thị Ngọc Trâm');
  assert.equal(pkg.business.paper, false);
  assert.deepEqual(pkg.manifest, [
    {
      contentId: 'cid:209',
      contentType: 'application/zip',
      description: '1896_QD-TTg_m_294779.doc',
      attachmentName: '1896_QD-TTg_m_294779.doc',
    },
  ]);

  const expected = independentAttachment(file);
  assert.equal(pkg.attachments.length, 1);
  const [attachment] = pkg.attachments;
  assert.equal(attachment?.size, expected.length);
  assert.equal(attachment?.sha256, sha256(expected));
  assert.equal(attachment?.contentType, 'application/zip');
  assert.deepEqual(sink.bytes(0), expected);
  assert.equal(attachment?.ref, `memory:0:${sha256(expected)}`);
  assert.equal(sink.files[0]?.ended, true);

  assert.equal(pkg.signature?.namespace, 'qcvn');
  assert.equal(pkg.signature?.count, 1);
  const signature = file.subarray(pkg.signature?.start, pkg.signature?.end).toString();
  assert.match(signature, /^<Signature>[\s\S]*<\/Signature>$/);

  assert.deepEqual(result.warnings, [
    {
      path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate',
      message: 'date "30/10/2020" normalised to yyyy/MM/dd "2020/10/30"',
    },
  ]);
  assert.equal(result.xmlStart, 0);
  assert.equal(result.bytesRead, file.length);
  assert.equal(file.subarray(0, result.xmlEnd).toString('latin1').endsWith('</edXML>'), true);
});

test('edoc_update.edxml (CRLF): three recipients, business type 2 with its receiver list', async () => {
  const file = readFixture('edoc_update.edxml');
  const result = await parseFixture('edoc_update.edxml');
  const pkg = documentOf(result);
  assert.deepEqual(
    pkg.header.to.map((t) => t.organId),
    ['000.00.00.H53', '000.00.12.H53', '000.00.00.G17'],
  );
  assert.equal(pkg.header.code.codeNumber, '7816');
  assert.equal(pkg.header.promulgationInfo.promulgationDate, '2018/09/28');
  assert.deepEqual(pkg.header.otherInfo.appendixes, ['Công văn về việc kết nối, liên thông phần mềm quản lý văn bản']);
  assert.equal(pkg.business.docType, 2);
  assert.deepEqual(pkg.business.documentInfo, {
    documentInfoChanged: true,
    receiversChanged: true,
    receivers: [
      { organId: '000.00.00.H41', receiverType: 0 },
      { organId: '000.00.00.H14', receiverType: 1 },
    ],
  });
  const expected = independentAttachment(file);
  assert.equal(pkg.attachments[0]?.size, expected.length);
  assert.equal(pkg.attachments[0]?.sha256, sha256(expected));
  assert.deepEqual(result.warnings, []);
  assert.equal(result.traceInsertion?.indent, '\r\n        ');
});

test('status_processing_05.edxml: a status package with code 05', async () => {
  const result = await parseFixture('status_processing_05.edxml');
  assert.equal(result.package.kind, 'status');
  const pkg = result.package as StatusPackage;
  assert.equal(pkg.statusCode, '05');
  assert.equal(pkg.from.organId, '000.00.00.H41');
  assert.deepEqual(pkg.responseFor, {
    organId: '000.00.00.G22',
    code: '7816/VPCP-TTĐT',
    promulgationDate: '2015/09/30',
    documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
  });
  assert.equal(pkg.staffInfo.department, 'Phong hanh chinh');
  assert.equal(pkg.description, 'Đang xử lý văn bản đến');
  assert.equal(pkg.timestamp, '2015/09/20 11:08:36');
  assert.equal(result.traceInsertion, undefined);
  assert.deepEqual(result.warnings, []);
});

test('1-, 7-, 4096-byte and whole-file chunks give identical results', async () => {
  for (const name of FIXTURES) {
    const whole = await parseFixture(name);
    for (const size of [1, 7, 4096]) {
      assert.deepEqual(await parseFixture(name, {}, size), whole, `${name} in chunks of ${size}`);
    }
  }
});

test('traceInsertion: a TraceHeader spliced in at the offset parses as the last hop', async () => {
  for (const name of ['edoc_new.edxml', 'edoc_update.edxml']) {
    const file = readFixture(name);
    const { traceInsertion: at } = await parseFixture(name);
    assert.ok(at);
    assert.equal(at.prefix, 'edXML');
    assert.match(file.subarray(at.offset - 30, at.offset).toString(), /<\/edXML:TraceHeader>$/);
    const p = at.prefix ? `${at.prefix}:` : '';
    const hop = `${at.indent}<${p}TraceHeader><${p}OrganId>000.00.00.H41</${p}OrganId><${p}Timestamp>2024/05/06 07:08:09</${p}Timestamp></${p}TraceHeader>`;
    const spliced = Buffer.concat([file.subarray(0, at.offset), Buffer.from(hop), file.subarray(at.offset)]);
    const pkg = documentOf(await parseEdxml(chunks(spliced)));
    assert.deepEqual(pkg.traces.at(-1), { organId: '000.00.00.H41', timestamp: '2024/05/06 07:08:09' });
    assert.equal(pkg.traces.length, 2);
  }
  const empty = smallDocument();
  const result = await parseEdxml(chunks(empty));
  const at = result.traceInsertion;
  assert.ok(at);
  assert.match(Buffer.from(empty).subarray(0, at.offset).toString(), /<edXML:TraceHeaderList>$/);
  assert.equal(at.indent, '\n        ');
});

test('leniency: garbage before the XML, Business spelling, other date forms, unknown elements, trailing bytes', async () => {
  const boundary = '--b0undary\r\nContent-Disposition: form-data; name="file"; filename="x.edxml"\r\n\r\n';
  const doc = smallDocument(
    'QU\r\nJD',
    `        <edXML:PromulgationInfo><edXML:PromulgationDate>2024-01-02</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DueDate>2014/02/30</edXML:DueDate>
        <edXML:Vendor>x</edXML:Vendor>
`,
  ).replace(/Bussiness/g, 'Business');
  const result = await parseEdxml(chunks(`${boundary}${doc}\r\n--b0undary--\r\n`, 100));
  const pkg = documentOf(result);
  assert.equal(result.xmlStart, boundary.length);
  assert.equal(pkg.header.promulgationInfo.promulgationDate, '2024/01/02');
  assert.equal(pkg.header.dueDate, '2014/02/30', 'impossible date kept as written');
  assert.equal(pkg.business.docType, 0);
  const messages = result.warnings.map((w) => `${w.path}: ${w.message}`);
  const header = 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader';
  for (const expected of [
    `${header}/PromulgationInfo/PromulgationDate: date "2024-01-02" normalised to yyyy/MM/dd "2024/01/02"`,
    `${header}/DueDate: impossible date "2014/02/30" (no day 30 in month 2 of 2014); kept as written`,
    `${header}/Vendor: unknown element Vendor ignored`,
    'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Business: non-standard spelling Business; read as Bussiness',
    `: skipped ${boundary.length} bytes before the XML`,
  ]) {
    assert.ok(messages.includes(expected), `missing warning ${expected} in ${messages.join('\n')}`);
  }
  assert.ok(messages.some((m) => /content after the root element .* ignored/.test(m)));
  assert.equal(pkg.attachments[0]?.size, 3);
});

test('a byte-order mark or blank lines before the XML are skipped without a warning', async () => {
  const result = await parseEdxml(chunks(`\uFEFF\r\n${smallDocument()}`, 2));
  assert.equal(result.xmlStart, 5);
  assert.deepEqual(result.warnings, []);
});

test('a Signature in the W3C dsig namespace is recorded with its offsets', async () => {
  const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';
  const xml = smallDocument().replace('    </edXML:edXMLHeader>', `      ${sig}\n    </edXML:edXMLHeader>`);
  const pkg = documentOf(await parseEdxml(chunks(xml, 3)));
  assert.equal(pkg.signature?.namespace, 'dsig');
  const bytes = Buffer.from(xml);
  assert.equal(bytes.subarray(pkg.signature?.start, pkg.signature?.end).toString(), sig);
});

test('hostile: DOCTYPE with an external entity', async () => {
  await rejectsWith(
    `<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<edXML xmlns="${EDXML_NAMESPACE}">&xxe;</edXML>`,
    'dtd-forbidden',
    /DOCTYPE declarations are not allowed/,
  );
});

test('hostile: billion laughs (internal entity declarations)', async () => {
  const lol = [
    '<!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
  ];
  await rejectsWith(
    `<?xml version="1.0"?>\n<!DOCTYPE lolz [${lol.join('')}]>\n<edXML>&lol9;</edXML>`,
    'dtd-forbidden',
    /DOCTYPE/,
  );
});

test('hostile: undefined entity reference', async () => {
  const e = await rejectsWith(
    smallDocument('QUJD', '        <edXML:Content>&nbsp;</edXML:Content>\n'),
    'entity-forbidden',
    /entity reference &nbsp; is not allowed/,
  );
  assert.equal(e.path, 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Content');
});

test('hostile: 10,000-deep nesting', async () => {
  await rejectsWith(
    `<edXML xmlns="${EDXML_NAMESPACE}">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</edXML>`,
    'too-deep',
    /nested deeper than 48 levels/,
  );
});

test('hostile: mismatched tags', async () => {
  await rejectsWith(
    smallDocument().replace('</edXML:Subject>', '</edXML:Content>'),
    'malformed',
    /edXML\/edXMLEnvelope\/edXMLHeader\/MessageHeader\/Subject: mismatched end tag <\/edXML:Content>, expected <\/edXML:Subject>/,
  );
});

test('hostile: truncated in the middle of the base64 and in the header; the sink is aborted', async () => {
  const file = readFixture('edoc_new.edxml');
  const sink = new MemorySink();
  await rejectsWith(
    file.subarray(0, 200_000),
    'truncated',
    /input ended inside <edXML:ContentTransferEncoded> after 200000 bytes/,
    {
      attachmentSink: sink,
      path: ATTACHMENT_PATH,
    },
  );
  assert.equal(sink.files[0]?.aborted, true);
  assert.equal(sink.files[0]?.ended, false);
  await rejectsWith(file.subarray(0, 1000), 'truncated', /input ended inside/, {
    path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To',
  });
});

test('hostile: empty input and a non-edXML root', async () => {
  await rejectsWith('', 'empty', /input is empty/);
  await rejectsWith('<?xml version="1.0"?><html><body/></html>', 'not-edxml', /root element is <html>, not <edXML>/);
  await rejectsWith('<edXML xmlns="urn:other"/>', 'not-edxml', /namespace "urn:other"/);
});

test('hostile: invalid base64 characters', async () => {
  const sink = new MemorySink();
  await rejectsWith(
    smallDocument(`QUJD${'QUJD'.repeat(100)}Q*JD`),
    'bad-base64',
    /invalid base64 character "\*" at offset \d+/,
    {
      attachmentSink: sink,
      path: ATTACHMENT_PATH,
    },
  );
  assert.equal(sink.files[0]?.aborted, true);
});

test('hostile: a huge text node in a header field', async () => {
  await rejectsWith(
    smallDocument('QUJD', `        <edXML:Content>${'x'.repeat(2 * 1024 * 1024)}</edXML:Content>\n`),
    'too-large',
    /text longer than 1048576 characters/,
    { path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Content' },
  );
});

test('missing structural elements are refused with their path', async () => {
  await rejectsWith(
    smallDocument().replace('<edXML:OrganId>000.00.00.G22</edXML:OrganId>', ''),
    'missing-element',
    /missing required element OrganId/,
    { path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId' },
  );
  await rejectsWith(
    smallDocument().replace(/<edXML:DocumentId>.*<\/edXML:DocumentId>/, ''),
    'missing-element',
    /DocumentId/,
    {
      path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader/DocumentId',
    },
  );
  await rejectsWith(
    `<edXML xmlns="${EDXML_NAMESPACE}"><edXMLEnvelope><edXMLHeader/></edXMLEnvelope></edXML>`,
    'missing-element',
    /missing required element MessageHeader/,
    { path: 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader' },
  );
  await rejectsWith(
    smallDocument().replace('<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>revoke<'),
    'invalid-value',
    /not a business document type/,
  );
});

test('limits from options apply: attachments count and size', async () => {
  await rejectsWith(smallDocument('QUJDREVG'), 'too-large', /attachment 0 larger than 4 bytes/, {
    limits: { maxAttachmentBytes: 4 },
  });
  await rejectsWith(smallDocument(), 'too-many', /more than 0 attachments/, { limits: { maxAttachments: 0 } });
});

test('a writer that hashes what it is given: endHashed replaces end, and its SHA-256 is the attachment’s', async () => {
  const file = readFixture('edoc_new.edxml');
  const expected = independentAttachment(file);
  const written: Buffer[] = [];
  const calls: string[] = [];
  const result = await parseEdxml(chunks(file, 4096), {
    attachmentSink: {
      begin: (index) => ({
        write: (chunk) => void written.push(Buffer.from(chunk)),
        end: () => {
          calls.push('end');
        },
        abort: () => undefined,
        endHashed: async (size) => {
          calls.push(`endHashed ${index} ${size}`);
          // what a hashing writer would report: the tests check the parser keeps it as it is
          return { sha256: sha256(Buffer.concat(written)), ref: `hashed:${index}` };
        },
      }),
    },
  });
  const [attachment] = documentOf(result).attachments;
  assert.deepEqual(calls, [`endHashed 0 ${expected.length}`]);
  assert.deepEqual(Buffer.concat(written), expected);
  assert.equal(attachment?.sha256, sha256(expected));
  assert.equal(attachment?.ref, 'hashed:0');
});
