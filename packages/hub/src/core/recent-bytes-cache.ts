// Byte buffers read or made lately, by key, within a bound on their total size: the least recently used go
// first, and a buffer larger than a sixteenth of the bound is never kept (one large package must not push
// out all the small ones). Keys must name immutable bytes (content addresses): a kept copy never goes stale.

export class RecentBytesCache<B extends Uint8Array = Uint8Array> {
  private readonly kept = new Map<string, B>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** the bytes kept for `key`, if they are (then used most recently) */
  peek(key: string): B | undefined {
    const hit = this.kept.get(key);
    if (hit) {
      // most recently used last
      this.kept.delete(key);
      this.kept.set(key, hit);
    }
    return hit;
  }

  /** keeps `bytes` for `key` if small enough, dropping the least recently used beyond the bound */
  keep(key: string, bytes: B): void {
    if (bytes.byteLength > this.maxBytes / 16 || this.kept.has(key)) return;
    this.kept.set(key, bytes);
    this.bytes += bytes.byteLength;
    for (const [k, b] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(k);
      this.bytes -= b.byteLength;
    }
  }

  /** bytes kept now */
  get size(): number {
    return this.bytes;
  }
}
