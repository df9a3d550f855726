// Test support: the shared edXML fixtures (located by @lienthong/edxml's test support) and chunked byte sources.
import { chunks } from '@lienthong/edxml/testing';

export { FIXTURES, readFixture } from '@lienthong/edxml/testing';

/** Yields `bytes` in chunks of `size`. */
export function chunked(bytes: Uint8Array | string, size = 64 * 1024): AsyncIterable<Buffer> {
  return chunks(bytes, size);
}
