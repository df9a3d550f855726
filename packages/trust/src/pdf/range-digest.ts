// Pass 2 over a PDF: one sequential read that feeds every signature's byte ranges to its sinks
// (a hash, and for signatures without signed attributes a streaming verifier).
import type { ByteSource } from './byte-source.js';

export interface RangeSink {
  ranges: ReadonlyArray<readonly [number, number]>;
  update(bytes: Uint8Array): void;
}

export async function feedRanges(source: ByteSource, sinks: readonly RangeSink[]): Promise<void> {
  const all = sinks.flatMap((s) => s.ranges).filter(([s, e]) => e > s);
  if (all.length === 0) return;
  const from = Math.min(...all.map(([s]) => s));
  const to = Math.max(...all.map(([, e]) => e));
  let offset = from;
  for await (const chunk of source.read(from, to)) {
    const end = offset + chunk.length;
    for (const sink of sinks) {
      for (const [s, e] of sink.ranges) {
        const lo = Math.max(s, offset);
        const hi = Math.min(e, end);
        if (hi > lo) sink.update(chunk.subarray(lo - offset, hi - offset));
      }
    }
    offset = end;
  }
  if (offset !== to) throw new Error(`the source ended at byte ${offset}, expected ${to}`);
}
