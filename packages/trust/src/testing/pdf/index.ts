// Test support for PDF signatures, exported as `@lienthong/trust/testing/pdf` for the hub's tests:
// PDFs and ZIPs written byte by byte, signatures made by the openssl CLI.
export { type OpensslSignOptions, opensslSign, opensslVerify } from './openssl-cms.js';
export {
  appendTextUpdate,
  appendUpdate,
  buildPdf,
  type PdfOptions,
  type PreparedSignature,
  prepareSignature,
  type SignatureFieldOptions,
  type TestPdf,
} from './test-pdf.js';
export { buildZip, type TestZipEntry } from './test-zip.js';
export { writeTemp } from './write-temp.js';
