// What an edXML attachment carries in the way of signatures: a PDF (raw, or the one file of a ZIP
// as most producers send it) is verified; anything else is noted and left alone. The format is told
// by the bytes (`%PDF-`, `PK`), never by the declared content type.
import { readZipDirectory, unsafeEntryName } from '../zip/zip-directory.js';
import { zipEntrySource } from '../zip/zip-entry-source.js';
import { DEFAULT_ZIP_LIMITS, ZipError, type ZipLimits } from '../zip/zip-limits.js';
import { type ByteSource, readHead } from './byte-source.js';
import { type PdfReason, pdfReason } from './pdf-reasons.js';
import type { PdfSignatureVerdict } from './pdf-verdict.js';
import { type PdfVerifyOptions, verifyPdfSignatures } from './verify-pdf-signatures.js';

export type InspectionOutcome =
  /** a PDF with at least one signature dictionary (see each verdict) */
  | 'signed'
  /** a PDF without a signature */
  | 'unsigned'
  /** not a PDF, or a ZIP that is not one PDF: nothing to verify (see reasons) */
  | 'not-inspected'
  /** a ZIP refused by the limits or malformed: never inflated past them (see reasons) */
  | 'refused';

export interface AttachmentInspection {
  outcome: InspectionOutcome;
  format: 'pdf' | 'zip' | 'other';
  /** the ZIP entry that was opened */
  entry?: { name: string; size: number; compressedSize: number };
  signatures: PdfSignatureVerdict[];
  reasons: PdfReason[];
}

export interface InspectOptions extends PdfVerifyOptions {
  zip?: Partial<ZipLimits>;
}

/** ISO 32000 lets the header start anywhere in the first 1024 bytes (Acrobat's rule). */
const PDF_HEADER_WINDOW = 1024;

export async function inspectAttachment(source: ByteSource, options: InspectOptions): Promise<AttachmentInspection> {
  const head = await readHead(source, PDF_HEADER_WINDOW);
  // ZIP first: a stored PDF shows its own header within the archive's first kilobyte
  if (!isZip(head)) {
    if (isPdf(head)) return inspectPdf(source, options, 'pdf');
    return result('not-inspected', 'other', [
      pdfReason('not-pdf', 'the attachment is neither a PDF nor a ZIP', 'note'),
    ]);
  }
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.zip };
  try {
    const dir = await readZipDirectory(source, limits);
    const files = dir.entries.filter((e) => !e.isDirectory);
    if (dir.entryCount > limits.maxEntries || files.length !== 1) {
      const count = dir.entryCount > limits.maxEntries ? dir.entryCount : files.length;
      return result('not-inspected', 'zip', [
        pdfReason('zip-multiple-entries', `the ZIP holds ${count} files, not one: not inspected`, 'note'),
      ]);
    }
    const entry = files[0]!;
    const unsafe = unsafeEntryName(entry.name);
    if (unsafe)
      throw new ZipError('zip-entry-name-unsafe', `the entry name has ${unsafe}: ${JSON.stringify(entry.name)}`);
    const inner = await zipEntrySource(source, entry, limits);
    const described = { name: entry.name, size: entry.size, compressedSize: entry.compressedSize };
    if (!isPdf(await readHead(inner, PDF_HEADER_WINDOW))) {
      return {
        ...result('not-inspected', 'zip', [
          pdfReason('zip-entry-not-pdf', `the ZIP's file "${entry.name}" is not a PDF`, 'note'),
        ]),
        entry: described,
      };
    }
    return { ...(await inspectPdf(inner, options, 'zip')), entry: described };
  } catch (e) {
    if (e instanceof ZipError) return result('refused', 'zip', [pdfReason(e.code, e.message)]);
    throw e;
  }
}

async function inspectPdf(
  source: ByteSource,
  options: PdfVerifyOptions,
  format: 'pdf' | 'zip',
): Promise<AttachmentInspection> {
  const verified = await verifyPdfSignatures(source, options);
  return {
    outcome: verified.signatures.length > 0 ? 'signed' : 'unsigned',
    format,
    signatures: verified.signatures,
    reasons: verified.reasons,
  };
}

function result(outcome: InspectionOutcome, format: AttachmentInspection['format'], reasons: PdfReason[]) {
  return { outcome, format, signatures: [], reasons };
}

export function isPdf(head: Buffer): boolean {
  return head.indexOf('%PDF-', 0, 'latin1') >= 0;
}

function isZip(head: Buffer): boolean {
  // a local file header, or the end record of an empty archive
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
}
