// The operator console's API, under /console/api/ops: the dashboard, directory management, document
// search and trace. Read routes are open to national and provincial operators and auditors; write
// routes to operators only (OpsConsole checks the role again, and scopes provincial operators).

import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { HubError } from '../../core/contract.js';
import { contentDisposition } from '../../http/content-disposition.js';
import { requireConsole } from '../auth/require-console.js';
import type { ConsoleRouteOptions } from '../console-routes.js';
import { type ConsoleRole, type OpsActor, type OpsConsole, provinceOf } from './ops-console.js';

/** How the console's session layer lets a request in and names its operator. */
export interface OpsAuth {
  /** a preHandler that answers 401/403 unless the request's session has one of these roles */
  require(...roles: ConsoleRole[]): preHandlerHookHandler;
  /** the operator of a request `require` let in */
  actor(request: FastifyRequest): OpsActor;
}

export interface OpsRoutesOptions {
  ops: OpsConsole;
  auth: OpsAuth;
}

/** The console sessions (auth/require-console.ts) as the ops routes use them. */
export const consoleSessionAuth: OpsAuth = {
  require: (...roles) => requireConsole(...roles),
  actor(request) {
    const s = request.consoleSession;
    if (!s) throw new HubError('unauthenticated', 'sign in to the console first');
    const province = s.role === 'provincial_operator' && s.agencyCode ? provinceOf(s.agencyCode) : undefined;
    return { username: s.username, role: s.role, ...(province ? { province } : {}) };
  },
};

/** The operators' group of the console API (CONSOLE_API_PLUGINS): /console/api/ops/… */
export async function opsApi(app: FastifyInstance, opts: ConsoleRouteOptions): Promise<void> {
  // LienthongHub hands itself to the ConsoleService: its `ops` is the hub's one OpsConsole
  const ops = (opts.console.hub as { ops?: OpsConsole }).ops;
  if (!ops) throw new Error('the console API needs a hub with its operator console (LienthongHub.ops)');
  await app.register(opsConsoleRoutes, { prefix: '/ops', ops, auth: consoleSessionAuth });
}

const Opt = <T extends TSchema>(s: T) => Type.Optional(s);
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Vietnam time)' });
const AgencyCode = Type.String({ minLength: 1, maxLength: 64 });
const Level = Type.Integer({ minimum: 0, maximum: 4 });
const DeliveryState = Type.Union(['pending', 'processing', 'done', 'fail', 'withdrawn'].map((s) => Type.Literal(s)));
const Policy = Type.Union([Type.Literal('off'), Type.Literal('report'), Type.Literal('require'), Type.Null()]);
const tags = ['console'];

const DashboardQuery = Type.Object(
  {
    from: Opt(Day),
    to: Opt(Day),
    preset: Opt(Type.Union(['today', '7d', '30d', 'month', 'year'].map((s) => Type.Literal(s)))),
    hub: Opt(Type.String({ minLength: 1, maxLength: 128 })),
    level: Opt(Level),
    agency: Opt(AgencyCode),
  },
  { additionalProperties: false },
);

const AgencyListQuery = Type.Object(
  {
    search: Opt(Type.String({ maxLength: 200 })),
    level: Opt(Level),
    enabled: Opt(Type.Boolean()),
  },
  { additionalProperties: false },
);

const CodeParams = Type.Object({ code: AgencyCode });

const Email = Type.String({ format: 'email', maxLength: 200 });
const Phone = Type.String({ pattern: '^[0-9+() .-]{3,32}$', description: 'digits, spaces and + ( ) . -' });

const NewAgencyBody = Type.Object(
  {
    code: Type.String({
      pattern: '^(\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}|[a-z0-9][a-z0-9._-]{2,63})$',
      description: 'an agency code NNN.NN.NN.Xnn, or a system id (vxp.saas.03)',
    }),
    name: Type.String({ minLength: 1, maxLength: 300 }),
    parentCode: Opt(AgencyCode),
    email: Opt(Email),
    phone: Opt(Phone),
    fax: Opt(Phone),
    isTenant: Opt(Type.Boolean()),
  },
  { additionalProperties: false },
);

const EditAgencyBody = Type.Object(
  {
    name: Opt(Type.String({ minLength: 1, maxLength: 300 })),
    email: Opt(Type.Union([Email, Type.Null()])),
    phone: Opt(Type.Union([Phone, Type.Null()])),
    fax: Opt(Type.Union([Phone, Type.Null()])),
    signaturePolicy: Opt(Policy),
  },
  { additionalProperties: false, minProperties: 1 },
);

const CertificateBody = Type.Object(
  { validityDays: Opt(Type.Integer({ minimum: 1, maximum: 3650 })) },
  { additionalProperties: false },
);

const SearchQuery = Type.Object(
  {
    q: Opt(
      Type.String({
        maxLength: 300,
        description: 'a number ("123"), number/notation ("123/QĐ-UBND") or words of the subject',
      }),
    ),
    number: Opt(Type.String({ maxLength: 50 })),
    notation: Opt(Type.String({ maxLength: 100 })),
    subject: Opt(
      Type.String({ maxLength: 300, description: 'words of the subject, without regard to case or diacritics' }),
    ),
    sender: Opt(AgencyCode),
    recipient: Opt(AgencyCode),
    state: Opt(DeliveryState),
    from: Opt(Day),
    to: Opt(Day),
    cursor: Opt(Type.String({ maxLength: 20 })),
    limit: Opt(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);

const DocParams = Type.Object({ docId: Type.String({ pattern: '^[0-9a-f]{24}$' }) });
const AttachmentParams = Type.Object({
  docId: Type.String({ pattern: '^[0-9a-f]{24}$' }),
  index: Type.Integer({ minimum: 0, maximum: 100_000 }),
});
const AttachmentQuery = Type.Object({ inline: Opt(Type.Boolean()) }, { additionalProperties: false });

const Credentials = Type.Object({
  systemId: Type.String(),
  vxpSecret: Type.String({ description: 'shown once' }),
  apiKey: Type.String({ description: 'shown once' }),
});

export async function opsConsoleRoutes(app: FastifyInstance, opts: OpsRoutesOptions): Promise<void> {
  const { ops, auth } = opts;
  const read = auth.require('national_operator', 'provincial_operator', 'auditor');
  const write = auth.require('national_operator', 'provincial_operator');
  const actor = (request: FastifyRequest) => auth.actor(request);

  app.get<{ Querystring: Static<typeof DashboardQuery> }>(
    '/dashboard',
    {
      preHandler: read,
      schema: {
        summary: 'Everything the operator dashboard shows, for a period and filters',
        tags,
        querystring: DashboardQuery,
      },
    },
    async (request) => ops.dashboard(actor(request), request.query as never),
  );

  app.get<{ Querystring: Static<typeof AgencyListQuery> }>(
    '/agencies',
    {
      preHandler: read,
      schema: { summary: 'The directory, with when each agency was last seen', tags, querystring: AgencyListQuery },
    },
    async (request) => ({ items: await ops.listAgencies(actor(request), request.query) }),
  );

  app.post<{ Body: Static<typeof NewAgencyBody> }>(
    '/agencies',
    {
      preHandler: write,
      schema: {
        summary: 'Register an agency; its credentials are in the answer, shown once',
        tags,
        body: NewAgencyBody,
        response: { 201: Type.Object({ agency: Type.Any(), credentials: Credentials }) },
      },
    },
    async (request, reply) => reply.code(201).send(await ops.addAgency(actor(request), request.body)),
  );

  app.get<{ Params: Static<typeof CodeParams> }>(
    '/agencies/:code',
    { preHandler: read, schema: { summary: 'One agency', tags, params: CodeParams } },
    async (request) => ops.getAgency(actor(request), request.params.code),
  );

  app.patch<{ Params: Static<typeof CodeParams>; Body: Static<typeof EditAgencyBody> }>(
    '/agencies/:code',
    {
      preHandler: write,
      schema: {
        summary: "Edit an agency's name, contacts or signature policy",
        tags,
        params: CodeParams,
        body: EditAgencyBody,
      },
    },
    async (request) =>
      ops.editAgency(actor(request), request.params.code, request.body as Parameters<OpsConsole['editAgency']>[2]),
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post<{ Params: Static<typeof CodeParams> }>(
      `/agencies/:code/${verb}`,
      {
        preHandler: write,
        schema: { summary: `${verb === 'enable' ? 'Enable' : 'Disable'} an agency`, tags, params: CodeParams },
      },
      async (request) => ops.setEnabled(actor(request), request.params.code, enabled),
    );
  }

  app.post<{ Params: Static<typeof CodeParams> }>(
    '/agencies/:code/credentials',
    {
      preHandler: write,
      schema: {
        summary: 'Issue new credentials (VXP secret and API key, shown once); the old ones stop working at once',
        tags,
        params: CodeParams,
        response: { 200: Credentials },
      },
    },
    async (request) => ops.rotateCredentials(actor(request), request.params.code),
  );

  app.post<{ Params: Static<typeof CodeParams>; Body: Static<typeof CertificateBody> | undefined }>(
    '/agencies/:code/certificate',
    {
      preHandler: write,
      schema: {
        summary: "Issue a signing certificate and key from the hub's CA (shown once)",
        tags,
        params: CodeParams,
      },
    },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const days = body.validityDays;
      if (days !== undefined && (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650)) {
        throw new HubError('bad-request', 'validityDays must be an integer from 1 to 3650', { path: 'validityDays' });
      }
      return ops.issueCertificate(
        actor(request),
        request.params.code,
        days === undefined ? {} : { validityDays: days },
      );
    },
  );

  app.get<{ Params: Static<typeof CodeParams> }>(
    '/agencies/:code/health',
    {
      preHandler: read,
      schema: {
        summary: 'Last seen, pending deliveries, overdue acknowledgements, recent errors',
        tags,
        params: CodeParams,
      },
    },
    async (request) => ops.agencyHealth(actor(request), request.params.code),
  );

  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/documents',
    {
      preHandler: read,
      schema: { summary: 'Search documents, newest first, paged by cursor', tags, querystring: SearchQuery },
    },
    async (request) => ops.searchDocuments(actor(request), request.query as never),
  );

  app.get<{ Params: Static<typeof DocParams> }>(
    '/documents/:docId',
    {
      preHandler: read,
      schema: {
        summary: 'A document: metadata, attachments, signatures, timeline per recipient',
        tags,
        params: DocParams,
      },
    },
    async (request) => ops.trace(actor(request), request.params.docId),
  );

  app.get<{ Params: Static<typeof AttachmentParams>; Querystring: Static<typeof AttachmentQuery> }>(
    '/documents/:docId/attachments/:index',
    {
      preHandler: read,
      schema: {
        summary: 'One attachment (inline=true: shown in the browser, for PDF preview)',
        tags,
        params: AttachmentParams,
        querystring: AttachmentQuery,
      },
    },
    async (request, reply: FastifyReply) => {
      const att = await ops.openAttachment(actor(request), request.params.docId, request.params.index);
      const inline = request.query.inline === true && att.contentType === 'application/pdf';
      return reply
        .type(att.contentType)
        .header('content-length', att.size)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header(
          'content-disposition',
          contentDisposition(att.name).replace(/^attachment/, inline ? 'inline' : 'attachment'),
        )
        .send(att.stream);
    },
  );
}
