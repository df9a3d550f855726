// Builds audit entries (one per acceptance, refusal, fetch, ack, status, admin action) and appends them.

import type { AuditRecord, StoreOps } from '../store/store.js';
import { canonicalJson } from './canonical-json.js';

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
  return ops.appendAudit({
    at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    outcome,
    reason: e.reason,
    requestId: e.requestId,
    payload: canonicalJson({
      at,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      outcome,
      reason: e.reason,
      requestId: e.requestId,
      details: e.details,
    }),
  });
}
