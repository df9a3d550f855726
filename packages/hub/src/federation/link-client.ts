// One signed HTTP request to a linked hub (node:http/https: the body may be streamed).

import type { KeyObject } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LINK_HEADERS, signLinkRequest, verifyLinkResponse } from './link-auth.js';

export interface LinkAnswer {
  status: number;
  body: unknown;
  text: string;
}

export interface LinkRequest {
  /** the peer's base URL */
  baseUrl: string;
  from: string;
  to: string;
  key: KeyObject;
  method: 'GET' | 'POST';
  path: string;
  bodySha256: string;
  meta?: unknown;
  /** the body: bytes, or a stream factory (the body is read once) */
  body?: Buffer | (() => AsyncIterable<Uint8Array>);
  contentType?: string;
  timeoutMs?: number;
  /** the peer's pinned key: the answer must carry its signature, or the call fails (and is retried) */
  peerKey?: KeyObject;
}

/** Sends a signed link request; network failures reject, any HTTP answer resolves. */
export async function linkRequest(r: LinkRequest): Promise<LinkAnswer> {
  const url = new URL(r.path, `${r.baseUrl}/`);
  const headers: Record<string, string> = {
    ...signLinkRequest(r.key, {
      from: r.from,
      to: r.to,
      method: r.method,
      path: url.pathname + url.search,
      bodySha256: r.bodySha256,
      meta: r.meta,
    }),
    accept: 'application/json',
  };
  if (r.body !== undefined) headers['content-type'] = r.contentType ?? 'application/octet-stream';
  if (Buffer.isBuffer(r.body)) headers['content-length'] = String(r.body.length);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeoutMs = r.timeoutMs ?? 60_000;
  return await new Promise<LinkAnswer>((resolve, reject) => {
    const req = send(url, { method: r.method, headers, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(parts);
        if (r.peerKey) {
          const signature = res.headers[LINK_HEADERS.responseSignature];
          const ok =
            typeof signature === 'string' &&
            verifyLinkResponse(r.peerKey, {
              from: r.to,
              to: r.from,
              nonce: headers[LINK_HEADERS.nonce]!,
              status: res.statusCode ?? 0,
              body: bytes,
              signature,
            });
          if (!ok) {
            reject(
              new Error(`the answer from ${url.origin} (${res.statusCode}) is not signed by hub ${r.to}'s pinned key`),
            );
            return;
          }
        }
        const text = bytes.toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (r.body === undefined) req.end();
    else if (Buffer.isBuffer(r.body)) req.end(r.body);
    else pipeline(Readable.from(r.body(), { objectMode: false }), req).catch((err: Error) => req.destroy(err));
  });
}
