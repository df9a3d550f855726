// A blob being written to <dataDir>/tmp, hashed on the fly, then fsync'd and renamed into place.

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { ByteRange, TempBlob } from '../blob-store.js';
import { fsyncDir } from './fsync-dir.js';

export class FsTempBlob implements TempBlob {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private digest: string | undefined;
  private done = false;

  private constructor(
    private readonly tempPath: string,
    private fh: FileHandle | undefined,
    private readonly pathOf: (key: string) => string,
  ) {}

  static async create(tempPath: string, pathOf: (key: string) => string): Promise<FsTempBlob> {
    const fh = await open(tempPath, 'wx', 0o600);
    return new FsTempBlob(tempPath, fh, pathOf);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.fh || this.digest !== undefined) throw new Error('temp blob is closed');
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    let off = 0;
    while (off < chunk.byteLength) {
      const { bytesWritten } = await this.fh.write(chunk, off, chunk.byteLength - off);
      off += bytesWritten;
    }
  }

  async writeMany(chunks: Uint8Array[]): Promise<void> {
    if (!this.fh || this.digest !== undefined) throw new Error('temp blob is closed');
    let total = 0;
    for (const c of chunks) {
      this.hash.update(c);
      total += c.byteLength;
    }
    this.bytes += total;
    let rest = chunks;
    while (total > 0) {
      const { bytesWritten } = await this.fh.writev(rest);
      total -= bytesWritten;
      if (total > 0) rest = unwritten(rest, bytesWritten);
    }
  }

  async finish(): Promise<{ sha256: string; size: number }> {
    if (this.digest === undefined) {
      if (!this.fh) throw new Error('temp blob was aborted');
      await this.fh.sync();
      await this.fh.close();
      this.fh = undefined;
      this.digest = this.hash.digest('hex');
    }
    return { sha256: this.digest, size: this.bytes };
  }

  async commit(): Promise<string> {
    const { sha256 } = await this.finish();
    if (this.done) return sha256;
    const target = this.pathOf(sha256);
    // Reusing a blob already there refreshes its modification time: to the garbage collector it is as
    // young as a freshly renamed one until this commit's transaction references it. ENOENT: absent (or
    // just collected), so it is renamed into place like a new one.
    const now = new Date();
    const exists = await utimes(target, now, now).then(
      () => true,
      () => false,
    );
    if (exists) {
      await rm(this.tempPath, { force: true });
    } else {
      await mkdirSynced(dirname(target));
      await rename(this.tempPath, target);
      await fsyncDir(dirname(target));
    }
    this.done = true;
    return sha256;
  }

  read(range?: ByteRange): Readable {
    if (this.digest === undefined || this.done) throw new Error('only a finished, uncommitted temp blob can be read');
    if (!range) return createReadStream(this.tempPath);
    if (range.end <= range.start) return Readable.from([]);
    return createReadStream(this.tempPath, { start: range.start, end: range.end - 1 });
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.fh?.close();
    } catch {
      // already closed or failed: the file is removed below either way
    }
    this.fh = undefined;
    await rm(this.tempPath, { force: true }).catch(() => undefined);
  }
}

/** mkdir -p that also fsyncs each parent it had to create, so the new entries survive a crash. */
async function mkdirSynced(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  let d = dir;
  const created: string[] = [];
  while (d.length >= first.length) {
    created.push(d);
    d = dirname(d);
  }
  for (const c of created) await fsyncDir(dirname(c));
}

/** what is left of `chunks` once their first `written` bytes are written (a short writev) */
function unwritten(chunks: Uint8Array[], written: number): Uint8Array[] {
  let i = 0;
  while (i < chunks.length && written >= chunks[i]!.byteLength) written -= chunks[i++]!.byteLength;
  const rest = chunks.slice(i);
  if (written > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}
