import type { OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { SecureVersion } from 'node:tls';
import { type HttpAnswer, readAnswer } from './http-request.js';

export interface TlsClientOptions {
  /** PEM of the CA(s) to trust for the server's certificate */
  ca?: string;
  /** PEM of the client certificate (and chain) and its key, for mutual TLS */
  cert?: string;
  key?: string;
  maxVersion?: SecureVersion;
}

/** One HTTPS exchange on a fresh connection (no agent), so that each call presents its own client certificate. */
export function httpsCall(
  url: string,
  opts: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string; tls?: TlsClientOptions } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: false, ...opts.tls },
      (res) => readAnswer(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
