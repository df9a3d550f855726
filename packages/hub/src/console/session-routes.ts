// POST /console/api/session (sign in), GET (who am I + CSRF token), DELETE (sign out).

import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../core/contract.js';
import { requireConsole, resolvedSession, SESSION_COOKIE } from './auth/require-console.js';
import { SignInThrottled } from './auth/sign-in-throttle.js';
import type { ConsoleRouteOptions } from './console-routes.js';

const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);

export const SessionView = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union([
    Type.Literal('national_operator'),
    Type.Literal('provincial_operator'),
    Type.Literal('auditor'),
    Type.Literal('clerk'),
  ]),
  agencyCode: Type.Optional(Type.String()),
  agencyName: Type.Optional(Type.String()),
  csrfToken: Type.String({ description: 'send it back in the X-CSRF-Token header of every non-GET request' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

export async function sessionRoutes(app: FastifyInstance, opts: ConsoleRouteOptions): Promise<void> {
  const { console: service } = opts;

  const view = async (request: FastifyRequest) => {
    const s = resolvedSession(request)!;
    const agency = s.agencyCode ? await service.hub.getAgency(s.agencyCode) : undefined;
    return {
      username: s.username,
      displayName: s.displayName,
      role: s.role,
      ...(s.agencyCode ? { agencyCode: s.agencyCode } : {}),
      ...(agency ? { agencyName: agency.name } : {}),
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt.toISOString(),
    };
  };

  app.post<{ Body: Static<typeof SignInBody> }>(
    '/session',
    {
      schema: {
        tags: ['console'],
        summary:
          'Sign in to the web console: sets the lt_console session cookie (429 with Retry-After while the client address is locked after repeated failures)',
        body: SignInBody,
        response: { 200: SessionView },
      },
    },
    async (request, reply: FastifyReply) => {
      let signedIn: Awaited<ReturnType<typeof service.accounts.signIn>>;
      try {
        signedIn = await service.accounts.signIn(request.body.username, request.body.password, {
          requestId: request.id,
          ip: request.ip,
        });
      } catch (err) {
        if (!(err instanceof SignInThrottled)) throw err;
        // too many failures from this client address: refused before any password check
        reply.header('retry-after', String(err.retryAfterSeconds));
        reply.header('cache-control', 'no-store');
        return reply.code(429).send({
          error: { code: 'too-many-attempts', message: err.message, requestId: request.id },
        });
      }
      const { token, session } = signedIn;
      const maxAge = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
      reply.header('set-cookie', cookie(request, token, maxAge));
      reply.header('cache-control', 'no-store');
      const agency = session.agencyCode ? await service.hub.getAgency(session.agencyCode) : undefined;
      return {
        username: session.username,
        displayName: session.displayName,
        role: session.role,
        ...(session.agencyCode ? { agencyCode: session.agencyCode } : {}),
        ...(agency ? { agencyName: agency.name } : {}),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      };
    },
  );

  app.get(
    '/session',
    {
      preHandler: requireConsole(),
      schema: {
        tags: ['console'],
        summary: 'The signed-in console account and its CSRF token',
        response: { 200: SessionView },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return view(request);
    },
  );

  app.delete(
    '/session',
    {
      preHandler: requireConsole(),
      schema: { tags: ['console'], summary: 'Sign out: ends the session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const s = resolvedSession(request);
      if (!s) throw new HubError('unauthenticated', 'not signed in');
      await service.accounts.signOut(s, { requestId: request.id });
      reply.header('set-cookie', cookie(request, '', 0));
      return reply.code(204).send();
    },
  );
}
