import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HubError } from '../../core/contract.js';
import { checkTimestampWindow } from './vxp-timestamp-window.js';

export interface VxpAuthOptions {
  /** the secret of an enabled system, undefined for an unknown or disabled one */
  secretFor(systemId: string): Promise<string | undefined>;
  now: Date;
  /** 0 disables the timestamp check */
  timestampWindowSeconds: number;
}

/** An authenticated VXP request: its system and its signed parameters. */
export interface VxpRequestAuth {
  systemId: string;
  /** how the system was authenticated: the HMAC of the SDKs or a TLS client certificate */
  via: 'vxp-hmac' | 'mtls';
  /** a signed parameter (name case-insensitive); undefined when absent or empty */
  param(name: string): string | undefined;
  /** a signed parameter that must be present */
  require(name: string): string;
}

const PREFIX = 'xroadvnpt-';

/**
 * Verifies a request signed the way the VXP client SDKs sign: `XroadVnpt-sign-header` is a JSON object of the
 * `XroadVnpt-<key>` parameters and `XroadVnpt-hash-header` its HMAC-SHA256 under the system's secret.
 * Parameters are then read from the signed set only; a plain header that disagrees with it is refused.
 */
export async function authenticateVxp(headers: IncomingHttpHeaders, opts: VxpAuthOptions): Promise<VxpRequestAuth> {
  const signHeader = single(headers, `${PREFIX}sign-header`);
  const hashHeader = single(headers, `${PREFIX}hash-header`);
  if (signHeader === undefined) throw unauthenticated('missing header XroadVnpt-sign-header');
  if (hashHeader === undefined) throw unauthenticated('missing header XroadVnpt-hash-header');

  // Node decodes header bytes as latin1; the client signed the UTF-8 bytes it sent, so recover those bytes exactly.
  const signedBytes = Buffer.from(signHeader, 'latin1');
  const signed = parseSignedSet(signedBytes.toString('utf8'));

  const systemId = signed.get('systemid');
  if (!systemId) throw unauthenticated('XroadVnpt-sign-header does not sign XroadVnpt-systemid');
  const secret = await opts.secretFor(systemId);
  if (secret === undefined) throw unauthenticated(`unknown or disabled systemid "${systemId}"`);

  if (!/^[0-9a-fA-F]{64}$/.test(hashHeader.trim())) {
    throw unauthenticated('XroadVnpt-hash-header is not a 64-digit hex HMAC-SHA256');
  }
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(signedBytes).digest();
  if (!timingSafeEqual(expected, Buffer.from(hashHeader.trim(), 'hex'))) {
    throw unauthenticated(
      `XroadVnpt-hash-header does not match the HMAC-SHA256 of XroadVnpt-sign-header for systemid "${systemId}" (wrong secret, or the header was altered)`,
    );
  }

  const auth: VxpRequestAuth = {
    systemId,
    via: 'vxp-hmac',
    param(name) {
      const key = name.toLowerCase();
      const value = signed.get(key);
      const plain = single(headers, PREFIX + key);
      // Unsigned headers are never used, only ignored: the SDK itself sends an unsigned `XroadVnpt-version`.
      if (value === undefined) return undefined;
      if (plain !== undefined && !sameValue(plain, value)) {
        throw unauthenticated(`header XroadVnpt-${name} differs from its signed value`);
      }
      return value === '' ? undefined : value;
    },
    require(name) {
      const value = auth.param(name);
      if (value === undefined) throw new HubError('bad-request', `missing parameter XroadVnpt-${name}`, { path: name });
      return value;
    },
  };
  auth.param('systemid');

  if (opts.timestampWindowSeconds > 0) {
    const ts = auth.param('timestamp');
    if (ts === undefined) throw unauthenticated('XroadVnpt-sign-header does not sign XroadVnpt-timestamp');
    checkTimestampWindow(ts, opts.now, opts.timestampWindowSeconds);
  }
  return auth;
}

function parseSignedSet(json: string): Map<string, string> {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch {
    throw unauthenticated('XroadVnpt-sign-header is not valid JSON');
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw unauthenticated('XroadVnpt-sign-header is not a JSON object');
  }
  const out = new Map<string, string>();
  for (const [rawKey, rawValue] of Object.entries(obj)) {
    const lower = rawKey.toLowerCase();
    const key = lower.startsWith(PREFIX) ? lower.slice(PREFIX.length) : lower;
    const value =
      typeof rawValue === 'string'
        ? rawValue
        : rawValue === null
          ? ''
          : typeof rawValue === 'object'
            ? JSON.stringify(rawValue)
            : String(rawValue);
    const previous = out.get(key);
    if (previous !== undefined && previous !== value) {
      throw unauthenticated(`XroadVnpt-sign-header signs ${key} twice with different values`);
    }
    out.set(key, value);
  }
  return out;
}

/** Node joins repeated headers with ", " (the SDK's own `XroadVnpt-version` may repeat a signed `version`). */
function sameValue(plain: string, signed: string): boolean {
  const utf8 = Buffer.from(plain, 'latin1').toString('utf8');
  return [plain, utf8].some((v) => v === signed || v.split(', ').includes(signed));
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function unauthenticated(message: string): HubError {
  return new HubError('unauthenticated', message);
}
