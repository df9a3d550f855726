// What a signature's /ByteRange [a b c d] says: the two signed ranges [a, a+b) and [c, c+d), the
// hole between them (which must be exactly this signature's /Contents string), and whether the
// ranges reach from the first byte to the last.
import { type PdfReason, pdfReason } from './pdf-reasons.js';
import type { ContentsString, ScannedSignature } from './signature-scanner.js';

export interface CheckedByteRange {
  /** [start, end) pairs in file order; undefined when the ByteRange is unusable */
  ranges: Array<[number, number]> | undefined;
  /** the /Contents string that fills the hole */
  contents: ContentsString | undefined;
  coversWholeDocument: boolean;
  reasons: PdfReason[];
}

export function checkByteRange(sig: ScannedSignature, fileSize: number): CheckedByteRange {
  const unusable = (r: PdfReason): CheckedByteRange => ({
    ranges: undefined,
    contents: undefined,
    coversWholeDocument: false,
    reasons: [r],
  });
  const br = sig.byteRange;
  if (!br) return unusable(pdfReason('byte-range-malformed', 'the /ByteRange is not an array of four integers'));
  const [a, b, c, d] = br as [number, number, number, number];
  if (c < a + b || c + d > fileSize) {
    return unusable(
      pdfReason('byte-range-malformed', `the /ByteRange [${br.join(' ')}] does not fit a file of ${fileSize} bytes`),
    );
  }
  const contents = sig.contents.find((s) => s.start === a + b && s.end === c);
  if (!contents) {
    return unusable(
      pdfReason(
        'byte-range-hole',
        `the bytes left out of the /ByteRange [${a + b}, ${c}) are not this signature's /Contents string`,
      ),
    );
  }
  const reasons: PdfReason[] = [];
  const coversWholeDocument = a === 0 && c + d === fileSize;
  if (!coversWholeDocument) {
    const unsigned = fileSize - (c + d);
    reasons.push(
      pdfReason(
        'partial-coverage',
        a !== 0
          ? `the signature does not cover the first ${a} bytes of the file`
          : `the file has ${unsigned} bytes after the signed revision (an incremental update made after signing)`,
        'indeterminate',
      ),
    );
  }
  return {
    ranges: [
      [a, a + b],
      [c, c + d],
    ],
    contents,
    coversWholeDocument,
    reasons,
  };
}

/** Decoded /Contents: hex digits with whitespace allowed, an odd final digit padded with 0. */
export function decodeHexContents(text: Buffer): Buffer | undefined {
  const hex = text.toString('latin1').replace(/[\s\0]+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return Buffer.from(hex.length % 2 === 1 ? `${hex}0` : hex, 'hex');
}
