// The console's authentication seam. Every console API route is registered inside `consoleApi`
// (console-routes.ts), which resolves the `lt_console` cookie into `request.consoleSession` before the
// route runs. Routes guard themselves with `preHandler: requireConsole(...roles)`:
//   401 without a session, 403 for a role not listed (none listed: any signed-in account),
//   403 for a non-GET request without the session's CSRF token in the `X-CSRF-Token` header.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/audit-trail.js';
import { HubError } from '../../core/contract.js';
import type { ConsoleRole } from '../../store/store.js';
import type { ConsoleService } from '../console-service.js';
import { type ConsoleSession, type ResolvedSession, sameSecret } from './console-accounts.js';

export type { ConsoleRole } from '../../store/store.js';
export type { ConsoleSession } from './console-accounts.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the signed-in console account (console API routes only); undefined: not signed in */
    consoleSession: ConsoleSession | undefined;
  }
}

export const SESSION_COOKIE = 'lt_console';

const resolved = new WeakMap<FastifyRequest, ResolvedSession>();

/** The full session (hashed id, CSRF token) behind `request.consoleSession`. */
export function resolvedSession(request: FastifyRequest): ResolvedSession | undefined {
  return resolved.get(request);
}

/** onRequest hook of the console API: reads the session cookie. */
export function sessionHook(service: ConsoleService) {
  return async (request: FastifyRequest) => {
    request.consoleSession = undefined;
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!token) return;
    const session = await service.accounts.resolve(token);
    if (!session) return;
    resolved.set(request, session);
    const { sessionId: _id, csrfToken: _csrf, expiresAt: _exp, ...visible } = session;
    request.consoleSession = visible;
  };
}

/** preHandler: a signed-in account with one of `roles` (any role when none given); CSRF token on non-GET. */
export function requireConsole(...roles: ConsoleRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const session = resolved.get(request);
    if (!session) throw new HubError('unauthenticated', 'sign in to the console first');
    if (roles.length > 0 && !roles.includes(session.role)) {
      throw new HubError('forbidden', `this needs the role ${roles.join(' or ')}; you are ${session.role}`);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
        throw new HubError('forbidden', 'missing or wrong X-CSRF-Token header (reload the page)', {
          path: 'X-CSRF-Token',
        });
      }
    }
  };
}

/** Records an action of the signed-in account in the audit trail (actor `console:<username>`). */
export async function auditConsole(
  service: ConsoleService,
  request: FastifyRequest,
  e: {
    action: string;
    subject?: string;
    outcome?: 'ok' | 'refused';
    reason?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await recordAudit(service.ctx.store, {
    actor: `console:${request.consoleSession?.username ?? '?'}`,
    requestId: request.id,
    ...e,
  });
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
