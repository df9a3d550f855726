// Builds audit entries (one per acceptance, refusal, fetch, ack, status, admin action) and appends them.

import type { AuditRecord, StoreOps } from '../store/store.js';
import { canonicalMembers, withMember } from './canonical-json.js';

export interface AuditEvent {
  actor: string;
  action: string;
  subject?: string;
  outcome?: 'ok' | 'refused';
  reason?: string;
  requestId?: string;
  /** anything else worth keeping; never secrets */
  details?: Record<string, unknown>;
  at?: Date;
}

export function recordAudit(ops: StoreOps, e: AuditEvent): Promise<AuditRecord> {
  const at = e.at ?? new Date();
  const outcome = e.outcome ?? 'ok';
  const entry = {
    at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    outcome,
    reason: e.reason,
    requestId: e.requestId,
  };
  const fields = canonicalMembers({ ...entry, details: e.details });
  return ops.appendAudit({
    ...entry,
    payload: `{${fields.members.join(',')}}`,
    // what the chain hashes (chainEntry: the payload's fields and `seq`), from the members at hand
    chainText: (id) => withMember(fields, 'seq', String(id)),
  });
}
