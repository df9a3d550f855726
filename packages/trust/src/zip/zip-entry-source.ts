// One ZIP entry as a ByteSource: every read inflates from the entry's start (nothing is written to
// disk) and stops as soon as the requested range is out. The declared sizes are checked against the
// limits before any inflating, and enforced while inflating: an entry that inflates past its
// declared size is a bomb, however small it claimed to be.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { ByteSource } from '../pdf/byte-source.js';
import { entryDataOffset, type ZipEntry } from './zip-directory.js';
import { ZipError, type ZipLimits } from './zip-limits.js';

export function checkEntryLimits(entry: ZipEntry, limits: ZipLimits): void {
  if (entry.flags & 0x1) throw new ZipError('zip-encrypted', `"${entry.name}" is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError('zip-unsupported', `"${entry.name}" uses compression method ${entry.method}`);
  }
  if (entry.size > limits.maxUncompressedBytes) {
    throw new ZipError(
      'zip-too-large',
      `"${entry.name}" declares ${entry.size} bytes uncompressed, over the ${limits.maxUncompressedBytes}-byte limit`,
    );
  }
  if (entry.method === 0 && entry.compressedSize !== entry.size) {
    throw new ZipError('zip-malformed', `stored entry "${entry.name}" has different compressed and plain sizes`);
  }
  if (entry.size > 0 && entry.size > entry.compressedSize * limits.maxCompressionRatio) {
    const ratio = entry.compressedSize === 0 ? '∞' : Math.round(entry.size / entry.compressedSize);
    throw new ZipError(
      'zip-bomb',
      `"${entry.name}" declares a compression ratio of ${ratio}:1, over the ${limits.maxCompressionRatio}:1 limit`,
    );
  }
}

export async function zipEntrySource(archive: ByteSource, entry: ZipEntry, limits: ZipLimits): Promise<ByteSource> {
  checkEntryLimits(entry, limits);
  const dataStart = await entryDataOffset(archive, entry);
  const dataEnd = dataStart + entry.compressedSize;
  const size = entry.size;
  return {
    size,
    read(start: number, end: number): AsyncIterable<Uint8Array> {
      if (entry.method === 0) return archive.read(dataStart + start, dataStart + Math.min(end, size));
      return inflateRange(archive.read(dataStart, dataEnd), entry, start, Math.min(end, size));
    },
  };
}

async function* inflateRange(
  compressed: AsyncIterable<Uint8Array>,
  entry: ZipEntry,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  const inflater = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
  let failure: unknown;
  const feeding = pipeline(Readable.from(compressed, { objectMode: false }), inflater).catch((e: unknown) => {
    failure = e;
  });
  const crc = typeof zlib.crc32 === 'function' && start === 0 && end === entry.size ? zlib.crc32 : undefined;
  let checksum = 0;
  let offset = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      const next = offset + chunk.length;
      if (next > entry.size) {
        throw new ZipError(
          'zip-bomb',
          `"${entry.name}" inflates past its declared ${entry.size} bytes: refused without inflating further`,
        );
      }
      if (crc) checksum = crc(chunk, checksum);
      const lo = Math.max(start, offset);
      const hi = Math.min(end, next);
      if (hi > lo) yield chunk.subarray(lo - offset, hi - offset);
      offset = next;
      if (offset >= end && !crc) return;
    }
  } catch (e) {
    if (e instanceof ZipError) throw e;
    throw new ZipError('zip-malformed', `"${entry.name}" does not inflate: ${(e as Error).message}`);
  } finally {
    inflater.destroy();
    await feeding;
  }
  if (failure) throw new ZipError('zip-malformed', `"${entry.name}" does not inflate: ${(failure as Error).message}`);
  if (offset < end) throw new ZipError('zip-malformed', `"${entry.name}" inflates to fewer bytes than it declares`);
  if (crc && checksum >>> 0 !== entry.crc32) throw new ZipError('zip-malformed', `"${entry.name}" fails its CRC-32`);
}
