// Hard limits on what the hub will inflate from an attachment ZIP, and the error that refuses one.
import type { PdfReasonCode } from '../pdf/pdf-reasons.js';

export interface ZipLimits {
  /** entries read from the central directory; a larger directory is not inspected */
  maxEntries: number;
  /** declared (and enforced) uncompressed size of the one entry inspected */
  maxUncompressedBytes: number;
  /** uncompressed : compressed */
  maxCompressionRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 64,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
};

export class ZipError extends Error {
  constructor(
    readonly code: PdfReasonCode,
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}
