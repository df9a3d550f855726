// Checks a run of audit records and names the first one that breaks the chain, and how.
import { type ChainRecord, entryHash, GENESIS_HASH } from './entry-hash.js';

export type ChainBreak = 'edited' | 'deleted' | 'reordered' | 'inserted' | 'truncated';

export interface ChainVerdict {
  valid: boolean;
  /** records checked */
  length: number;
  /** the last record's position and hash */
  head?: { seq: number; hash: string };
  broken?: { index: number; seq?: number; kind: ChainBreak; message: string };
}

export interface VerifyChainOptions {
  /** the record before the first one given, when checking a slice; default: the chain starts at seq 0 */
  after?: { seq: number; hash: string };
  /** a signed checkpoint's head: the run must contain that record with that hash */
  checkpoint?: { seq: number; hash: string };
}

export function verifyChain(records: readonly ChainRecord[], options: VerifyChainOptions = {}): ChainVerdict {
  const fail = (index: number, kind: ChainBreak, message: string): ChainVerdict => ({
    valid: false,
    length: records.length,
    broken: { index, ...(records[index] ? { seq: records[index]!.entry.seq } : {}), kind, message },
  });
  for (const [i, r] of records.entries()) {
    const prev = i === 0 ? options.after : { seq: records[i - 1]!.entry.seq, hash: records[i - 1]!.hash };
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    const expectedSeq = prev ? prev.seq + 1 : 0;
    let recomputed: string;
    try {
      recomputed = entryHash(r.prevHash, r.entry);
    } catch (e) {
      return fail(i, 'edited', `record ${i}: ${(e as Error).message}`);
    }
    if (recomputed !== r.hash)
      return fail(i, 'edited', `record ${i} (seq ${r.entry.seq}) does not match its hash: it was edited`);
    if (r.prevHash !== expectedPrev) {
      const copy = records.findIndex((x, j) => j < i && x.hash === r.hash);
      if (copy >= 0) return fail(i, 'inserted', `record ${i} repeats record ${copy}: it was inserted`);
      const later = records.findIndex((x, j) => j > i && x.hash === r.prevHash);
      if (later >= 0)
        return fail(
          i,
          'reordered',
          `record ${i} (seq ${r.entry.seq}) follows record ${later} in the chain: records were reordered`,
        );
      const earlier = records.findIndex((x, j) => j < i - 1 && x.hash === r.prevHash);
      if (earlier >= 0) {
        return fail(
          earlier + 1,
          'inserted',
          `records ${earlier + 1}..${i - 1} are not in the chain: they were inserted`,
        );
      }
      if (r.entry.seq > expectedSeq) {
        return fail(
          i,
          'deleted',
          `seq ${expectedSeq}..${r.entry.seq - 1} missing before record ${i}: records were deleted`,
        );
      }
      if (r.entry.seq < expectedSeq)
        return fail(i, 'inserted', `record ${i} (seq ${r.entry.seq}) repeats a position: it was inserted`);
      return fail(i, 'edited', `record ${i} (seq ${r.entry.seq}) links to an unknown record: its link was edited`);
    }
    if (r.entry.seq !== expectedSeq)
      return fail(i, 'edited', `record ${i} has seq ${r.entry.seq}, expected ${expectedSeq}`);
  }
  const last = records[records.length - 1];
  const head = last ? { seq: last.entry.seq, hash: last.hash } : undefined;
  const cp = options.checkpoint;
  if (cp) {
    const at = records.find((r) => r.entry.seq === cp.seq);
    if (!at) {
      return {
        valid: false,
        length: records.length,
        ...(head ? { head } : {}),
        broken: {
          index: records.length,
          seq: cp.seq,
          kind: 'truncated',
          message: `the checkpointed record seq ${cp.seq} is missing: the chain was truncated`,
        },
      };
    }
    if (at.hash !== cp.hash) {
      return fail(
        records.indexOf(at),
        'edited',
        `record seq ${cp.seq} differs from the signed checkpoint: the chain was rewritten`,
      );
    }
  }
  return { valid: true, length: records.length, ...(head ? { head } : {}) };
}
