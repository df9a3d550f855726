import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TlsMaterial } from './tls-material.js';

export interface HttpRequestOptions {
  method: string;
  url: URL;
  headers: OutgoingHttpHeaders;
  /** the request body; streamed with backpressure when a Readable */
  body?: Uint8Array | string | Readable;
  /** socket inactivity timeout in ms (0 = none) */
  timeoutMs?: number;
  signal?: AbortSignal;
  agent?: http.Agent;
  /** CA, client certificate and key for https URLs */
  tls?: TlsMaterial | undefined;
}

/** A connection-level failure (refused, reset, timed out) before a response arrived. */
export class ConnectionError extends Error {
  override readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message);
    this.name = 'ConnectionError';
    this.cause = cause;
  }
}

/**
 * One HTTP exchange with node:http directly, for exact control of header names and values and
 * for streaming bodies both ways. Resolves with the response head; the caller consumes the body.
 */
export function httpRequest(opts: HttpRequestOptions): Promise<IncomingMessage> {
  const transport = opts.url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      reject(
        err instanceof Error && err.name === 'AbortError'
          ? err
          : new ConnectionError(`${opts.method} ${opts.url.href}: ${code ?? (err as Error)?.message ?? err}`, err),
      );
    };
    const req = transport.request(opts.url, {
      method: opts.method,
      headers: opts.headers,
      agent: opts.agent,
      signal: opts.signal,
      ...(opts.tls && transport === https ? { ...opts.tls, minVersion: 'TLSv1.2' as const } : {}),
    });
    if (opts.timeoutMs) {
      req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    }
    req.on('error', fail);
    req.on('response', (res) => {
      if (settled) {
        res.resume();
        return;
      }
      settled = true;
      resolve(res);
    });
    const body = opts.body;
    if (body === undefined) {
      req.end();
    } else if (body instanceof Readable) {
      // A server may answer (e.g. 401, 413) before reading the whole body; the response still wins.
      pipeline(body, req).catch((err: unknown) => {
        req.destroy(err as Error);
        fail(err);
      });
    } else {
      req.end(body);
    }
  });
}

/** Read a whole (small) response body as UTF-8 text. */
export async function readText(res: IncomingMessage, maxBytes = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      res.destroy();
      throw new Error(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function isJsonResponse(res: IncomingMessage): boolean {
  return /\bjson\b/i.test(String(res.headers['content-type'] ?? ''));
}
