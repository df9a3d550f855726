// `/v1/webhook`: an agency registers where the hub pushes its notifications (docs/protocols/webhooks.md).
// Registered inside v1Routes, so the API-key authentication and the error handler apply.

import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { WebhookService } from '../../delivery/webhooks/webhook-service.js';
import { ERROR_RESPONSES } from './v1-schemas.js';

const security = [{ apiKey: [] }];
const Event = Type.Union([Type.Literal('edoc'), Type.Literal('status')]);

const WebhookSchema = Type.Object({
  agency: Type.String(),
  url: Type.String(),
  events: Type.Array(Event),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  queue: Type.Object({
    pending: Type.Integer({ description: 'notifications not yet answered 2xx, still being tried' }),
    deadLetters: Type.Integer({
      description: 'notifications given up after the horizon (the operator may retry them)',
    }),
  }),
  secret: Type.Optional(
    Type.String({
      description:
        'the signing secret (HMAC-SHA256 key, as UTF-8): only in the answer that created it (first registration, rotation); keep it',
    }),
  ),
});

const PutBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 8192,
      description:
        'http(s) URL the hub POSTs each notification to (at most 2048 characters, no user:password@, no #fragment)',
    }),
    events: Type.Optional(
      Type.Array(Event, {
        minItems: 1,
        maxItems: 2,
        uniqueItems: true,
        description: 'what to push: new documents (edoc), statuses about documents sent (status); default both',
      }),
    ),
  },
  { additionalProperties: false },
);

export async function webhookRoutes(app: FastifyInstance, opts: { webhooks: WebhookService }): Promise<void> {
  const { webhooks } = opts;

  app.put<{ Body: Static<typeof PutBody> }>(
    '/webhook',
    {
      schema: {
        summary: 'Register (or change) the webhook the hub pushes notifications to',
        description:
          'The first registration answers 201 with the signing secret, shown this once; a change of URL or events answers 200 and keeps the secret and the queue.',
        tags: ['webhook'],
        security,
        body: PutBody,
        response: { 200: WebhookSchema, 201: WebhookSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const r = await webhooks.set(
        request.principal,
        { url: request.body.url, ...(request.body.events ? { events: request.body.events } : {}) },
        request.id,
      );
      const { created, ...view } = r;
      return reply.code(created ? 201 : 200).send(view);
    },
  );

  app.get(
    '/webhook',
    {
      schema: {
        summary: 'My webhook and its queue',
        tags: ['webhook'],
        security,
        response: { 200: WebhookSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => webhooks.get(request.principal),
  );

  app.delete(
    '/webhook',
    {
      schema: {
        summary: 'Stop pushing: notifications not sent yet are dropped',
        tags: ['webhook'],
        security,
        response: { 204: Type.Null({ description: 'deleted' }), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      await webhooks.delete(request.principal, request.id);
      return reply.code(204).send();
    },
  );

  app.post(
    '/webhook/rotate-secret',
    {
      schema: {
        summary: 'A new signing secret, in force at once (shown this once)',
        tags: ['webhook'],
        security,
        response: { 200: WebhookSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => webhooks.rotateSecret(request.principal, request.id),
  );
}
