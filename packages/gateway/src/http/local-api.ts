// The gateway's local HTTP API, for the agency's own document system (bound to 127.0.0.1 by default):
//   GET  /health                                      200 when listening
//   GET  /metrics                                     Prometheus text
//   GET  /v1/status                                   per tenant: outgoing queue, incoming, last hub contact and error
//   POST /v1/tenants/:agency/send                     raw edXML, or JSON of a simple document → 202 {localId}
//   GET  /v1/tenants/:agency/outgoing[?state=]        the outgoing spool, newest first
//   GET  /v1/tenants/:agency/outgoing/:localId        one outgoing package: state, DocId, receipt, error
//   GET  /v1/tenants/:agency/inbox[?type=&handled=]   incoming packages (default: documents not yet handled)
//   GET  /v1/tenants/:agency/documents/:docId         the package as received (application/xml)
//   GET  /v1/tenants/:agency/documents/:docId/meta    its metadata and signature verdict
//   POST /v1/tenants/:agency/documents/:docId/handled mark it handled
//   POST /v1/tenants/:agency/documents/:docId/status  {code, description?, staff?} → signed status package, 202
// Errors: {"error":{"code","message","path"?}}.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buildSimpleDocument, type SimpleDocumentInput } from '@lienthong/client';
import {
  buildStatus,
  formatTimestamp,
  isStatusCode,
  isWellFormedAgencyCode,
  parseEdxml,
  type StaffInfo,
} from '@lienthong/edxml';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/gateway-config.js';
import { metadataOf } from '../incoming/receiver-loop.js';
import { acceptOutgoing, Refusal } from '../outgoing/accept-outgoing.js';
import { isSafeName } from '../spool/durable-file.js';
import { newLocalId, type OutgoingRow } from '../spool/spool.js';
import type { GatewayMetrics } from '../support/metrics.js';
import type { Tenant } from '../tenant/tenant.js';
import type { TenantContext } from '../tenant/tenant-context.js';

const LOCAL_ID = /^[0-9a-z]{9,12}-[0-9a-f]{10}$/;
/** JSON bodies are read into memory: a smaller bound than raw packages, which stream to disk. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

interface ApiDeps {
  config: GatewayConfig;
  tenants: Map<string, Tenant>;
  metrics: GatewayMetrics;
  logger: Logger;
}

export function createLocalApi(deps: ApiDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (err instanceof Refusal) {
        sendError(res, err.status, err.code, err.message, err.path);
        return;
      }
      deps.logger.error({ err, method: req.method, url: req.url }, 'local API request failed');
      sendError(res, 500, 'internal', 'the gateway failed to handle the request; see its log');
    });
  });
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  return server;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, path?: string): void {
  sendJson(res, status, { error: { code, message, ...(path ? { path } : {}) } });
}

function authorized(config: GatewayConfig, req: IncomingMessage): boolean {
  if (!config.localToken) return true;
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : '';
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(config.localToken).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}

function segment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new Refusal(400, 'bad-request', `the ${what} in the URL is not valid percent-encoding`, what);
  }
}

async function handle(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gateway.local');
  const parts = url.pathname.split('/').filter((p) => p !== '');
  const method = req.method ?? 'GET';
  if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
  if (!authorized(deps.config, req)) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return sendError(
      res,
      401,
      'unauthenticated',
      'this gateway asks for its local token: Authorization: Bearer <token>',
    );
  }
  if (url.pathname === '/metrics' && method === 'GET') return sendMetrics(deps, res);
  if (parts[0] !== 'v1') return sendError(res, 404, 'not-found', `no route ${method} ${url.pathname}`);
  if (parts.length === 2 && parts[1] === 'status' && method === 'GET')
    return sendJson(res, 200, { tenants: [...deps.tenants.values()].map((t) => t.status()) });
  if (parts[1] !== 'tenants' || parts.length < 4)
    return sendError(res, 404, 'not-found', `no route ${method} ${url.pathname}`);

  const agency = segment(parts[2]!, 'agency');
  if (!isWellFormedAgencyCode(agency))
    throw new Refusal(400, 'bad-request', `"${agency.slice(0, 40)}" is not an agency code`, 'agency');
  const tenant = deps.tenants.get(agency);
  if (!tenant) throw new Refusal(404, 'unknown-tenant', `this gateway does not serve ${agency}`, 'agency');
  const t = tenant.ctx;
  if (!t) throw new Refusal(503, 'tenant-unavailable', `${agency} is not running: ${tenant.error ?? 'unknown error'}`);
  const rest = parts.slice(3);

  if (rest[0] === 'send' && rest.length === 1 && method === 'POST') {
    const row = await receiveOutgoing(deps, t, req);
    return sendJson(res, 202, outgoingView(row));
  }
  if (rest[0] === 'outgoing' && method === 'GET') {
    if (rest.length === 1) {
      const state = url.searchParams.get('state') ?? undefined;
      if (state !== undefined && state !== 'queued' && state !== 'sent' && state !== 'failed')
        throw new Refusal(400, 'bad-request', 'state must be queued, sent or failed', 'state');
      const limit = limitParam(url);
      return sendJson(res, 200, {
        items: t.spool.listOutgoing({ ...(state ? { state } : {}), limit }).map(outgoingView),
      });
    }
    if (rest.length === 2) {
      const localId = segment(rest[1]!, 'localId');
      if (!LOCAL_ID.test(localId)) throw new Refusal(400, 'bad-request', 'not a local id of this gateway', 'localId');
      const row = t.spool.outgoing(localId);
      if (!row) throw new Refusal(404, 'not-found', `no outgoing package ${localId}`, 'localId');
      return sendJson(res, 200, outgoingView(row));
    }
  }
  if (rest[0] === 'inbox' && rest.length === 1 && method === 'GET') {
    const type = url.searchParams.get('type') ?? 'edoc';
    if (type !== 'edoc' && type !== 'status')
      throw new Refusal(400, 'bad-request', 'type must be edoc or status', 'type');
    const handled = url.searchParams.get('handled') ?? 'false';
    if (!['true', 'false', 'all'].includes(handled))
      throw new Refusal(400, 'bad-request', 'handled must be true, false or all', 'handled');
    const rows = t.spool.listIncoming({
      type,
      ...(handled === 'all' ? {} : { handled: handled === 'true' }),
      limit: limitParam(url),
    });
    return sendJson(res, 200, { items: rows.map((r) => metadataOf(t, r)) });
  }
  if (rest[0] === 'documents' && rest.length >= 2) {
    const docId = segment(rest[1]!, 'docId');
    if (!isSafeName(docId)) throw new Refusal(400, 'bad-request', 'not a DocId', 'docId');
    const row = t.spool.incoming(docId);
    if (!row) throw new Refusal(404, 'not-found', `no incoming package ${docId} for ${agency}`, 'docId');
    if (rest.length === 2 && method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/xml', 'Content-Length': row.size });
      await pipeline(createReadStream(t.spool.inPath(docId)), res);
      return;
    }
    if (rest.length === 3 && rest[2] === 'meta' && method === 'GET') return sendJson(res, 200, metadataOf(t, row));
    if (rest.length === 3 && rest[2] === 'handled' && method === 'POST') {
      t.spool.markHandled(docId);
      return sendJson(res, 200, metadataOf(t, t.spool.incoming(docId)!));
    }
    if (rest.length === 3 && rest[2] === 'status' && method === 'POST') {
      if (row.messageType !== 'edoc')
        throw new Refusal(409, 'not-a-document', `${docId} is a status package; a status answers a document`, 'docId');
      const body = await readJson(req);
      const out = await sendStatus(t, docId, body);
      return sendJson(res, 202, outgoingView(out));
    }
  }
  return sendError(res, 404, 'not-found', `no route ${method} ${url.pathname}`);
}

function limitParam(url: URL): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Refusal(400, 'bad-request', 'limit must be 1…1000', 'limit');
  return n;
}

function outgoingView(row: OutgoingRow): Record<string, unknown> {
  return { ...row };
}

function sendMetrics(deps: ApiDeps, res: ServerResponse): void {
  const depth: Array<[Record<string, string>, number]> = [];
  const oldest: Array<[Record<string, string>, number]> = [];
  const up: Array<[Record<string, string>, number]> = [];
  for (const t of deps.tenants.values()) {
    const s = t.status();
    up.push([{ agency: t.agency }, s.state === 'running' ? 1 : 0]);
    if (!s.outgoing) continue;
    depth.push([{ agency: t.agency }, s.outgoing.queued]);
    const age = s.outgoing.oldestQueuedAt ? (Date.now() - Date.parse(s.outgoing.oldestQueuedAt)) / 1000 : 0;
    oldest.push([{ agency: t.agency }, Math.max(0, age)]);
  }
  const text = deps.metrics.render({
    lienthong_gateway_tenant_up: { help: 'whether the tenant runs (its keys loaded)', values: up },
    lienthong_gateway_outgoing_queue_depth: { help: 'outgoing packages waiting for the hub', values: depth },
    lienthong_gateway_outgoing_oldest_seconds: { help: 'age of the oldest waiting outgoing package', values: oldest },
  });
  res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
  res.end(text);
}

/** The request body into a file in the tenant's spool, refused past the size limit. */
async function bodyToFile(t: TenantContext, req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit)
    throw new Refusal(413, 'too-large', `the body is ${declared} bytes; the limit is ${limit}`);
  const file = join(t.spool.tmpDir, `upload-${newLocalId()}.edxml`);
  let size = 0;
  async function* bounded(): AsyncIterable<Uint8Array> {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new Refusal(413, 'too-large', `the body is over the limit of ${limit} bytes`);
      yield chunk as Buffer;
    }
  }
  try {
    await pipeline(bounded(), createWriteStream(file));
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
  if (size === 0) {
    await rm(file, { force: true });
    throw new Refusal(400, 'empty', 'the body is empty: send an edXML package or a JSON document');
  }
  return file;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES)
      throw new Refusal(
        413,
        'too-large',
        `a JSON body is limited to ${MAX_JSON_BYTES} bytes; send large packages as edXML`,
      );
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new Refusal(400, 'bad-json', `the body is not JSON: ${(e as Error).message}`);
  }
}

async function receiveOutgoing(deps: ApiDeps, t: TenantContext, req: IncomingMessage): Promise<OutgoingRow> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  let file: string;
  if (type === 'application/json') {
    const input = simpleDocument(t.config.agency, await readJson(req));
    file = join(t.spool.tmpDir, `built-${newLocalId()}.edxml`);
    await pipeline(buildSimpleDocument(input), createWriteStream(file));
  } else file = await bodyToFile(t, req, deps.config.limits.maxBodyBytes);
  try {
    return await acceptOutgoing(t, { file, origin: 'api' });
  } finally {
    await rm(file, { force: true });
  }
}

// ---- JSON inputs, checked field by field

function field<T>(
  o: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  what: string,
): T | undefined {
  const v = o[name];
  if (v === undefined) return undefined;
  if (!check(v)) throw new Refusal(400, 'bad-request', `${name} must be ${what}`, name);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

function required(o: Record<string, unknown>, name: string): string {
  const v = field(o, name, isNonEmpty, 'a non-empty string');
  if (v === undefined) throw new Refusal(400, 'bad-request', `${name} is required`, name);
  return v;
}

function asObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Refusal(400, 'bad-request', `${what} must be a JSON object`, what === 'the body' ? undefined : what);
  return v as Record<string, unknown>;
}

const SIMPLE_KEYS = [
  'to',
  'codeNumber',
  'codeNotation',
  'subject',
  'content',
  'promulgationDate',
  'place',
  'typeName',
  'priority',
  'dueDate',
  'signer',
  'organName',
  'attachments',
];

function simpleDocument(agency: string, raw: unknown): SimpleDocumentInput {
  const o = asObject(raw, 'the body');
  for (const k of Object.keys(o))
    if (!SIMPLE_KEYS.includes(k))
      throw new Refusal(400, 'bad-request', `unknown field (known: ${SIMPLE_KEYS.join(', ')})`, k);
  const to = o['to'];
  if (!Array.isArray(to) || to.length === 0)
    throw new Refusal(400, 'bad-request', 'to must be a non-empty array of agency codes', 'to');
  to.forEach((c, i) => {
    if (typeof c !== 'string' || !isWellFormedAgencyCode(c))
      throw new Refusal(400, 'bad-request', `${JSON.stringify(c).slice(0, 40)} is not an agency code`, `to[${i}]`);
  });
  const priority = field(
    o,
    'priority',
    (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 4,
    'an integer 0…4',
  );
  const signer = o['signer'] === undefined ? undefined : asObject(o['signer'], 'signer');
  const attachments = o['attachments'];
  if (attachments !== undefined && !Array.isArray(attachments))
    throw new Refusal(400, 'bad-request', 'attachments must be an array', 'attachments');
  const organName = field(o, 'organName', isNonEmpty, 'a non-empty string');
  return {
    from: { organId: agency, ...(organName ? { organName } : {}) },
    to: to as string[],
    codeNumber: required(o, 'codeNumber'),
    codeNotation: required(o, 'codeNotation'),
    subject: required(o, 'subject'),
    ...optionalStrings(o, ['content', 'promulgationDate', 'place', 'typeName', 'dueDate']),
    ...(priority !== undefined ? { priority: priority as 0 | 1 | 2 | 3 | 4 } : {}),
    ...(signer
      ? {
          signer: {
            ...(field(signer, 'fullName', isString, 'a string') ? { fullName: signer['fullName'] as string } : {}),
            ...(field(signer, 'position', isString, 'a string') ? { position: signer['position'] as string } : {}),
            ...(field(signer, 'competence', isString, 'a string')
              ? { competence: signer['competence'] as string }
              : {}),
          },
        }
      : {}),
    ...(attachments
      ? {
          attachments: attachments.map((a, i) => {
            const at = `attachments[${i}]`;
            const x = asObject(a, at);
            const name = x['name'];
            if (typeof name !== 'string' || name.trim() === '' || /[/\\\0]/.test(name) || name.length > 255)
              throw new Refusal(400, 'bad-request', 'name must be a file name (no path)', `${at}.name`);
            const b64 = x['contentBase64'];
            if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/.test(b64))
              throw new Refusal(400, 'bad-request', 'contentBase64 must be base64', `${at}.contentBase64`);
            const contentType = x['contentType'];
            if (contentType !== undefined && typeof contentType !== 'string')
              throw new Refusal(400, 'bad-request', 'contentType must be a string', `${at}.contentType`);
            return { name, content: Buffer.from(b64, 'base64'), ...(contentType ? { contentType } : {}) };
          }),
        }
      : {}),
  };
}

function optionalStrings(o: Record<string, unknown>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = field(o, n, isNonEmpty, 'a non-empty string');
    if (v !== undefined) out[n] = v;
  }
  return out;
}

/** Builds the status package about a document this tenant received, and spools it like any package. */
async function sendStatus(t: TenantContext, docId: string, raw: unknown): Promise<OutgoingRow> {
  const o = asObject(raw, 'the body');
  for (const k of Object.keys(o))
    if (!['code', 'description', 'staff'].includes(k))
      throw new Refusal(400, 'bad-request', 'unknown field (known: code, description, staff)', k);
  const code = o['code'];
  if (typeof code !== 'string' || !isStatusCode(code))
    throw new Refusal(400, 'bad-request', 'code must be a status code: 01…06, 13, 15 or 16', 'code');
  const description = field(o, 'description', isString, 'a string');
  let staff: StaffInfo = {};
  if (typeof o['staff'] === 'string') staff = { staff: o['staff'] };
  else if (o['staff'] !== undefined) {
    const s = asObject(o['staff'], 'staff');
    for (const k of ['staff', 'department', 'email', 'mobile'] as const) {
      const v = field(s, k, isString, 'a string');
      if (v !== undefined) staff[k] = v;
    }
  }
  const received = await parseEdxml(createReadStream(t.spool.inPath(docId)));
  const pkg = received.package;
  if (pkg.kind !== 'document') throw new Refusal(409, 'not-a-document', `${docId} is not a document`, 'docId');
  const h = pkg.header;
  const [issuer, date] = h.documentId.split(',');
  const xml = buildStatus({
    from: { organId: t.config.agency },
    responseFor: {
      organId: issuer?.trim() || h.from.organId,
      code: `${h.code.codeNumber}/${h.code.codeNotation}`,
      ...(date && /^\d{4}\/\d{2}\/\d{2}$/.test(date.trim()) ? { promulgationDate: date.trim() } : {}),
      documentId: h.documentId,
    },
    staffInfo: staff,
    statusCode: code,
    ...(description ? { description } : {}),
    timestamp: formatTimestamp(new Date()),
  });
  const file = join(t.spool.tmpDir, `status-${newLocalId()}.edxml`);
  await pipeline([Buffer.from(xml, 'utf8')], createWriteStream(file));
  try {
    return await acceptOutgoing(t, { file, origin: 'api', responseForDocId: docId });
  } finally {
    await rm(file, { force: true });
  }
}
