// Blobs as files: <root>/blobs/ab/cd/<sha256>, written through <root>/tmp.

import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, constants, mkdir, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, ByteRange, StoredFile, TempBlob } from '../blob-store.js';
import { FsTempBlob } from './fs-temp-blob.js';
import { fsyncDir } from './fsync-dir.js';

const KEY = /^[0-9a-f]{64}$/;
const FANOUT = /^[0-9a-f]{2}$/;

export class FsBlobStore implements BlobStore {
  readonly blobDir: string;
  readonly tempDir: string;

  constructor(root: string) {
    this.blobDir = join(root, 'blobs');
    this.tempDir = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.blobDir, { recursive: true, mode: 0o700 });
    await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.tempDir))
      await rm(join(this.tempDir, name), { recursive: true, force: true });
  }

  pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.blobDir, key.slice(0, 2), key.slice(2, 4), key);
  };

  async createTemp(): Promise<TempBlob> {
    const name = `${Date.now().toString(36)}-${randomBytes(8).toString('hex')}.part`;
    return FsTempBlob.create(join(this.tempDir, name), this.pathOf);
  }

  async has(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return undefined;
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    await access(path, constants.R_OK);
    if (!range) return createReadStream(path);
    if (range.end <= range.start) return Readable.from([]);
    // createReadStream's end is inclusive
    return createReadStream(path, { start: range.start, end: range.end - 1 });
  }

  async *listFiles(): AsyncIterable<StoredFile> {
    for (const a of await fanout(this.blobDir)) {
      for (const b of await fanout(join(this.blobDir, a))) {
        const dir = join(this.blobDir, a, b);
        // streamed: a leaf directory is the only one whose size grows with the number of blobs
        for await (const entry of await opendir(dir)) {
          if (!entry.isFile() || !KEY.test(entry.name) || !entry.name.startsWith(a + b)) continue;
          const st = await stat(join(dir, entry.name)).catch(() => undefined);
          if (st) yield { key: entry.name, size: st.size, modifiedAt: st.mtime };
        }
      }
    }
  }

  async deleteFile(key: string, modifiedBefore: Date): Promise<number | undefined> {
    const path = this.pathOf(key);
    // Moved aside first, then judged: a commit reusing this blob either refreshed its time before the
    // move (seen below: put back) or finds it gone afterwards and renames its own copy into place.
    const aside = join(this.tempDir, `gc-${key}-${randomBytes(4).toString('hex')}`);
    try {
      await rename(path, aside);
    } catch {
      return undefined;
    }
    const st = await stat(aside);
    if (st.mtimeMs >= modifiedBefore.getTime()) {
      await rename(aside, path);
      return undefined;
    }
    await rm(aside, { force: true });
    await fsyncDir(dirname(path));
    return st.size;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      await access(this.blobDir, constants.R_OK | constants.W_OK);
      await access(this.tempDir, constants.R_OK | constants.W_OK);
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }
}

/** the two-hex-digit subdirectories of `dir`, sorted */
async function fanout(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => FANOUT.test(n)).sort();
}
