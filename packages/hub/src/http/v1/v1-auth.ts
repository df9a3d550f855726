import type { FastifyInstance } from 'fastify';
import { HubError, type HubService, type Principal } from '../../core/contract.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller of a /v1 route */
    principal: Principal;
  }
}

/** `Authorization: Bearer lt_<keyId>_<secret>` on every route of this scope, checked before the body is read. */
export function requireApiKey(app: FastifyInstance, hub: HubService): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) throw new HubError('unauthenticated', 'missing Authorization: Bearer <API key>');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HubError('unauthenticated', 'the Authorization header must be "Bearer <API key>"');
    const principal = await hub.resolveApiKey(m[1]!);
    if (!principal) throw new HubError('unauthenticated', 'unknown, revoked or disabled API key');
    request.principal = principal;
  });
}
