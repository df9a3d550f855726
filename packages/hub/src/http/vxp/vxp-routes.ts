import type { Readable } from 'node:stream';
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HubConfig } from '../../config/hub-config.js';
import { markAuthenticated } from '../../console/ops/request-identity.js';
import {
  type AckState,
  type DeliveryState,
  HubError,
  type HubService,
  type InboxItem,
  type MessageType,
  type Principal,
} from '../../core/contract.js';
import { acceptRawBodies } from '../accept-raw-bodies.js';
import { asHubError } from '../as-hub-error.js';
import type { ClientCertificateAuth } from '../auth/client-certificate-auth.js';
import { authenticateVxpWithCertificate } from '../auth/vxp-certificate-auth.js';
import { readSmallBody } from '../read-small-body.js';
import { receiptHeaders } from '../receipt-header.js';
import { rejectOversizedBodies } from '../reject-oversized-bodies.js';
import { base64JsonStream } from './base64-json-stream.js';
import { vxpFail, vxpOk } from './vxp-answer.js';
import { authenticateVxp, type VxpRequestAuth } from './vxp-auth.js';
import { parseVxpDate } from './vxp-date.js';
import { agencyQd20Row, agencyRow, receivedRow, sentRows, synchronizeRow } from './vxp-rows.js';

export interface VxpRoutesOptions {
  hub: HubService;
  config: HubConfig;
  /** mutual TLS: a valid client certificate stands in for the HMAC */
  certificates?: ClientCertificateAuth | undefined;
  /** the hub's clock (timestamp window) */
  now?: () => Date;
}

interface VxpContext {
  auth: VxpRequestAuth;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

const STATES: DeliveryState[] = ['pending', 'processing', 'done', 'fail', 'withdrawn', 'forwarding'];
const ACK_STATES: AckState[] = ['done', 'fail', 'processing'];
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The VXP protocol (docs/protocols/vxp.md), byte-compatible with the vendor SDKs. Every answer is HTTP 200 with
 * `status` OK or FAIL — the Java SDK's HttpURLConnection throws on a 4xx instead of reading the JSON.
 */
export async function vxpRoutes(app: FastifyInstance, opts: VxpRoutesOptions): Promise<void> {
  const { hub, config } = opts;
  acceptRawBodies(app);

  app.setErrorHandler(async (err, request, reply) => {
    const hubError = asHubError(err);
    if (!request.raw.complete) reply.header('connection', 'close');
    if (hubError) {
      request.log.info({ err: { code: hubError.code, message: hubError.message } }, 'VXP request refused');
      return reply
        .code(200)
        .type(JSON_TYPE)
        .send(JSON.stringify(vxpFail(hubError)));
    }
    request.log.error({ err }, 'VXP request failed: internal error');
    return reply
      .code(200)
      .type(JSON_TYPE)
      .send(
        JSON.stringify(vxpFail({ status: 500, message: `internal error (request id ${request.id})`, path: undefined })),
      );
  });

  const authenticate = async (request: FastifyRequest) => {
    const options = {
      secretFor: (id: string) => hub.vxpSecret(id),
      now: opts.now?.() ?? new Date(),
      timestampWindowSeconds: config.vxp.timestampWindowSeconds,
    };
    const agency = await opts.certificates?.identify(request.raw);
    const auth = await (agency
      ? authenticateVxpWithCertificate(request.headers, agency, options)
      : authenticateVxp(request.headers, options));
    // the operator console's last-seen and per-agency error counts (console/ops)
    markAuthenticated(request, auth.systemId);
    return auth;
  };

  /** registers one operation: authenticate, run, answer OK with the payload (or a stream the handler sent) */
  const operation = (
    path: string,
    methods: Array<'GET' | 'POST'>,
    run: (ctx: VxpContext) => Promise<Record<string, unknown> | undefined>,
  ) => {
    app.route({
      method: methods,
      url: `/${path}`,
      schema: { hide: true },
      handler: async (request, reply) => {
        // The SDKs send `{}` or an empty form as the body of calls without a payload: let it drain.
        if (path !== 'registerAgency' && request.body) (request.body as Readable).resume();
        const auth = await authenticate(request);
        const principal: Principal = { systemId: auth.systemId, via: auth.via };
        const payload = await run({ auth, principal, request, reply });
        if (payload === undefined) return reply;
        return reply
          .code(200)
          .type(JSON_TYPE)
          .send(JSON.stringify(vxpOk(payload)));
      },
    });
  };

  app.register(async (upload) => {
    rejectOversizedBodies(upload, config.limits.maxBodyBytes);
    upload.route({
      method: 'POST',
      url: '/sendEdoc',
      schema: { hide: true },
      handler: async (request, reply) => {
        const auth = await authenticate(request);
        const messageType = auth.param('messagetype');
        if (messageType !== undefined && messageType !== 'edoc' && messageType !== 'status') {
          throw new HubError('bad-request', `XroadVnpt-messagetype must be edoc or status, not "${messageType}"`);
        }
        if (!request.body) {
          throw new HubError('bad-package', 'the request has no body: sendEdoc carries the edXML package as its body');
        }
        const result = await hub.submit({
          principal: { systemId: auth.systemId, via: auth.via },
          body: request.body as Readable,
          messageType: messageType ?? 'auto',
          declaredFrom: auth.param('from'),
          to: parseToList(auth.param('to')),
          declaredSha256: auth.param('hash-file'),
          requestId: request.id,
        });
        // the receipt rides in a header: the JSON keeps exactly its keys (Java clients bind it strictly)
        return reply
          .code(200)
          .type(JSON_TYPE)
          .headers(receiptHeaders(result.docId, result.receipt))
          .send(JSON.stringify(vxpOk({ DocId: result.docId })));
      },
    });
  });

  operation('getReceivedEdocList', ['POST', 'GET'], async ({ auth, principal }) => {
    const messageType = messageTypeParam(auth);
    const pageSize = intParam(auth, 'pageSize', 1, config.limits.maxPageSize) ?? config.limits.maxPageSize;
    const pageIndex = intParam(auth, 'pageIndex', 0, Number.MAX_SAFE_INTEGER) ?? 1;
    const query = {
      messageType,
      limit: pageSize,
      from: senderFilter(auth, principal),
      fromDate: dateParam(auth, 'fromDate'),
      toDate: dateParam(auth, 'toDate'),
      states: statesParam(auth),
    };
    let cursor: string | undefined;
    let items: InboxItem[] = [];
    for (let page = 1; page <= Math.max(pageIndex, 1); page++) {
      const result = await hub.inbox(principal, { ...query, cursor });
      items = result.items;
      cursor = result.nextCursor;
      if (cursor === undefined && page < pageIndex) {
        items = [];
        break;
      }
    }
    return { data: items.map(receivedRow) };
  });

  operation('getSentEdocList', ['POST', 'GET'], async ({ auth, principal }) => {
    const result = await hub.sent(principal, {
      messageType: messageTypeParam(auth),
      docId: auth.param('docId'),
      limit: config.limits.maxPageSize,
    });
    return { data: result.items.flatMap((item) => sentRows(item, principal.systemId)) };
  });

  operation('getEdoc', ['POST', 'GET'], async ({ auth, principal, reply }) => {
    const pkg = await hub.openPackage(principal, auth.require('docId'));
    const prefix = `${JSON.stringify(vxpOk()).slice(0, -1)},"data":"`;
    reply
      .code(200)
      .type(JSON_TYPE)
      .send(base64JsonStream(prefix, pkg.stream, '"}'));
    return undefined;
  });

  operation('downloadEdoc', ['GET', 'POST'], async ({ auth, principal, reply }) => {
    const pkg = await hub.openPackage(principal, auth.require('docId'));
    reply
      .code(200)
      .type(pkg.contentType || 'application/xml')
      .header('content-length', pkg.size)
      .header('content-disposition', `attachment; filename="${pkg.docId.replace(/[^\w.-]/g, '_')}.edxml"`)
      .send(pkg.stream);
    return undefined;
  });

  operation('updateStatus', ['POST', 'GET'], async ({ auth, principal }) => {
    const docId = auth.require('docId');
    const status = auth.require('status').toLowerCase() as AckState;
    if (!ACK_STATES.includes(status)) {
      throw new HubError('bad-request', `XroadVnpt-status must be done, fail or processing, not "${status}"`, {
        path: 'status',
      });
    }
    await hub.acknowledge(principal, docId, status, auth.param('description'));
    return {};
  });

  operation('countReceiveEdoc', ['GET', 'POST'], async ({ principal }) => ({
    count: await hub.countPending(principal, 'edoc'),
  }));
  operation('countReceiveStatus', ['GET', 'POST'], async ({ principal }) => ({
    count: await hub.countPending(principal, 'status'),
  }));

  operation('getAgenciesList', ['POST', 'GET'], async () => ({
    data: (await hub.listAgencies()).map(agencyRow),
  }));

  operation('getAgenciesListQD20', ['POST', 'GET'], async ({ auth }) => {
    const level = intParam(auth, 'level', 0, 4);
    return { data: (await hub.listAgencies(level === undefined ? {} : { level })).map(agencyQd20Row) };
  });

  operation('getSynchronizeUnit', ['POST', 'GET'], async ({ auth }) => {
    const since = intParam(auth, 'version', 0, Number.MAX_SAFE_INTEGER);
    const agencies = await hub.listAgencies({
      includeDisabled: true,
      ...(since === undefined ? {} : { sinceVersion: since }),
    });
    return { data: agencies.map((a) => synchronizeRow(a, config.hubId)) };
  });

  operation('registerAgency', ['POST'], async ({ principal, request }) => {
    const raw = await readSmallBody(request.body, 64 * 1024);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HubError(
        'bad-request',
        'registerAgency: the body must be a JSON object {id, pcode, code, name, mail, mobile, fax}',
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HubError(
        'bad-request',
        'registerAgency: the body must be a JSON object {id, pcode, code, name, mail, mobile, fax}',
      );
    }
    const text = (k: string) =>
      body[k] === undefined || body[k] === null || body[k] === '' ? undefined : String(body[k]);
    const code = text('code');
    const name = text('name');
    if (!code) throw new HubError('bad-request', 'registerAgency: code is required', { path: 'code' });
    if (!name) throw new HubError('bad-request', 'registerAgency: name is required', { path: 'name' });
    await hub.registerUnit(principal, {
      code,
      name,
      parentCode: text('pcode'),
      email: text('mail'),
      phone: text('mobile'),
      fax: text('fax'),
      tenantId: principal.systemId,
    });
    return {};
  });

  operation('deleteAgency', ['POST', 'GET'], async ({ auth, principal }) => {
    await hub.deleteUnit(principal, auth.require('AgencyCode'));
    return {};
  });
}

function messageTypeParam(auth: VxpRequestAuth): MessageType {
  const v = (auth.param('messagetype') ?? 'edoc').toLowerCase();
  if (v !== 'edoc' && v !== 'status') {
    throw new HubError('bad-request', `XroadVnpt-messagetype must be edoc or status, not "${v}"`, {
      path: 'messagetype',
    });
  }
  return v;
}

/** `from` equal to the caller itself is the trace of an earlier sendEdoc (the SDK keeps it), not a filter. */
function senderFilter(auth: VxpRequestAuth, principal: Principal): string | undefined {
  const from = auth.param('from');
  return from === principal.systemId ? undefined : from;
}

function intParam(auth: VxpRequestAuth, name: string, min: number, max: number): number | undefined {
  const v = auth.param(name);
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (!/^\s*\d+\s*$/.test(v) || n < min || n > max) {
    throw new HubError('bad-request', `XroadVnpt-${name} must be an integer from ${min} to ${max}, not "${v}"`, {
      path: name,
    });
  }
  return n;
}

function dateParam(auth: VxpRequestAuth, name: string): Date | undefined {
  const v = auth.param(name);
  if (v === undefined) return undefined;
  const d = parseVxpDate(v);
  if (!d)
    throw new HubError('bad-request', `XroadVnpt-${name} must be dd/MM/yyyy HH:mm:ss, not "${v}"`, { path: name });
  return d;
}

function statesParam(auth: VxpRequestAuth): DeliveryState[] | undefined {
  const v = auth.param('status');
  if (v === undefined) return undefined;
  // The Java SDK keeps one header map for its lifetime: after updateStatus, `status` (done|fail|processing) and
  // `docId` ride along on every later call. Taken as a filter, that leak would hide every pending package.
  if (ACK_STATES.includes(v.trim().toLowerCase() as AckState) && auth.param('docId') !== undefined) return undefined;
  if (v.toLowerCase() === 'all') return [...STATES];
  const states = v.split(',').map((s) => s.trim().toLowerCase());
  for (const s of states) {
    if (!STATES.includes(s as DeliveryState)) {
      throw new HubError(
        'bad-request',
        `XroadVnpt-status must be all or a comma list of ${STATES.join(', ')}, not "${v}"`,
        {
          path: 'status',
        },
      );
    }
  }
  return states as DeliveryState[];
}

/** `to`: a JSON list of codes (the Java SDK sends the JSON array as written); a plain comma list is tolerated. */
function parseToList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  let list: unknown;
  if (v.trim().startsWith('[')) {
    try {
      list = JSON.parse(v);
    } catch {
      throw new HubError('bad-request', `XroadVnpt-to must be a JSON list of agency codes, not ${JSON.stringify(v)}`, {
        path: 'to',
      });
    }
  } else {
    list = v.split(',');
  }
  if (!Array.isArray(list))
    throw new HubError('bad-request', 'XroadVnpt-to must be a JSON list of agency codes', { path: 'to' });
  const codes = list.map((x) => {
    if (typeof x === 'string') return x.trim();
    if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      const code = o.code ?? o.organId ?? o.OrganId;
      if (typeof code === 'string') return code.trim();
    }
    throw new HubError('bad-request', 'XroadVnpt-to must be a JSON list of agency codes', { path: 'to' });
  });
  const nonEmpty = codes.filter((c) => c !== '');
  return nonEmpty.length > 0 ? nonEmpty : undefined;
}
