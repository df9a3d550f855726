// Where a blob lives, hidden behind the BlobStore interface: small blobs (up to `inlineThreshold`
// bytes) spooled in memory and stored in the database by the Store, in the same transaction as the
// document that references them; larger ones in the file BlobStore (fsync'd and renamed into place
// before that transaction commits). Readers ask by key and never know which.
//
// Memory is bounded by a constant: a temp stays in memory only while it is under the threshold AND
// the bytes of every in-memory temp together stay under `memoryBudget`; otherwise it spills to a
// file temp (what it had buffered is written first) and carries on as a file.

import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { RecentBytesCache } from '../core/recent-bytes-cache.js';
import type { Store } from '../store/store.js';
import type { BlobStore, ByteRange, StoredFile, TempBlob } from './blob-store.js';

export interface TieredOptions {
  /** largest blob kept inline (default 256 KiB) */
  inlineThreshold?: number;
  /** most bytes held by in-memory temps at once, hub-wide (default 64 MiB) */
  memoryBudget?: number;
  /** most bytes of inline blobs kept in memory after a read (default 16 MiB; 0: none) */
  readCacheBytes?: number;
}

export class TieredBlobStore implements BlobStore {
  readonly inlineThreshold: number;
  readonly memoryBudget: number;
  /** bytes currently held by in-memory temps */
  inMemory = 0;

  constructor(
    readonly files: BlobStore,
    private readonly store: Pick<Store, 'getInlineBlob' | 'inlineBlobSize'>,
    opts: TieredOptions = {},
  ) {
    this.inlineThreshold = opts.inlineThreshold ?? 256 * 1024;
    this.memoryBudget = opts.memoryBudget ?? 64 * 1024 * 1024;
    this.readCacheBytes = opts.readCacheBytes ?? 16 * 1024 * 1024;
    this.cached = new RecentBytesCache(this.readCacheBytes);
  }

  // Inline blobs read lately (or about to be committed by intake: `remember`), by key. Keys are content
  // addresses (the bytes' SHA-256): a key always names the same bytes, so a kept copy never goes stale.
  // A package to many recipients is fetched by each of them, mostly at the same moment: one database
  // read (shared while it runs) serves them all.
  private readonly readCacheBytes: number;
  private readonly cached: RecentBytesCache;
  private readonly loading = new Map<string, Promise<Uint8Array | undefined>>();

  private async inlineRead(key: string): Promise<Uint8Array | undefined> {
    const hit = this.cached.peek(key);
    if (hit) return hit;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.store.getInlineBlob(key);
    if (this.readCacheBytes <= 0) return load;
    this.loading.set(key, load);
    try {
      const bytes = await load;
      if (bytes) this.cached.keep(key, bytes);
      return bytes;
    } finally {
      this.loading.delete(key);
    }
  }

  init(): Promise<void> {
    return this.files.init();
  }

  async createTemp(opts?: { inline?: boolean }): Promise<TempBlob> {
    if (!opts?.inline || this.inlineThreshold <= 0) return this.files.createTemp();
    return new SpoolingTempBlob(this);
  }

  async has(key: string): Promise<boolean> {
    return (await this.size(key)) !== undefined;
  }

  async size(key: string): Promise<number | undefined> {
    return (await this.store.inlineBlobSize(key)) ?? (await this.files.size(key));
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    const bytes = await this.inlineRead(key);
    if (!bytes) return this.files.open(key, range);
    return Readable.from([slice(bytes, range)], { objectMode: false });
  }

  async inlineBytes(key: string, range?: ByteRange): Promise<Buffer | undefined> {
    const bytes = await this.inlineRead(key);
    return bytes && slice(bytes, range);
  }

  remember(blobs: readonly { key: string; bytes: Uint8Array }[]): void {
    if (this.readCacheBytes <= 0) return;
    for (const b of blobs) this.cached.keep(b.key, b.bytes);
  }

  health(): Promise<{ ok: boolean; detail?: string }> {
    return this.files.health();
  }

  listFiles(): AsyncIterable<StoredFile> {
    return this.files.listFiles();
  }

  deleteFile(key: string, modifiedBefore: Date): Promise<number | undefined> {
    return this.files.deleteFile(key, modifiedBefore);
  }

  /** reserves in-memory bytes; false when the budget would be exceeded */
  reserve(n: number): boolean {
    if (this.inMemory + n > this.memoryBudget) return false;
    this.inMemory += n;
    return true;
  }

  release(n: number): void {
    this.inMemory -= n;
  }
}

function slice(bytes: Uint8Array, range: ByteRange | undefined): Buffer {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!range) return b;
  if (range.end <= range.start) return Buffer.alloc(0);
  return b.subarray(range.start, range.end);
}

/** Buffers in memory while small; spills to a file temp of the file store when it grows. */
class SpoolingTempBlob implements TempBlob {
  private chunks: Buffer[] = [];
  private held = 0;
  /** bytes of the hub-wide memory budget this temp holds */
  private reserved = 0;
  private readonly hash: Hash = createHash('sha256');
  private file: TempBlob | undefined;
  private bytes: Buffer | undefined;
  private digest: string | undefined;
  private state: 'open' | 'finished' | 'committed' | 'aborted' = 'open';

  constructor(private readonly tiers: TieredBlobStore) {}

  async write(chunk: Uint8Array): Promise<void> {
    if (this.file) return this.file.write(chunk);
    if (this.state !== 'open') throw new Error('temp blob is closed');
    if (this.held + chunk.byteLength <= this.tiers.inlineThreshold && this.tiers.reserve(chunk.byteLength)) {
      this.reserved += chunk.byteLength;
      this.hash.update(chunk);
      // copied: the caller may reuse its buffer
      this.chunks.push(Buffer.from(chunk));
      this.held += chunk.byteLength;
      return;
    }
    // too large for memory (or the hub-wide budget is spent): carry on as a file
    const file = await this.tiers.files.createTemp();
    this.file = file;
    const buffered = this.chunks;
    this.chunks = [];
    this.returnBudget();
    for (const c of buffered) await file.write(c);
    await file.write(chunk);
  }

  async writeMany(chunks: Uint8Array[]): Promise<void> {
    if (this.file?.writeMany) return this.file.writeMany(chunks);
    for (const c of chunks) await this.write(c);
  }

  async finish(): Promise<{ sha256: string; size: number }> {
    if (this.file) return this.file.finish();
    if (this.state === 'aborted') throw new Error('temp blob was aborted');
    if (this.digest === undefined) {
      this.bytes = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.held);
      this.chunks = [];
      this.digest = this.hash.digest('hex');
      this.state = 'finished';
    }
    return { sha256: this.digest, size: this.held };
  }

  async commit(): Promise<string> {
    if (this.file) return this.file.commit();
    const { sha256 } = await this.finish();
    this.state = 'committed';
    // handed over to the caller's transaction (at most one group-commit batch of them at a time)
    this.returnBudget();
    return sha256;
  }

  inlineBytes(): Uint8Array | undefined {
    if (this.file || this.state !== 'committed') return undefined;
    return this.bytes;
  }

  read(range?: ByteRange): Readable {
    if (this.file) return this.file.read(range);
    if (this.state !== 'finished') throw new Error('only a finished, uncommitted temp blob can be read');
    return Readable.from([slice(this.bytes!, range)], { objectMode: false });
  }

  async abort(): Promise<void> {
    if (this.file) return this.file.abort();
    if (this.state === 'committed' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.chunks = [];
    this.bytes = undefined;
    this.returnBudget();
  }

  private returnBudget(): void {
    this.tiers.release(this.reserved);
    this.reserved = 0;
  }
}
