import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PackageSource } from '../http/body-source.js';
import { httpRequest, isJsonResponse, readText } from '../http/http-request.js';
import { type ProgressCallback, ProgressStream } from '../http/progress.js';
import {
  agencyCodeOfCertificate,
  type ClientTlsOptions,
  loadTlsMaterial,
  type TlsMaterial,
} from '../http/tls-material.js';
import { type SigningCredentials, withSigned } from '../sign/sign-file.js';
import { Base64FieldDecoder } from './base64-field-decoder.js';
import { VxpError } from './vxp-error.js';
import { type HeaderOrder, signVxpHeaders, unsignedVxpHeaders, vxpHashFile } from './vxp-signature.js';
import { formatVxpDate, formatVxpTimestamp } from './vxp-timestamp.js';
import type {
  VxpAckStatus,
  VxpAgency,
  VxpAgencyQD20,
  VxpCountResult,
  VxpListResult,
  VxpMessageType,
  VxpReceivedItem,
  VxpReceivedQuery,
  VxpRegisterAgencyInput,
  VxpSendResult,
  VxpSentItem,
  VxpSentQuery,
  VxpStatus,
  VxpSyncUnit,
} from './vxp-types.js';

export interface VxpClientOptions {
  /** the hub's base URL, e.g. `https://hub.example.gov.vn` or `http://127.0.0.1:8080` */
  endpoint: string;
  /** agency code or tenant id; with a client certificate, default: the agency code in its subject UID */
  systemId?: string;
  /** the 44-character secret issued by the hub; without it requests go unsigned and a client certificate authenticates */
  secret?: string;
  /**
   * For https endpoints: CA(s) to trust, and a client certificate + key (PEM text or file paths). On a hub that
   * requests client certificates, the certificate replaces the HMAC (mutual TLS): parameters go unsigned.
   */
  tls?: ClientTlsOptions;
  /**
   * Compute a fresh `timestamp` for every call. The Java SDK computes it once when the client is
   * created (default: false, like the SDK), which a hub with a timestamp window eventually refuses.
   */
  refreshTimestamp?: boolean;
  /** order of the signed headers: as the Java SDK's HashMap iterates (default) or as inserted */
  headerOrder?: HeaderOrder;
  /**
   * Reproduce the SDK's known quirks, for testing a hub's tolerance: headers of earlier calls are
   * sent again with later calls, and client-local parameters (`filePath`) are sent as headers.
   */
  emulateQuirks?: boolean;
  /** socket inactivity timeout in ms (default 120 000) */
  timeoutMs?: number;
  agent?: http.Agent;
  /** clock, for tests */
  now?: () => Date;
}

export interface VxpSendOptions {
  /** the sender's code (the package's From) */
  from: string;
  /** `edoc` (default) or `status` */
  messageType?: VxpMessageType;
  /** recipients, overriding the package's To list */
  to?: string[];
  /** `hash-file` to declare; computed by streaming the file when the source is a path; `false` to omit */
  hashFile?: string | false;
  /** sign the package (XML-DSig) before sending: a signed temporary copy is sent, then removed */
  sign?: SigningCredentials;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

const SERVICE_TYPE = 'eDoc';

/**
 * A client of the production VXP protocol that behaves like the vendor Java SDK: every parameter
 * travels as a signed `XroadVnpt-*` header.
 */
export class VxpClient {
  private readonly base: URL;
  /** the system this client speaks for (given, or the agency of its client certificate) */
  readonly systemId: string;
  private readonly secret: string | undefined;
  private readonly timestamp: string;
  private readonly leaked: Record<string, string> = {};
  private readonly tls: TlsMaterial | undefined;

  constructor(private readonly options: VxpClientOptions) {
    this.base = new URL(options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`);
    this.tls = loadTlsMaterial(options.tls);
    const certified = this.tls?.cert ? agencyCodeOfCertificate(this.tls.cert) : undefined;
    const systemId = options.systemId ?? certified;
    if (!systemId) throw new Error('VxpClient needs a systemId (or a client certificate naming its agency)');
    if (!options.secret && !this.tls?.cert) {
      throw new Error('VxpClient needs a secret or a client certificate (tls.cert and tls.key)');
    }
    this.systemId = systemId;
    this.secret = options.secret;
    this.timestamp = formatVxpTimestamp(this.now());
  }

  private now(): Date {
    return this.options.now ? this.options.now() : new Date();
  }

  /** The headers an operation sends, signed (unsigned without a secret). Exposed for interop tests and debugging. */
  signedHeaders(params: Record<string, string>, contentType: string): Record<string, string> {
    let all: Record<string, string> = params;
    if (this.options.emulateQuirks) {
      Object.assign(this.leaked, params);
      all = { ...this.leaked };
    }
    const withAuth: Record<string, string> = {
      ...all,
      systemid: this.systemId,
      timestamp: this.options.refreshTimestamp ? formatVxpTimestamp(this.now()) : this.timestamp,
      'Content-Type': contentType,
    };
    const order = this.options.headerOrder ?? 'java';
    return this.secret === undefined
      ? unsignedVxpHeaders(withAuth, order)
      : signVxpHeaders(withAuth, this.secret, order).headers;
  }

  private async call(
    operation: string,
    method: 'GET' | 'POST',
    params: Record<string, string | undefined>,
    init: {
      contentType?: string;
      body?: Uint8Array | string | Readable;
      length?: number;
      signal?: AbortSignal | undefined;
    } = {},
  ): Promise<IncomingMessage> {
    const defined: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) defined[k] = v;
    const headers: Record<string, string | number> = this.signedHeaders(
      defined,
      init.contentType ?? 'application/json',
    );
    if (init.length !== undefined) headers['Content-Length'] = init.length;
    else if (typeof init.body === 'string' || init.body instanceof Uint8Array)
      headers['Content-Length'] = Buffer.byteLength(init.body);
    return httpRequest({
      method,
      url: new URL(operation, this.base),
      headers,
      body: init.body,
      timeoutMs: this.options.timeoutMs ?? 120_000,
      signal: init.signal,
      agent: this.options.agent,
      tls: this.tls,
    });
  }

  private async json<T extends VxpStatus>(operation: string, res: IncomingMessage): Promise<T> {
    const text = await readText(res);
    let body: Partial<VxpStatus> & Record<string, unknown>;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new VxpError(
        operation,
        `HTTP_${res.statusCode}`,
        text.slice(0, 300) || 'not a VXP answer',
        res.statusCode ?? 0,
      );
    }
    return checkStatus<T>(operation, body, res.statusCode ?? 0);
  }

  /** Send a package (document or status). The body is streamed; a path is hashed first, as the SDK does. */
  async sendEdoc(source: PackageSource, opts: VxpSendOptions): Promise<VxpSendResult> {
    return withSigned(source, opts.sign, (s) => this.sendUnchanged(s, opts));
  }

  private async sendUnchanged(source: PackageSource, opts: VxpSendOptions): Promise<VxpSendResult> {
    let body: Readable | Uint8Array;
    let length: number | undefined;
    let hash = opts.hashFile === false ? undefined : opts.hashFile;
    if (typeof source === 'string') {
      length = (await stat(source)).size;
      if (hash === undefined && opts.hashFile !== false) hash = await vxpHashFile(source);
      body = createReadStream(source);
    } else if (source instanceof Uint8Array) {
      length = source.length;
      if (hash === undefined && opts.hashFile !== false) hash = await vxpHashFile(source);
      body = source;
    } else {
      body = source;
    }
    if (opts.onProgress) {
      const progress = new ProgressStream(length, opts.onProgress);
      body = (body instanceof Readable ? body : Readable.from([body])).pipe(progress);
    }
    const params: Record<string, string | undefined> = {
      from: opts.from,
      servicetype: SERVICE_TYPE,
      messagetype: opts.messageType ?? 'edoc',
      to: opts.to && opts.to.length > 0 ? JSON.stringify(opts.to) : undefined,
      'hash-file': hash,
    };
    if (this.options.emulateQuirks && typeof source === 'string') params['filePath'] = source;
    const res = await this.call('sendEdoc', 'POST', params, {
      contentType: 'application/octet-stream',
      body,
      length,
      signal: opts.signal,
    });
    const result = await this.json<VxpSendResult>('sendEdoc', res);
    const receipt = res.headers['x-lienthong-receipt'];
    if (typeof receipt === 'string' && receipt !== '') return { ...result, receipt };
    // a receipt too large for a header (a fan-out to hundreds) is served at /v1/packages/{docId}/receipt
    const location = res.headers['x-lienthong-receipt-location'];
    return typeof location === 'string' && location !== '' ? { ...result, receiptLocation: location } : result;
  }

  async getReceivedEdocList(q: VxpReceivedQuery = {}): Promise<VxpListResult<VxpReceivedItem>> {
    const res = await this.call('getReceivedEdocList', 'POST', {
      servicetype: SERVICE_TYPE,
      messagetype: q.messageType ?? 'edoc',
      from: q.from,
      fromDate: q.fromDate ? formatVxpDate(q.fromDate) : undefined,
      toDate: q.toDate ? formatVxpDate(q.toDate) : undefined,
      status: q.status,
      pageSize: q.pageSize?.toString(),
      pageIndex: q.pageIndex?.toString(),
    });
    return withData(await this.json<VxpListResult<VxpReceivedItem>>('getReceivedEdocList', res));
  }

  async getSentEdocList(q: VxpSentQuery = {}): Promise<VxpListResult<VxpSentItem>> {
    const res = await this.call('getSentEdocList', 'POST', {
      servicetype: SERVICE_TYPE,
      messagetype: q.messageType ?? 'edoc',
      docId: q.docId,
    });
    return withData(await this.json<VxpListResult<VxpSentItem>>('getSentEdocList', res));
  }

  /**
   * `getEdoc` as a stream of the package's bytes: the base64 `data` field is decoded while the
   * answer arrives. The stream errors with a VxpError when the hub answers FAIL.
   */
  async getEdocStream(docId: string, opts: { signal?: AbortSignal } = {}): Promise<Readable> {
    const res = await this.call('getEdoc', 'POST', { docId }, { signal: opts.signal });
    if (!isJsonResponse(res) && (res.statusCode ?? 0) >= 400) {
      await this.json('getEdoc', res);
    }
    const decoder = new Base64FieldDecoder('data');
    const out = new PassThrough();
    const status = res.statusCode ?? 0;
    pipeline(
      res,
      decoder,
      async function* (source) {
        for await (const chunk of source) yield chunk as Buffer;
        checkStatus('getEdoc', decoder.fields, status);
      },
      out,
    ).catch((err: unknown) => out.destroy(err as Error));
    return out;
  }

  /** `getEdoc`: the package's bytes. */
  async getEdoc(docId: string, opts: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const stream = await this.getEdocStream(docId, opts);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** `downloadEdoc`: the raw package as a stream. */
  async downloadEdoc(
    docId: string,
    opts: { onProgress?: ProgressCallback; signal?: AbortSignal } = {},
  ): Promise<Readable> {
    const res = await this.call('downloadEdoc', 'GET', { docId }, { signal: opts.signal });
    if (isJsonResponse(res) || (res.statusCode ?? 0) >= 400) {
      await this.json('downloadEdoc', res);
    }
    if (!opts.onProgress) return res;
    const length = Number(res.headers['content-length']);
    return res.pipe(new ProgressStream(Number.isFinite(length) ? length : undefined, opts.onProgress));
  }

  /** Transport acknowledgement: `done` takes the package out of the pending list. */
  async updateStatus(docId: string, status: VxpAckStatus, description?: string): Promise<VxpStatus> {
    const res = await this.call('updateStatus', 'POST', { docId, status, description });
    return this.json<VxpStatus>('updateStatus', res);
  }

  async countReceiveEdoc(): Promise<VxpCountResult> {
    return this.count('countReceiveEdoc');
  }

  async countReceiveStatus(): Promise<VxpCountResult> {
    return this.count('countReceiveStatus');
  }

  private async count(operation: string): Promise<VxpCountResult> {
    const res = await this.call(operation, 'GET', {});
    const r = await this.json<VxpCountResult>(operation, res);
    return { ...r, count: Number(r.count ?? 0) };
  }

  async getAgenciesList(): Promise<VxpListResult<VxpAgency>> {
    const res = await this.call('getAgenciesList', 'POST', {});
    return withData(await this.json<VxpListResult<VxpAgency>>('getAgenciesList', res));
  }

  async getAgenciesListQD20(level?: number): Promise<VxpListResult<VxpAgencyQD20>> {
    const res = await this.call('getAgenciesListQD20', 'POST', { level: level?.toString() });
    return withData(await this.json<VxpListResult<VxpAgencyQD20>>('getAgenciesListQD20', res));
  }

  async getSynchronizeUnit(): Promise<VxpListResult<VxpSyncUnit>> {
    const res = await this.call('getSynchronizeUnit', 'POST', {});
    return withData(await this.json<VxpListResult<VxpSyncUnit>>('getSynchronizeUnit', res));
  }

  /** A tenant registers one of its units; the unit travels as a JSON body. */
  async registerAgency(unit: VxpRegisterAgencyInput): Promise<VxpStatus> {
    const res = await this.call('registerAgency', 'POST', {}, { body: JSON.stringify(unit) });
    return this.json<VxpStatus>('registerAgency', res);
  }

  async deleteAgency(code: string): Promise<VxpStatus> {
    const res = await this.call('deleteAgency', 'POST', { AgencyCode: code });
    return this.json<VxpStatus>('deleteAgency', res);
  }
}

function checkStatus<T extends VxpStatus>(operation: string, body: Record<string, unknown>, httpStatus: number): T {
  if (body['status'] !== 'OK') {
    const code = body['ErrorCode'];
    const desc = body['ErrorDesc'];
    throw new VxpError(
      operation,
      code === undefined || code === null ? `HTTP_${httpStatus}` : String(code),
      typeof desc === 'string' ? desc : 'the hub did not answer OK',
      httpStatus,
    );
  }
  return body as unknown as T;
}

function withData<T extends { data: unknown[] }>(r: T): T {
  return Array.isArray(r.data) ? r : { ...r, data: [] };
}
