// API keys `lt_<keyId>_<secret>`: the key id is stored in clear for lookup, the secret only as SHA-256.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedApiKey {
  token: string;
  keyId: string;
  hash: string;
}

const TOKEN = /^lt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function issueApiKey(): IssuedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `lt_${keyId}_${secret}`, keyId, hash: hashSecret(secret) };
}

export function parseApiKey(token: string): { keyId: string; secret: string } | undefined {
  const m = TOKEN.exec(token);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A VXP secret: base64 of 32 random bytes, 44 characters. */
export function newVxpSecret(): string {
  return randomBytes(32).toString('base64');
}
