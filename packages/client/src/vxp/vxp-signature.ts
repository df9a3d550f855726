import { createHash, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { javaHashMapOrder } from './java-hash-order.js';

export const VXP_PREFIX = 'XroadVnpt-';
export const VXP_USER_AGENT = 'JAVASDKAgent/1.0.0 XRoad/VPCP';
export const VXP_VERSION = '3.0.201608';

/** How the signed headers are ordered: as the Java SDK's HashMap iterates (default), or as inserted. */
export type HeaderOrder = 'java' | 'insertion';

/** Lowercase hex HMAC-SHA256 keyed with the UTF-8 bytes of the secret, over the exact sign-header string. */
export function vxpMac(secret: string, signHeader: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(signHeader, 'utf8').digest('hex');
}

/** JSON with every non-ASCII character escaped, so the header stays 7-bit and the MAC unambiguous. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A header value as raw UTF-8 bytes (node:http sends string header values as latin1). */
function headerValue(v: string): string {
  return Buffer.from(v, 'utf8').toString('latin1');
}

export interface SignedRequestHeaders {
  /** the HTTP headers to send */
  headers: Record<string, string>;
  /** the `XroadVnpt-sign-header` value, i.e. the MAC's message */
  signHeader: string;
  /** the `XroadVnpt-sign-header-key` value */
  signHeaderKey: string;
  /** the `XroadVnpt-hash-header` value */
  mac: string;
}

/**
 * Turn an operation's parameters (already including `systemid`, `timestamp` and `Content-Type`)
 * into the signed VXP headers, as the vendor Java SDK does.
 */
export function signVxpHeaders(
  params: Record<string, string>,
  secret: string,
  order: HeaderOrder = 'java',
): SignedRequestHeaders {
  const keys = order === 'java' ? javaHashMapOrder(Object.keys(params)) : Object.keys(params);
  const signed: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const k of keys) {
    const v = params[k] ?? '';
    signed[VXP_PREFIX + k] = v;
    headers[VXP_PREFIX + k] = headerValue(v);
  }
  const signHeader = asciiJson(signed);
  const signHeaderKey = keys.join(';');
  const mac = vxpMac(secret, signHeader);
  const contentType = params['Content-Type'];
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  headers[`${VXP_PREFIX}sign-header-key`] = headerValue(signHeaderKey);
  headers[`${VXP_PREFIX}sign-header`] = signHeader;
  headers[`${VXP_PREFIX}hash-header`] = mac;
  headers[`${VXP_PREFIX}version`] = VXP_VERSION;
  headers['User-Agent'] = VXP_USER_AGENT;
  return { headers, signHeader, signHeaderKey, mac };
}

/** The same `XroadVnpt-` headers without the signature, for a connection authenticated by a client certificate. */
export function unsignedVxpHeaders(
  params: Record<string, string>,
  order: HeaderOrder = 'java',
): Record<string, string> {
  const keys = order === 'java' ? javaHashMapOrder(Object.keys(params)) : Object.keys(params);
  const headers: Record<string, string> = {};
  for (const k of keys) headers[VXP_PREFIX + k] = headerValue(params[k] ?? '');
  const contentType = params['Content-Type'];
  if (contentType !== undefined) headers['Content-Type'] = contentType;
  headers[`${VXP_PREFIX}version`] = VXP_VERSION;
  headers['User-Agent'] = VXP_USER_AGENT;
  return headers;
}

/**
 * Hex of a digest the way the Java SDK writes it: `Integer.toHexString(b & 0xff)` per byte, so a
 * byte below 0x10 loses its leading zero (0x0a → "a").
 */
export function javaHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16);
  return out;
}

/** `hash-file`: SHA-256 of the package in the Java SDK's hex, computed by streaming the source. */
export async function vxpHashFile(source: string | Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  if (source instanceof Uint8Array) {
    hash.update(source);
  } else {
    const stream = typeof source === 'string' ? createReadStream(source) : source;
    for await (const chunk of stream) hash.update(chunk as Uint8Array);
  }
  return javaHex(hash.digest());
}
