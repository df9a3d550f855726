// Bytes that can be read more than once, by range: a PDF is read twice (find the signatures, then
// hash what they cover), a blob store or a file serves ranges, a ZIP entry re-inflates.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface ByteSource {
  /** total length in bytes */
  readonly size: number;
  /** bytes [start, end): a fresh stream on every call */
  read(start: number, end: number): AsyncIterable<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    async *read(start: number, end: number) {
      const chunk = 256 * 1024;
      for (let i = start; i < end; i += chunk) yield bytes.subarray(i, Math.min(end, i + chunk));
    },
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    size,
    read(start: number, end: number) {
      if (end <= start) return (async function* () {})();
      // createReadStream's end is inclusive
      return createReadStream(path, { start, end: end - 1, highWaterMark: 256 * 1024 });
    },
  };
}

/** The first `n` bytes of a source (fewer if it is shorter). */
export async function readHead(source: ByteSource, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  // read to the end of the range rather than breaking off at n bytes: a stream left before its end is
  // destroyed with an AbortError (a stack trace captured for every attachment inspected)
  for await (const chunk of source.read(0, Math.min(n, source.size))) {
    if (length < n) parts.push(Buffer.from(chunk));
    length += chunk.length;
  }
  return Buffer.concat(parts).subarray(0, n);
}

export async function readRange(source: ByteSource, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source.read(start, end)) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}
