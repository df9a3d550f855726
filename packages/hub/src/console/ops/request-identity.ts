// Which agency an answered request was authenticated as, for the console's last-seen and error counts:
// VXP marks it when its HMAC/certificate authentication succeeds, /v1 leaves it in `request.principal`.

import type { FastifyRequest } from 'fastify';

const SYSTEM = Symbol('lienthong.authenticatedSystem');

type Marked = FastifyRequest & { [SYSTEM]?: string; principal?: { systemId: string } };

export function markAuthenticated(request: FastifyRequest, systemId: string): void {
  (request as Marked)[SYSTEM] = systemId;
}

export function authenticatedSystem(request: FastifyRequest): string | undefined {
  const r = request as Marked;
  return r[SYSTEM] ?? r.principal?.systemId;
}
