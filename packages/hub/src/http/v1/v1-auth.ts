import type { FastifyInstance } from 'fastify';
import { HubError, type HubService, type Principal } from '../../core/contract.js';
import type { ClientCertificateAuth } from '../auth/client-certificate-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller of a /v1 route */
    principal: Principal;
  }
}

/**
 * `Authorization: Bearer lt_<keyId>_<secret>` on every route of this scope, checked before the body is read.
 * With mutual TLS, a valid client certificate authenticates a request without a key; a request with both must
 * name the same agency twice, and a presented certificate that is refused refuses the request.
 */
export function requireApiKey(app: FastifyInstance, hub: HubService, certificates?: ClientCertificateAuth): void {
  app.decorateRequest('principal', undefined as unknown as Principal);
  app.addHook('onRequest', async (request) => {
    const certified = await certificates?.identify(request.raw);
    const header = request.headers.authorization;
    if (!header) {
      if (certified) {
        request.principal = { systemId: certified.agencyCode, via: 'mtls' };
        return;
      }
      throw new HubError(
        'unauthenticated',
        certificates
          ? 'missing Authorization: Bearer <API key> (or a TLS client certificate)'
          : 'missing Authorization: Bearer <API key>',
      );
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HubError('unauthenticated', 'the Authorization header must be "Bearer <API key>"');
    const principal = await hub.resolveApiKey(m[1]!);
    if (!principal) throw new HubError('unauthenticated', 'unknown, revoked or disabled API key');
    if (certified && certified.agencyCode !== principal.systemId) {
      throw new HubError(
        'unauthenticated',
        `the API key belongs to ${principal.systemId} but the client certificate to ${certified.agencyCode}`,
      );
    }
    request.principal = principal;
  });
}
