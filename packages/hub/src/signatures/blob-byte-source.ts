// A stored blob as the range-readable source the PDF verifier reads twice.

import type { ByteSource } from '@lienthong/trust';
import type { BlobStore } from '../blobs/blob-store.js';

export function blobByteSource(blobs: BlobStore, key: string, size: number): ByteSource {
  return {
    size,
    async *read(start: number, end: number) {
      if (end <= start) return;
      yield* await blobs.open(key, { start, end });
    },
  };
}
