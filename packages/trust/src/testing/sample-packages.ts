// Test support: edXML packages to sign — built with the edxml builder, or fixtures without their
// placeholder Signature — as re-openable sources.
import { buildDocument, collect, type DocumentInput } from '@lienthong/edxml';
import { readFixture } from './fixtures.js';

export const SAMPLE_HEADER: DocumentInput['header'] = {
  from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
  to: [{ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An' }],
  documentId: '000.00.00.G22,2024/05/30,12/VPCP-TTĐT',
  code: { codeNumber: '12', codeNotation: 'VPCP-TTĐT' },
  promulgationInfo: { place: 'Hà Nội', promulgationDate: '2024/05/30' },
  documentType: { type: 1, typeDetail: 0, typeName: 'Công văn' },
  subject: 'V/v kết nối & "liên thông" <văn bản>',
  signerInfo: { competence: 'TL. BỘ TRƯỞNG', fullName: 'Nguyễn Văn A' },
  otherInfo: { priority: 0, appendixes: [] },
  responseFor: [],
  steeringType: 1,
  toPlaces: ['Như trên'],
};

/** A built package with one attachment of `size` deterministic bytes, streamed (never held whole). */
export function builtPackageSource(size: number): () => AsyncIterable<Uint8Array> {
  return () =>
    buildDocument({
      header: SAMPLE_HEADER,
      traces: [{ organId: '000.00.00.G22', timestamp: '2024/05/30 08:00:00' }],
      attachments: [{ attachmentName: 'van-ban.pdf', contentType: 'application/pdf', content: attachmentBytes(size) }],
    });
}

export async function builtPackage(size: number): Promise<Buffer> {
  return collect(builtPackageSource(size)());
}

async function* attachmentBytes(size: number): AsyncIterable<Uint8Array> {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = (i * 131 + (i >> 8)) & 0xff;
  for (let sent = 0; sent < size; sent += block.length) {
    yield Buffer.from(block.subarray(0, Math.min(block.length, size - sent)));
  }
}

/** A fixture with its placeholder Signature (and the indentation before it) cut out. */
export function fixtureWithoutSignature(name: string): Buffer {
  const text = readFixture(name).toString('utf8');
  return Buffer.from(text.replace(/\n\s*<Signature>[\s\S]*?<\/Signature>/, ''), 'utf8');
}

export function sourceOf(bytes: Uint8Array): () => AsyncIterable<Uint8Array> {
  return async function* () {
    yield bytes;
  };
}
