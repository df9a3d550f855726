// A temp blob whose bytes are already in memory and hashed (a held package body, or an attachment an
// intake worker decoded): what the TieredBlobStore's in-memory temp would hold after being written
// and finished, without copying or hashing the bytes again. Its bytes count against the tiered
// store's memory budget (reserved by whoever held them) until commit or abort, as the store's own do.

import { Readable } from 'node:stream';
import type { ByteRange, TempBlob } from '../blobs/blob-store.js';
import type { TieredBlobStore } from '../blobs/tiered-blob-store.js';

export class HeldTempBlob implements TempBlob {
  private state: 'finished' | 'committed' | 'aborted' = 'finished';

  constructor(
    private readonly tiers: TieredBlobStore,
    private bytes: Uint8Array,
    private readonly sha256: string,
    /** bytes of the memory budget this blob holds */
    private reserved: number,
  ) {}

  async write(): Promise<void> {
    throw new Error('temp blob is closed');
  }

  async finish(): Promise<{ sha256: string; size: number }> {
    if (this.state === 'aborted') throw new Error('temp blob was aborted');
    return { sha256: this.sha256, size: this.bytes.byteLength };
  }

  async commit(): Promise<string> {
    if (this.state === 'aborted') throw new Error('temp blob was aborted');
    this.state = 'committed';
    // handed over to the caller's transaction, as TieredBlobStore's temps do
    this.returnBudget();
    return this.sha256;
  }

  inlineBytes(): Uint8Array | undefined {
    return this.state === 'committed' ? this.bytes : undefined;
  }

  read(range?: ByteRange): Readable {
    if (this.state !== 'finished') throw new Error('only a finished, uncommitted temp blob can be read');
    const b = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const part = !range ? b : range.end <= range.start ? Buffer.alloc(0) : b.subarray(range.start, range.end);
    return Readable.from([part], { objectMode: false });
  }

  async abort(): Promise<void> {
    if (this.state !== 'finished') return;
    this.state = 'aborted';
    this.bytes = new Uint8Array(0);
    this.returnBudget();
  }

  private returnBudget(): void {
    this.tiers.release(this.reserved);
    this.reserved = 0;
  }
}
