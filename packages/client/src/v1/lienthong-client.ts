import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StatusCode } from '@lienthong/edxml';
import { type PackageSource, prepareBody, sha256Hex } from '../http/body-source.js';
import { ConnectionError, httpRequest, readText } from '../http/http-request.js';
import { type ProgressCallback, ProgressStream } from '../http/progress.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../http/retry.js';
import { type ClientTlsOptions, loadTlsMaterial, type TlsMaterial } from '../http/tls-material.js';
import { type SigningCredentials, withSigned } from '../sign/sign-file.js';
import { LienthongApiError } from './api-error.js';
import { dispositionFilename } from './content-disposition.js';
import { reviveDates } from './revive-dates.js';
import type {
  AckItem,
  AckResult,
  AckState,
  AgenciesQuery,
  Agency,
  InboxItem,
  InboxQuery,
  Page,
  SentItem,
  SentQuery,
  StaffInput,
  SubmitResult,
  Timeline,
  Webhook,
  WebhookInput,
} from './v1-types.js';

/** the most acknowledgements the hub takes in one `POST /v1/acks` */
const MAX_ACKS_PER_REQUEST = 1000;

export interface LienthongClientOptions {
  /** the hub's base URL, e.g. `http://127.0.0.1:8080` */
  url: string;
  /** `lt_<keyId>_<secret>`, issued by `lienthong agency add`; optional with a client certificate (`tls`) */
  apiKey?: string;
  /**
   * For https URLs: CA(s) to trust, and a client certificate + key (PEM text or file paths). On a hub that
   * requests client certificates, the certificate alone authenticates (mutual TLS), without an API key.
   */
  tls?: ClientTlsOptions;
  /** socket inactivity timeout in ms (default 120 000; long-polls add their wait) */
  timeoutMs?: number;
  /** retries of idempotent calls on connection errors and 503 */
  retry?: Partial<RetryPolicy>;
  agent?: http.Agent;
  userAgent?: string;
}

export interface SubmitOptions {
  /** recipients, overriding the package's To list */
  to?: string[];
  /**
   * `Digest: sha-256=<hex>` so the hub checks the body arrived intact. A hex string is sent as is;
   * by default it is computed for paths and bytes (an extra streaming pass) and omitted for streams.
   */
  digest?: string | boolean;
  /** sign the package (XML-DSig) before sending: a signed temporary copy is sent, then removed */
  sign?: SigningCredentials;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

export interface AttachmentDownload {
  name: string | undefined;
  contentType: string | undefined;
  size: number | undefined;
  stream: Readable;
}

interface RequestInit {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: OutgoingHttpHeaders;
  json?: unknown;
  /** whether the call may be repeated after a connection error or a 503 */
  idempotent: boolean;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

function isRetryable(err: unknown): boolean {
  return err instanceof ConnectionError || (err instanceof LienthongApiError && err.status === 503);
}

/** A client of the hub's native /v1 API, authenticated with an agency's API key. */
export class LienthongClient {
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  private readonly tls: TlsMaterial | undefined;

  constructor(private readonly options: LienthongClientOptions) {
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.tls = loadTlsMaterial(options.tls);
    if (!options.apiKey && !this.tls?.cert) {
      throw new Error('LienthongClient needs an apiKey or a client certificate (tls.cert and tls.key)');
    }
  }

  private url(path: string, query?: RequestInit['query']): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  private headers(extra?: OutgoingHttpHeaders): OutgoingHttpHeaders {
    return {
      ...(this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {}),
      'User-Agent': this.options.userAgent ?? 'lienthong-client/0.1',
      Accept: 'application/json',
      ...extra,
    };
  }

  /** One exchange; resolves with a 2xx response, throws LienthongApiError otherwise. */
  private async exchange(
    method: string,
    path: string,
    init: RequestInit,
    body?: () => Readable | Uint8Array | string,
  ): Promise<IncomingMessage> {
    const attempt = async (): Promise<IncomingMessage> => {
      const headers = this.headers(init.headers);
      let payload = body?.();
      if (init.json !== undefined) {
        payload = JSON.stringify(init.json);
        headers['Content-Type'] = 'application/json';
      }
      if (typeof payload === 'string' || payload instanceof Uint8Array)
        headers['Content-Length'] = Buffer.byteLength(payload);
      const res = await httpRequest({
        method,
        url: this.url(path, init.query),
        headers,
        body: payload,
        timeoutMs: init.timeoutMs ?? this.options.timeoutMs ?? 120_000,
        signal: init.signal,
        agent: this.options.agent,
        tls: this.tls,
      });
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const requestId = res.headers['x-request-id'];
      throw LienthongApiError.fromBody(
        status,
        await readText(res),
        typeof requestId === 'string' ? requestId : undefined,
      );
    };
    if (!init.idempotent) return attempt();
    return withRetry(attempt, isRetryable, this.retry, init.signal);
  }

  private async json<T>(method: string, path: string, init: RequestInit): Promise<T> {
    const res = await this.exchange(method, path, init);
    const text = await readText(res);
    return (text === '' ? undefined : JSON.parse(text, reviveDates)) as T;
  }

  /**
   * Submit a package (document or status), streamed. Paths and bytes are retried on connection
   * errors and 503: the hub recognises a resubmission and answers `duplicate: true`.
   */
  async submit(source: PackageSource, opts: SubmitOptions = {}): Promise<SubmitResult> {
    return withSigned(source, opts.sign, (s) => this.submitUnchanged(s, opts));
  }

  private async submitUnchanged(source: PackageSource, opts: SubmitOptions): Promise<SubmitResult> {
    const body = await prepareBody(source);
    let digest = typeof opts.digest === 'string' ? opts.digest : undefined;
    if (digest === undefined && opts.digest !== false && !(source instanceof Readable))
      digest = await sha256Hex(source);
    const headers: OutgoingHttpHeaders = { 'Content-Type': 'application/xml' };
    if (body.length !== undefined) headers['Content-Length'] = body.length;
    if (digest) headers['Digest'] = `sha-256=${digest}`;
    const res = await this.exchange(
      'POST',
      'v1/packages',
      {
        query: { to: opts.to?.join(',') },
        headers,
        idempotent: body.replayable,
        signal: opts.signal,
      },
      () => body.open(opts.onProgress),
    );
    return JSON.parse(await readText(res), reviveDates) as SubmitResult;
  }

  /** One page of what is waiting for this agency. With `wait`, the hub holds the call until something arrives. */
  async inbox(q: InboxQuery = {}): Promise<Page<InboxItem>> {
    const page = await this.json<Page<InboxItem>>('GET', 'v1/inbox', {
      query: {
        type: q.type ?? 'edoc',
        cursor: q.cursor,
        limit: q.limit,
        from: q.from,
        since: q.since instanceof Date ? q.since.toISOString() : q.since,
        until: q.until instanceof Date ? q.until.toISOString() : q.until,
        state: q.state?.join(','),
        wait: q.wait,
      },
      idempotent: true,
      timeoutMs: (this.options.timeoutMs ?? 120_000) + (q.wait ?? 0) * 1000,
      signal: q.signal,
    });
    return { items: page.items ?? [], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Every page of the inbox from `cursor` on, until the hub has nothing more right now. */
  async *iterateInbox(q: InboxQuery = {}): AsyncGenerator<Page<InboxItem>, void, undefined> {
    let cursor = q.cursor;
    for (;;) {
      const page = await this.inbox({ ...q, ...(cursor ? { cursor } : {}) });
      yield page;
      if (!page.nextCursor || page.nextCursor === cursor) return;
      cursor = page.nextCursor;
    }
  }

  /** The package as delivered, streamed. */
  async download(docId: string, opts: DownloadOptions = {}): Promise<Readable> {
    const res = await this.exchange('GET', `v1/packages/${encodeURIComponent(docId)}`, {
      idempotent: true,
      signal: opts.signal,
      headers: { Accept: 'application/xml, application/octet-stream, */*' },
    });
    return withProgress(res, opts.onProgress);
  }

  /** Download the package into a file (written beside it first, renamed when complete). */
  async downloadTo(docId: string, path: string, opts: DownloadOptions = {}): Promise<{ path: string; size: number }> {
    const stream = await this.download(docId, opts);
    const partial = `${path}.part`;
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
    });
    try {
      await pipeline(stream, createWriteStream(partial));
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    return { path, size };
  }

  /** One attachment, decoded by the hub, streamed. */
  async attachment(docId: string, index: number, opts: DownloadOptions = {}): Promise<AttachmentDownload> {
    const res = await this.exchange('GET', `v1/packages/${encodeURIComponent(docId)}/attachments/${index}`, {
      idempotent: true,
      signal: opts.signal,
      headers: { Accept: '*/*' },
    });
    const length = Number(res.headers['content-length']);
    return {
      name: dispositionFilename(res.headers['content-disposition']),
      contentType: res.headers['content-type'],
      size: Number.isFinite(length) ? length : undefined,
      stream: withProgress(res, opts.onProgress),
    };
  }

  /** Transport acknowledgement: `done` takes the package out of the inbox. */
  async ack(docId: string, state: AckState, description?: string): Promise<void> {
    await this.json<void>('POST', `v1/packages/${encodeURIComponent(docId)}/ack`, {
      json: description === undefined ? { state } : { state, description },
      idempotent: true,
    });
  }

  /** Send a business status (01…06, 13, 15, 16) about a document this agency received. */
  async sendStatus(
    docId: string,
    statusCode: StatusCode,
    opts: { description?: string; staff?: StaffInput } = {},
  ): Promise<SubmitResult> {
    return this.json<SubmitResult>('POST', `v1/packages/${encodeURIComponent(docId)}/status`, {
      json: { statusCode, ...opts },
      idempotent: false,
    });
  }

  /** Every recipient's transport and business statuses, traces and related documents. */
  async timeline(docId: string, opts: { signal?: AbortSignal } = {}): Promise<Timeline> {
    return this.json<Timeline>('GET', `v1/packages/${encodeURIComponent(docId)}/timeline`, {
      idempotent: true,
      signal: opts.signal,
    });
  }

  /** The hub's signed receipt of a package this agency sent (compact JWS; check it with @lienthong/trust verifyReceipt). */
  async receipt(docId: string, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const r = await this.json<{ receipt: string }>('GET', `v1/packages/${encodeURIComponent(docId)}/receipt`, {
      idempotent: true,
      signal: opts.signal,
    });
    return r.receipt;
  }

  /** What this agency sent, with each recipient's state. */
  async sent(q: SentQuery = {}): Promise<Page<SentItem>> {
    const page = await this.json<Page<SentItem>>('GET', 'v1/sent', {
      query: { type: q.type ?? 'edoc', cursor: q.cursor, limit: q.limit },
      idempotent: true,
      signal: q.signal,
    });
    return { items: page.items ?? [], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** The directory. */
  /**
   * Registers (or changes) this agency's webhook. The first registration's answer carries the signing
   * secret (`secret`), shown this once; a change keeps it.
   */
  async setWebhook(input: WebhookInput, opts: { signal?: AbortSignal } = {}): Promise<Webhook> {
    return this.json<Webhook>('PUT', 'v1/webhook', { json: input, idempotent: false, signal: opts.signal });
  }

  async webhook(opts: { signal?: AbortSignal } = {}): Promise<Webhook> {
    return this.json<Webhook>('GET', 'v1/webhook', { idempotent: true, signal: opts.signal });
  }

  async deleteWebhook(opts: { signal?: AbortSignal } = {}): Promise<void> {
    await this.json<void>('DELETE', 'v1/webhook', { idempotent: true, signal: opts.signal });
  }

  /** a new signing secret (in `secret`), in force at once */
  async rotateWebhookSecret(opts: { signal?: AbortSignal } = {}): Promise<Webhook> {
    return this.json<Webhook>('POST', 'v1/webhook/rotate-secret', { idempotent: false, signal: opts.signal });
  }

  async agencies(q: AgenciesQuery = {}): Promise<Agency[]> {
    const r = await this.json<{ items: Agency[] }>('GET', 'v1/agencies', {
      query: { level: q.level, since: q.since, includeDisabled: q.includeDisabled },
      idempotent: true,
      signal: q.signal,
    });
    return r.items ?? [];
  }

  async agency(code: string, opts: { signal?: AbortSignal } = {}): Promise<Agency> {
    return this.json<Agency>('GET', `v1/agencies/${encodeURIComponent(code)}`, {
      idempotent: true,
      signal: opts.signal,
    });
  }

  /**
   * Transport acknowledgements of many packages in one request per 1,000 (`POST /v1/acks`): each is
   * recorded as by `ack`, independently; the results, in order, say which were refused and why.
   */
  async ackMany(items: readonly AckItem[], opts: { signal?: AbortSignal } = {}): Promise<AckResult[]> {
    const out: AckResult[] = [];
    for (let i = 0; i < items.length; i += MAX_ACKS_PER_REQUEST) {
      const r = await this.json<{ results: AckResult[] }>('POST', 'v1/acks', {
        json: { items: items.slice(i, i + MAX_ACKS_PER_REQUEST) },
        idempotent: true,
        signal: opts.signal,
      });
      out.push(...r.results);
    }
    return out;
  }
}

function withProgress(res: IncomingMessage, onProgress?: ProgressCallback): Readable {
  if (!onProgress) return res;
  const length = Number(res.headers['content-length']);
  const progress = new ProgressStream(Number.isFinite(length) ? length : undefined, onProgress);
  res.on('error', (err) => progress.destroy(err));
  return res.pipe(progress);
}
