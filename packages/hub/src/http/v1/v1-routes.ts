import type { Readable } from 'node:stream';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from '../../config/hub-config.js';
import {
  type DeliveryState,
  HubError,
  type HubService,
  type InboxQuery,
  type MessageType,
} from '../../core/contract.js';
import type { WebhookService } from '../../delivery/webhooks/webhook-service.js';
import { acceptRawBodies } from '../accept-raw-bodies.js';
import { asHubError } from '../as-hub-error.js';
import type { ClientCertificateAuth } from '../auth/client-certificate-auth.js';
import { contentDisposition } from '../content-disposition.js';
import { receiptHeaders } from '../receipt-header.js';
import { rejectOversizedBodies } from '../reject-oversized-bodies.js';
import { sendStatusPackage } from './send-status-package.js';
import { requireApiKey } from './v1-auth.js';
import { v1ErrorHandler } from './v1-error-handler.js';
import { ERROR_RESPONSES, SHARED_SCHEMAS } from './v1-schemas.js';
import { webhookRoutes } from './webhook-routes.js';

export interface V1RoutesOptions {
  hub: HubService;
  config: HubConfig;
  /** aborted when the server shuts down: long-polls end early */
  shutdown: AbortSignal;
  /** mutual TLS: a valid client certificate authenticates without an API key */
  certificates?: ClientCertificateAuth | undefined;
  /** `/v1/webhook` (push delivery); absent: not served */
  webhooks?: WebhookService;
}

const security = [{ apiKey: [] }];
const DocIdParams = Type.Object({ docId: Type.String({ minLength: 1, maxLength: 200 }) });
const TypeQuery = Type.Union([Type.Literal('edoc'), Type.Literal('status')], { default: 'edoc' });
/** the most acknowledgements `POST /v1/acks` takes at once */
export const MAX_ACKS_PER_REQUEST = 1000;
const STATES = ['pending', 'processing', 'done', 'fail', 'withdrawn', 'forwarding'];

/** The native API (docs/protocols/v1.md). */
export async function v1Routes(app: FastifyInstance, opts: V1RoutesOptions): Promise<void> {
  const { hub, config } = opts;
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setErrorHandler(v1ErrorHandler);
  requireApiKey(app, hub, opts.certificates);
  if (opts.webhooks) app.register(webhookRoutes, { webhooks: opts.webhooks });

  app.register(async (upload) => {
    acceptRawBodies(upload);
    rejectOversizedBodies(upload, config.limits.maxBodyBytes);
    const Query = Type.Object({
      to: Type.Optional(Type.String({ description: 'comma-separated agency codes; overrides the package To list' })),
    });
    upload.post<{ Querystring: Static<typeof Query> }>(
      '/packages',
      {
        schema: {
          summary: 'Submit an edXML package (document or status), streamed',
          tags: ['packages'],
          security,
          querystring: Query,
          headers: Type.Object({
            digest: Type.Optional(Type.String({ description: 'sha-256=<hex> of the body' })),
          }),
          response: {
            200: Type.Ref('SubmitResult'),
            201: Type.Ref('SubmitResult'),
            ...ERROR_RESPONSES,
            409: Type.Ref('Error'),
            413: Type.Ref('Error'),
            422: Type.Ref('Error'),
          },
        },
      },
      async (request, reply) => {
        if (!request.body)
          throw new HubError('bad-package', 'the request has no body: send the edXML package as the body');
        const result = await hub.submit({
          principal: request.principal,
          body: request.body as Readable,
          messageType: 'auto',
          to: splitList(request.query.to),
          declaredSha256: parseDigest(request.headers.digest),
          requestId: request.id,
        });
        return reply
          .code(result.duplicate ? 200 : 201)
          .headers(receiptHeaders(result.docId, result.receipt))
          .send(result);
      },
    );
  });

  const InboxQuerySchema = Type.Object({
    type: TypeQuery,
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: config.limits.maxPageSize })),
    from: Type.Optional(Type.String({ description: 'sender agency code' })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    state: Type.Optional(
      Type.String({ description: `comma list of ${STATES.join(', ')}; default pending,processing` }),
    ),
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: `seconds to long-poll when nothing is waiting (at most ${config.longPollMaxSeconds})`,
      }),
    ),
  });
  app.get<{ Querystring: Static<typeof InboxQuerySchema> }>(
    '/inbox',
    {
      schema: {
        summary: 'What is waiting for me',
        tags: ['inbox'],
        security,
        querystring: InboxQuerySchema,
        response: { 200: Type.Ref('InboxPage'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const query: InboxQuery = {
        messageType: q.type as MessageType,
        cursor: q.cursor,
        limit: q.limit ?? config.limits.maxPageSize,
        from: q.from,
        fromDate: q.since ? new Date(q.since) : undefined,
        toDate: q.until ? new Date(q.until) : undefined,
        states: parseStates(q.state),
      };
      let page = await hub.inbox(request.principal, query);
      const waitSeconds = Math.min(q.wait ?? 0, config.longPollMaxSeconds);
      if (page.items.length === 0 && waitSeconds > 0 && !opts.shutdown.aborted) {
        const done = new AbortController();
        const stop = () => done.abort();
        reply.raw.once('close', stop);
        opts.shutdown.addEventListener('abort', stop, { once: true });
        try {
          await hub.waitForInbox(request.principal, query.messageType, waitSeconds * 1000, done.signal);
        } finally {
          reply.raw.off('close', stop);
          opts.shutdown.removeEventListener('abort', stop);
        }
        if (reply.raw.destroyed) return reply;
        page = await hub.inbox(request.principal, query);
      }
      return page;
    },
  );

  app.get<{ Params: Static<typeof DocIdParams> }>(
    '/packages/:docId',
    {
      schema: {
        summary: 'Download a package as delivered (streamed)',
        tags: ['packages'],
        security,
        params: DocIdParams,
        response: {
          200: {
            description: 'the edXML package',
            content: { 'application/xml': { schema: { type: 'string', format: 'binary' } } },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const pkg = await hub.openPackage(request.principal, request.params.docId);
      return reply
        .type(pkg.contentType || 'application/xml')
        .header('content-length', pkg.size)
        .send(pkg.bytes ?? pkg.stream);
    },
  );

  const AttachmentParams = Type.Object({
    docId: Type.String({ minLength: 1, maxLength: 200 }),
    index: Type.Integer({ minimum: 0 }),
  });
  app.get<{ Params: Static<typeof AttachmentParams> }>(
    '/packages/:docId/attachments/:index',
    {
      schema: {
        summary: 'One decoded attachment (streamed)',
        tags: ['packages'],
        security,
        params: AttachmentParams,
        response: {
          200: {
            description: 'the file',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request, reply) => {
      const file = await hub.openAttachment(request.principal, request.params.docId, request.params.index);
      return reply
        .type(file.contentType || 'application/octet-stream')
        .header('content-length', file.size)
        .header('content-disposition', contentDisposition(file.name, `attachment-${request.params.index}`))
        .header('x-content-sha256', file.sha256)
        .send(file.stream);
    },
  );

  const AckBody = Type.Object({
    state: Type.Union([Type.Literal('done'), Type.Literal('fail'), Type.Literal('processing')]),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  });
  app.post<{ Params: Static<typeof DocIdParams>; Body: Static<typeof AckBody> }>(
    '/packages/:docId/ack',
    {
      schema: {
        summary: 'Transport acknowledgement',
        tags: ['packages'],
        security,
        params: DocIdParams,
        body: AckBody,
        response: { 204: Type.Null({ description: 'acknowledged' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await hub.acknowledge(request.principal, request.params.docId, request.body.state, request.body.description);
      return reply.code(204).send();
    },
  );

  // Many acknowledgements in one request: each is the per-package acknowledgement (its own
  // compare-and-set, event and audit entry, its own savepoint), all queued at once so that they share
  // the group commit; one refused item does not refuse the others.
  const AcksBody = Type.Object({
    items: Type.Array(
      Type.Object({
        docId: Type.String({ minLength: 1, maxLength: 200 }),
        state: AckBody.properties.state,
        description: Type.Optional(Type.String({ maxLength: 2000 })),
      }),
      { minItems: 1, maxItems: MAX_ACKS_PER_REQUEST },
    ),
  });
  const AckResult = Type.Object({
    docId: Type.String(),
    ok: Type.Boolean(),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  });
  app.post<{ Body: Static<typeof AcksBody> }>(
    '/acks',
    {
      schema: {
        summary: 'Transport acknowledgements of many packages at once',
        description:
          'Each item is acknowledged as by `POST /packages/{docId}/ack`, independently: the answer lists, in the order of the request, which were recorded and why the others were refused.',
        tags: ['packages'],
        security,
        body: AcksBody,
        response: { 200: Type.Object({ results: Type.Array(AckResult) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const outcomes = await hub.acknowledgeMany(request.principal, request.body.items);
      const results = outcomes.map((o, n) => {
        const docId = request.body.items[n]!.docId;
        if (o.status === 'fulfilled') return { docId, ok: true };
        const refused = asHubError(o.reason);
        if (refused) return { docId, ok: false, error: { code: refused.code, message: refused.message } };
        request.log.error({ err: o.reason, docId }, 'acknowledgement failed: internal error');
        return {
          docId,
          ok: false,
          error: { code: 'internal', message: `internal error (request id ${request.id})` },
        };
      });
      return { results };
    },
  );

  const StatusBody = Type.Object({
    statusCode: Type.Union(['01', '02', '03', '04', '05', '06', '13', '15', '16'].map((c) => Type.Literal(c))),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    staff: Type.Optional(
      Type.Object({
        department: Type.Optional(Type.String({ maxLength: 200 })),
        staff: Type.Optional(Type.String({ maxLength: 200 })),
        email: Type.Optional(Type.String({ maxLength: 100 })),
        mobile: Type.Optional(Type.String({ maxLength: 20 })),
      }),
    ),
  });
  app.post<{ Params: Static<typeof DocIdParams>; Body: Static<typeof StatusBody> }>(
    '/packages/:docId/status',
    {
      schema: {
        summary: 'Send a business status about a document I received, without building XML',
        tags: ['packages'],
        security,
        params: DocIdParams,
        body: StatusBody,
        response: {
          200: Type.Ref('SubmitResult'),
          201: Type.Ref('SubmitResult'),
          ...ERROR_RESPONSES,
          422: Type.Ref('Error'),
        },
      },
    },
    async (request, reply) => {
      const result = await sendStatusPackage(hub, request.principal, request.params.docId, {
        statusCode: request.body.statusCode as never,
        description: request.body.description,
        staff: request.body.staff,
        requestId: request.id,
      });
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  app.get<{ Params: Static<typeof DocIdParams> }>(
    '/packages/:docId/timeline',
    {
      schema: {
        summary: "Every recipient's transport and business statuses, traces, related documents",
        tags: ['packages'],
        security,
        params: DocIdParams,
        response: { 200: Type.Ref('Timeline'), ...ERROR_RESPONSES },
      },
    },
    async (request) => hub.timeline(request.principal, request.params.docId),
  );

  app.get<{ Params: Static<typeof DocIdParams> }>(
    '/packages/:docId/receipt',
    {
      schema: {
        summary: "The hub's signed receipt of a package (its sender only)",
        tags: ['packages'],
        security,
        params: DocIdParams,
        response: {
          200: Type.Object({ docId: Type.String(), receipt: Type.String({ description: 'compact JWS' }) }),
          ...ERROR_RESPONSES,
        },
      },
    },
    async (request) => ({
      docId: request.params.docId,
      receipt: await hub.receipt(request.principal, request.params.docId),
    }),
  );

  const SentQuery = Type.Object({
    type: TypeQuery,
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: config.limits.maxPageSize })),
    docId: Type.Optional(Type.String()),
  });
  app.get<{ Querystring: Static<typeof SentQuery> }>(
    '/sent',
    {
      schema: {
        summary: "What I sent, with each recipient's state",
        tags: ['packages'],
        security,
        querystring: SentQuery,
        response: { 200: Type.Ref('SentPage'), ...ERROR_RESPONSES },
      },
    },
    async (request) =>
      hub.sent(request.principal, {
        messageType: request.query.type as MessageType,
        cursor: request.query.cursor,
        limit: request.query.limit ?? config.limits.maxPageSize,
        docId: request.query.docId,
      }),
  );

  const AgenciesQuery = Type.Object({
    level: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
    since: Type.Optional(
      Type.Integer({ minimum: 0, description: 'directory version: only agencies changed after it' }),
    ),
    includeDisabled: Type.Optional(Type.Boolean()),
  });
  app.get<{ Querystring: Static<typeof AgenciesQuery> }>(
    '/agencies',
    {
      schema: {
        summary: 'The directory',
        tags: ['directory'],
        security,
        querystring: AgenciesQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Agency')) }), ...ERROR_RESPONSES },
      },
    },
    async (request) => ({
      items: await hub.listAgencies({
        level: request.query.level,
        sinceVersion: request.query.since,
        includeDisabled: request.query.includeDisabled,
      }),
    }),
  );

  const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 100 }) });
  app.get<{ Params: Static<typeof CodeParams> }>(
    '/agencies/:code',
    {
      schema: {
        summary: 'One agency',
        tags: ['directory'],
        security,
        params: CodeParams,
        response: { 200: Type.Ref('Agency'), ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const agency = await hub.getAgency(request.params.code);
      if (!agency)
        throw new HubError('not-found', `no agency ${request.params.code} in the directory`, { path: 'code' });
      return agency;
    },
  );
}

function splitList(v: string | undefined): string[] | undefined {
  const list = (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function parseStates(v: string | undefined): DeliveryState[] | undefined {
  const list = splitList(v);
  if (!list) return undefined;
  for (const s of list) {
    if (!STATES.includes(s)) {
      throw new HubError('bad-request', `state must be a comma list of ${STATES.join(', ')}, not "${s}"`, {
        path: 'querystring/state',
      });
    }
  }
  return list as DeliveryState[];
}

/** `Digest: sha-256=<hex>` (RFC 3230 names base64; both are accepted) → lowercase hex */
function parseDigest(v: string | string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  const header = Array.isArray(v) ? v.join(',') : v;
  const m = /(?:^|,)\s*sha-256=([^,\s]+)/i.exec(header);
  if (!m) throw new HubError('bad-request', 'the Digest header must be "sha-256=<hex>"', { path: 'headers/digest' });
  const value = m[1]!;
  if (/^[0-9a-f]{1,64}$/i.test(value)) return value.toLowerCase();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 32) return bytes.toString('hex');
  throw new HubError('bad-request', 'the Digest header must be "sha-256=<hex>"', { path: 'headers/digest' });
}
