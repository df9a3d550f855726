// The central directory of a ZIP file, read from its end through range reads (nothing else of the
// archive is read). ZIP64, multi-disk, encrypted and exotic methods are refused by name.
import { type ByteSource, readRange } from '../pdf/byte-source.js';
import { ZipError, type ZipLimits } from './zip-limits.js';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

export interface ZipDirectory {
  /** total entries the archive declares */
  entryCount: number;
  /** the entries read (all of them, unless more than the limit) */
  entries: ZipEntry[];
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

export async function readZipDirectory(source: ByteSource, limits: ZipLimits): Promise<ZipDirectory> {
  const tailStart = Math.max(0, source.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await readRange(source, tailStart, source.size);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + EOCD_SIZE + tail.readUInt16LE(i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipError('zip-malformed', 'no end of central directory record');
  const disk = tail.readUInt16LE(at + 4);
  const cdDisk = tail.readUInt16LE(at + 6);
  const entryCount = tail.readUInt16LE(at + 10);
  const cdSize = tail.readUInt32LE(at + 12);
  const cdOffset = tail.readUInt32LE(at + 16);
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError('zip-unsupported', 'ZIP64 archives are not inspected');
  }
  if (disk !== 0 || cdDisk !== 0) throw new ZipError('zip-unsupported', 'multi-volume archives are not inspected');
  if (cdOffset + cdSize > tailStart + at) throw new ZipError('zip-malformed', 'the central directory is out of bounds');
  if (entryCount > limits.maxEntries) return { entryCount, entries: [] };

  const cd = await readRange(source, cdOffset, cdOffset + cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entryCount; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) {
      throw new ZipError('zip-malformed', `central directory entry ${n} is malformed`);
    }
    const flags = cd.readUInt16LE(p + 8);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    if (p + 46 + nameLength > cd.length) throw new ZipError('zip-malformed', `entry ${n}'s name is out of bounds`);
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    // bit 11: UTF-8 names; otherwise CP437, read as Latin-1 (the name is only reported)
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    const entry: ZipEntry = {
      name,
      method: cd.readUInt16LE(p + 10),
      flags,
      crc32: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      isDirectory: name.endsWith('/') || name.endsWith('\\'),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeaderOffset === 0xffffffff) {
      throw new ZipError('zip-unsupported', 'ZIP64 entries are not inspected');
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { entryCount, entries };
}

/** Offset of an entry's data: after its local header, whose name and extra lengths may differ from the directory's. */
export async function entryDataOffset(source: ByteSource, entry: ZipEntry): Promise<number> {
  const header = await readRange(source, entry.localHeaderOffset, Math.min(source.size, entry.localHeaderOffset + 30));
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) {
    throw new ZipError('zip-malformed', `the local header of "${entry.name}" is missing`);
  }
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > source.size) {
    throw new ZipError('zip-malformed', `the data of "${entry.name}" runs past the end of the archive`);
  }
  return start;
}

/** Why an entry name is unsafe to use as a path (absolute, drive, parent segments, control characters), or undefined. */
export function unsafeEntryName(name: string): string | undefined {
  if (name.length === 0) return 'an empty name';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control characters';
  if (/^[/\\]/.test(name)) return 'an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'a drive letter';
  if (name.split(/[/\\]/).some((segment) => segment === '..')) return 'a parent directory segment (..)';
  return undefined;
}
