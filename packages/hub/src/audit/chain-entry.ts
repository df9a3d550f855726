// What the audit hash chain hashes for one audit_log row: its id as `seq` beside the fields of its
// stored canonical payload, so an entry moved to another id no longer matches its hash.

import { createHash } from 'node:crypto';
import type { AuditEntry } from '@lienthong/trust';

export function chainEntry(id: number, payload: string): AuditEntry {
  const fields = JSON.parse(payload) as Record<string, unknown>;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(`audit entry ${id}: the payload is not a JSON object`);
  }
  return { ...fields, seq: id };
}

/**
 * entryHash(prevHash, entry) of `@lienthong/trust` when the entry's canonical JSON is already at hand:
 * SHA-256 of the previous hash's 32 bytes and that text.
 */
export function entryHashOfText(prevHash: string, canonicalEntry: string): string {
  if (!/^[0-9a-f]{64}$/.test(prevHash)) throw new TypeError('prevHash must be 64 lower-case hex digits');
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonicalEntry, 'utf8').digest('hex');
}
