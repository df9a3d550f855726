// What the audit hash chain hashes for one audit_log row: its id as `seq` beside the fields of its
// stored canonical payload, so an entry moved to another id no longer matches its hash.

import type { AuditEntry } from '@lienthong/trust';

export function chainEntry(id: number, payload: string): AuditEntry {
  const fields = JSON.parse(payload) as Record<string, unknown>;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(`audit entry ${id}: the payload is not a JSON object`);
  }
  return { ...fields, seq: id };
}
