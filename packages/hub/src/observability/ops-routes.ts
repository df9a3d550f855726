import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { HubService } from '../core/contract.js';
import type { HubMetrics } from './hub-metrics.js';

/** `/healthz` (the process answers), `/readyz` (the hub's storage is usable) and `/metrics` (Prometheus text). */
export async function opsRoutes(app: FastifyInstance, opts: { hub: HubService; metrics: HubMetrics }): Promise<void> {
  const hide = { hide: true, tags: ['operations'] };
  app.get('/healthz', { schema: hide, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: hide, logLevel: 'warn' }, async (_req, reply) => {
    const report = await opts.hub.health().catch((err: Error) => ({
      ok: false,
      checks: { hub: { ok: false, detail: err.message } },
    }));
    return reply.code(report.ok ? 200 : 503).send(report);
  });
  app.get('/metrics', { schema: hide, logLevel: 'warn' }, async (_req, reply) => {
    const text = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(text);
  });
}
