// Verifying the hub's webhook calls (docs/protocols/webhooks.md): the signature is
// `v1=` + hex HMAC-SHA256(key = the webhook secret as UTF-8, message = `<X-Lienthong-Timestamp>.<raw body>`).

import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

export interface WebhookVerification {
  ok: boolean;
  /** why it failed */
  reason?: 'missing-header' | 'bad-timestamp' | 'stale' | 'bad-signature';
  /** X-Lienthong-Webhook-Id: the same on every retry of one notification (deduplicate by it) */
  id?: string;
  timestamp?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : h[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Checks that a webhook call comes from the hub holding `secret` and is recent: the signature over the
 * timestamp and the raw body (the exact bytes received, before any JSON parsing), compared in constant
 * time, and the timestamp within `toleranceSeconds` (default 300) of `now` (replay window). Several
 * `v1=` values separated by commas are accepted (any one matching).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: WebhookHeaders,
  body: string | Uint8Array,
  toleranceSeconds = 300,
  now: Date = new Date(),
): WebhookVerification {
  const signature = header(headers, 'x-lienthong-signature');
  const ts = header(headers, 'x-lienthong-timestamp');
  const id = header(headers, 'x-lienthong-webhook-id');
  if (!signature || !ts) return { ok: false, reason: 'missing-header', ...(id ? { id } : {}) };
  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'bad-timestamp', ...(id ? { id } : {}) };
  const timestamp = Number(ts);
  const base = { ...(id ? { id } : {}), timestamp };
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return { ok: false, reason: 'stale', ...base };
  const expected = createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
  for (const part of signature.split(',')) {
    const m = /^\s*v1=([0-9a-f]{64})\s*$/i.exec(part);
    if (m && timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected)) return { ok: true, ...base };
  }
  return { ok: false, reason: 'bad-signature', ...base };
}
