import type { HubError } from '../../core/contract.js';

/** A VXP answer: exactly `status`, `ErrorCode`, `ErrorDesc` first, then the operation's payload — no other fields. */
export function vxpOk(payload: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'OK', ErrorCode: '0', ErrorDesc: '', ...payload };
}

/** FAIL with the HubError's HTTP status as ErrorCode (the answer itself goes out as HTTP 200). */
export function vxpFail(err: Pick<HubError, 'status' | 'message' | 'path'>): Record<string, unknown> {
  const desc = err.path && !err.message.includes(err.path) ? `${err.path}: ${err.message}` : err.message;
  return { status: 'FAIL', ErrorCode: String(err.status), ErrorDesc: desc };
}
