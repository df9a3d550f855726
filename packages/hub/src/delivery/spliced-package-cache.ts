// Small packages as delivered (the hub's TraceHeader spliced in), kept for the recipients that fetch
// the same package next: a package to 100 agencies is fetched 100 times, mostly at the same moment,
// and each fetch made the same ≈ 50 KB buffer anew (a copy, and garbage for the collector).
//
// The key names everything the bytes are made of: the blob's content address (its SHA-256, so the
// same key always names the same bytes), the range taken from it, where the TraceHeader goes and the
// TraceHeader itself. A kept copy can therefore never differ from what a fresh splice would give.

import { RecentBytesCache } from '../core/recent-bytes-cache.js';

/** most bytes kept (least recently used out) */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export class SplicedPackageCache {
  private readonly kept: RecentBytesCache<Buffer>;

  constructor(maxBytes = DEFAULT_MAX_BYTES) {
    this.kept = new RecentBytesCache(maxBytes);
  }

  /** the bytes kept for `key`, if they are (then used most recently) */
  peek(key: string): Buffer | undefined {
    return this.kept.peek(key);
  }

  /** the bytes for `key`, made by `splice` when not kept (and kept if small enough) */
  get(key: string, splice: () => Buffer): Buffer {
    const hit = this.kept.peek(key);
    if (hit) return hit;
    const made = splice();
    this.kept.keep(key, made);
    return made;
  }

  /** bytes kept now */
  get size(): number {
    return this.kept.size;
  }
}

/** the key of a spliced package: the blob (content address), its range, the TraceHeader and where it goes */
export function splicedPackageKey(blobKey: string, start: number, end: number, at: number, splice: string): string {
  return `${blobKey}\n${start}\n${end}\n${at}\n${splice}`;
}
