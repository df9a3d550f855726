// An independent VXP client for tests, written from the published Java SDK's behaviour (not from the hub's
// verifier): a persistent header map (so headers of earlier calls leak into later ones), a timestamp computed once
// at construction, every entry sent as `XroadVnpt-<key>`, the sign-header JSON and its HMAC-SHA256.
import { createHash, createHmac } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { type HttpAnswer, httpCall } from './http-request.js';

export interface VxpTestCredentials {
  systemId: string;
  secret: string;
}

/** `ddMMyyyy'T'HHmmss+SSSS` in UTC+7, as `new SimpleDateFormat(...).format(new Date())` on a Vietnamese server. */
export function javaSdkTimestamp(at: Date = new Date()): string {
  const v = new Date(at.getTime() + 7 * 3_600_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(v.getUTCDate()) +
    p(v.getUTCMonth() + 1) +
    v.getUTCFullYear() +
    'T' +
    p(v.getUTCHours()) +
    p(v.getUTCMinutes()) +
    p(v.getUTCSeconds()) +
    '+' +
    p(v.getUTCMilliseconds(), 4)
  );
}

/** The HTTP headers the Java SDK sends for a header map. Header values carry UTF-8 bytes, as the SDK writes them. */
export function signLikeJavaSdk(secret: string, map: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const signed: Record<string, string> = {};
  const keys: string[] = [];
  for (const [k, v] of map) {
    if (k === 'Content-Type') out['Content-Type'] = v;
    signed[`XroadVnpt-${k}`] = v;
    out[`XroadVnpt-${k}`] = wire(v);
    keys.push(k);
  }
  const signHeader = JSON.stringify(signed);
  out['XroadVnpt-sign-header-key'] = wire(keys.join(';'));
  out['XroadVnpt-sign-header'] = wire(signHeader);
  out['XroadVnpt-hash-header'] = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.from(signHeader, 'utf8'))
    .digest('hex');
  out['User-Agent'] = 'JAVASDKAgent/1.0.0 XRoad/VPCP';
  // a second header line when `version` is also a parameter (getSynchronizeUnit): the SDK sends both
  const previous = out['XroadVnpt-version'];
  out['XroadVnpt-version'] = (previous === undefined ? '3.0.201608' : [previous, '3.0.201608']) as string;
  return out;
}

/** node:http writes header strings as latin1: hand it the UTF-8 bytes so they reach the wire unchanged. */
function wire(v: string): string {
  return Buffer.from(v, 'utf8').toString('latin1');
}

export interface VxpCallOptions {
  method?: 'GET' | 'POST';
  body?: Buffer | string | Readable;
  contentType?: string;
  /** change the signed headers after signing (tamper tests) */
  mutate?: (headers: Record<string, string>) => void;
}

/** `hash-file` as the Java SDK computes it: SHA-256, each byte as hex without its leading zero. */
export function javaSdkHashFile(bytes: Buffer): string {
  const digest = createHash('sha256').update(bytes).digest();
  return [...digest].map((b) => b.toString(16)).join('');
}

/** The start of the body the Java SDK's MultipartUtility sends: a boundary line and part headers, no closing boundary. */
export function javaSdkMultipartPreamble(fileName = 'edoc.edxml'): string {
  return `--===1732160000000===\r\nContent-Disposition: form-data; name="file_doc"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n`;
}

export class VxpTestClient {
  readonly headers = new Map<string, string>();
  /** the HTTP headers of the last call (to check that MACs never reach the logs) */
  lastHeaders: Record<string, string> = {};
  constructor(
    readonly endpoint: string,
    readonly creds: VxpTestCredentials,
    timestamp: string = javaSdkTimestamp(),
  ) {
    this.headers.set('timestamp', timestamp);
    this.headers.set('systemid', creds.systemId);
  }

  async call(operation: string, params: Record<string, string> = {}, opts: VxpCallOptions = {}): Promise<HttpAnswer> {
    this.headers.set('Content-Type', opts.contentType ?? 'application/json');
    for (const [k, v] of Object.entries(params)) this.headers.set(k, v);
    const headers: OutgoingHttpHeaders = signLikeJavaSdk(this.creds.secret, this.headers);
    opts.mutate?.(headers as Record<string, string>);
    this.lastHeaders = headers as Record<string, string>;
    // The SDK POSTs an empty form or `{}` for operations without a payload.
    const body = opts.body ?? (opts.method === 'GET' ? undefined : '{}');
    return httpCall(`${this.endpoint}/${operation}`, { method: opts.method ?? 'POST', headers, body });
  }

  /** call and parse the JSON answer, asserting HTTP 200 (the SDK cannot read anything else) */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer fields and assert on them
  async json(operation: string, params: Record<string, string> = {}, opts: VxpCallOptions = {}): Promise<any> {
    const res = await this.call(operation, params, opts);
    if (res.status !== 200) throw new Error(`${operation}: HTTP ${res.status} ${res.text()}`);
    return res.json();
  }
}
