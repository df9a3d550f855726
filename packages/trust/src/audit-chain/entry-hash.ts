// entryHash = SHA-256(prevHash || canonicalJson(entry)), prevHash as 32 raw bytes; the first entry
// links to 32 zero bytes.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);

/** An audit entry: any JSON object with its position in the chain. */
export interface AuditEntry {
  seq: number;
  [field: string]: unknown;
}

export interface ChainRecord<E extends AuditEntry = AuditEntry> {
  entry: E;
  /** hex hash of the previous record (GENESIS_HASH for the first) */
  prevHash: string;
  /** hex entryHash(prevHash, entry) */
  hash: string;
}

export function entryHash(prevHash: string, entry: AuditEntry): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new TypeError('prevHash must be 64 lower-case hex digits');
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalJson(entry), 'utf8').digest('hex');
}

/** The record that follows `previous` (or starts a chain), numbering the entry. */
export function appendRecord<E extends Omit<AuditEntry, 'seq'>>(
  previous: ChainRecord | undefined,
  entry: E,
): ChainRecord<E & { seq: number }> {
  const full = { ...entry, seq: previous ? previous.entry.seq + 1 : 0 };
  const prevHash = previous?.hash ?? GENESIS_HASH;
  return { entry: full, prevHash, hash: entryHash(prevHash, full) };
}
