// Test support: minimal valid PDFs written byte by byte (objects, xref table, trailer), incremental
// updates, and a signature field whose /Contents placeholder is filled in after signing.

export interface TestPdf {
  bytes: Buffer;
  /** next free object number (the trailer's /Size) */
  size: number;
  /** offset of the last xref section */
  startxref: number;
}

export interface PdfOptions {
  text?: string;
  /** bytes of an extra (unreferenced-by-content) stream, to make large files */
  fillerBytes?: number;
}

const HEADER = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
const PAGE = (annots: string) =>
  `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >>${annots} >>`;

export function buildPdf(options: PdfOptions = {}): TestPdf {
  const text = (options.text ?? 'Lienthong test document').replace(/[()\\]/g, '');
  const content = `BT /F1 12 Tf 72 770 Td (${text}) Tj ET`;
  const objects: Array<string | Buffer> = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    PAGE(''),
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  if (options.fillerBytes) objects.push(fillerStream(options.fillerBytes));
  const parts: Buffer[] = [HEADER];
  let offset = HEADER.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const bytes = objectBytes(i + 1, body);
    parts.push(bytes);
    offset += bytes.length;
  });
  const size = objects.length + 1;
  const xref = [
    'xref',
    `0 ${size}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${size} /Root 1 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return { bytes: Buffer.concat(parts), size, startxref: offset };
}

/** Appends an incremental update: the given objects (new numbers, or new versions of old ones), an xref section and a trailer. */
export function appendUpdate(pdf: TestPdf, objects: ReadonlyArray<{ num: number; body: string | Buffer }>): TestPdf {
  const parts: Buffer[] = [pdf.bytes];
  let offset = pdf.bytes.length;
  const entries: Array<{ num: number; offset: number }> = [];
  for (const o of objects) {
    entries.push({ num: o.num, offset });
    const bytes = objectBytes(o.num, o.body);
    parts.push(bytes);
    offset += bytes.length;
  }
  const size = Math.max(pdf.size, ...objects.map((o) => o.num + 1));
  const lines = ['xref'];
  for (const e of [...entries].sort((a, b) => a.num - b.num)) {
    lines.push(`${e.num} 1`, `${String(e.offset).padStart(10, '0')} 00000 n `);
  }
  lines.push(
    'trailer',
    `<< /Size ${size} /Root 1 0 R /Prev ${pdf.startxref} >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  );
  parts.push(Buffer.from(lines.join('\n'), 'latin1'));
  return { bytes: Buffer.concat(parts), size, startxref: offset };
}

/** An incremental update that changes the page text: what someone editing a signed PDF produces. */
export function appendTextUpdate(pdf: TestPdf, text: string): TestPdf {
  const content = `BT /F1 12 Tf 72 740 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  return appendUpdate(pdf, [{ num: 4, body: `<< /Length ${content.length} >>\nstream\n${content}\nendstream` }]);
}

export interface SignatureFieldOptions {
  subFilter?: string;
  /** bytes reserved for the DER signature; default 16 KiB */
  reserve?: number;
  /** /M, a PDF date */
  signingTime?: string;
  /** write /Contents before /ByteRange in the dictionary */
  contentsFirst?: boolean;
}

export interface PreparedSignature {
  /** the PDF with the placeholder and the final /ByteRange */
  pdf: TestPdf;
  byteRange: [number, number, number, number];
  /** the bytes the signature must cover */
  signedBytes(): Buffer;
  /** the PDF with `der` in /Contents (zero-padded) */
  embed(der: Uint8Array): Buffer;
}

const BYTE_RANGE_PLACEHOLDER = '[0 ********** ********** **********]';

/** Adds a signature field and dictionary in an incremental update, with a zero-filled /Contents. */
export function prepareSignature(pdf: TestPdf, options: SignatureFieldOptions = {}): PreparedSignature {
  const reserve = options.reserve ?? 16 * 1024;
  const sigNum = pdf.size;
  const widgetNum = pdf.size + 1;
  const contents = `/Contents <${'0'.repeat(reserve * 2)}>`;
  const byteRange = `/ByteRange ${BYTE_RANGE_PLACEHOLDER}`;
  const keys = [
    '/Type /Sig',
    '/Filter /Adobe.PPKLite',
    `/SubFilter /${options.subFilter ?? 'adbe.pkcs7.detached'}`,
    ...(options.contentsFirst ? [contents, byteRange] : [byteRange, contents]),
    `/M (${options.signingTime ?? "D:20240501080000+07'00'"})`,
    '/Name (Lienthong test signer)',
  ];
  const updated = appendUpdate(pdf, [
    { num: sigNum, body: `<< ${keys.join(' ')} >>` },
    {
      num: widgetNum,
      body: `<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V ${sigNum} 0 R /Rect [0 0 0 0] /F 132 /P 3 0 R >>`,
    },
    { num: 1, body: `<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [${widgetNum} 0 R] /SigFlags 3 >> >>` },
    { num: 3, body: PAGE(` /Annots [${widgetNum} 0 R]`) },
  ]);
  const bytes = Buffer.from(updated.bytes);
  const sigStart = bytes.lastIndexOf(`${sigNum} 0 obj`);
  const holeStart = bytes.indexOf('/Contents <', sigStart) + '/Contents '.length;
  const holeEnd = holeStart + reserve * 2 + 2;
  const range: [number, number, number, number] = [0, holeStart, holeEnd, bytes.length - holeEnd];
  const placeholderAt = bytes.indexOf(BYTE_RANGE_PLACEHOLDER, sigStart);
  const written = `[${range.join(' ')}`.padEnd(BYTE_RANGE_PLACEHOLDER.length - 1, ' ') + ']';
  bytes.write(written, placeholderAt, 'latin1');
  const final = { ...updated, bytes };
  return {
    pdf: final,
    byteRange: range,
    signedBytes: () => Buffer.concat([bytes.subarray(0, holeStart), bytes.subarray(holeEnd)]),
    embed(der: Uint8Array) {
      const hex = Buffer.from(der).toString('hex').toUpperCase();
      if (hex.length > reserve * 2) throw new Error(`the signature (${der.length} bytes) exceeds the reserve`);
      const out = Buffer.from(bytes);
      out.write(hex, holeStart + 1, 'latin1');
      return out;
    },
  };
}

function objectBytes(num: number, body: string | Buffer): Buffer {
  const head = Buffer.from(`${num} 0 obj\n`, 'latin1');
  const tail = Buffer.from('\nendobj\n', 'latin1');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'latin1') : body, tail]);
}

/** A stream of pseudo-random bytes: large files without a large xref, and binary data for the scanner. */
function fillerStream(length: number): Buffer {
  const data = Buffer.allocUnsafe(length);
  let x = 0x2545f491;
  for (let i = 0; i + 4 <= length; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data.writeInt32LE(x | 0, i);
  }
  data.fill(0x20, length - (length % 4));
  return Buffer.concat([
    Buffer.from(`<< /Length ${length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}
