// The signature of a webhook call (docs/protocols/webhooks.md): `X-Lienthong-Signature: v1=<hex>` where
// hex = HMAC-SHA256(key = the webhook's secret as UTF-8, message = `<timestamp>.<body>`), timestamp being
// `X-Lienthong-Timestamp` (Unix seconds). Receivers verify with `verifyWebhookSignature` of @lienthong/client.

import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-lienthong-signature';
export const TIMESTAMP_HEADER = 'x-lienthong-timestamp';
export const WEBHOOK_ID_HEADER = 'x-lienthong-webhook-id';

/** A new signing secret: `whsec_` + 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
